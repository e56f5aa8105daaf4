import Dispatch
import Foundation

/// A profile's `credential_process`: runs the command and reads the credentials it prints
/// (botocore's `ProcessProvider`). The profile's settings come from both files, as in botocore.
///
/// The command runs through `/bin/sh -c`, so quoting, `~` and `$VAR` work as in a shell (botocore splits it
/// with shlex instead; commands without shell syntax behave the same). Its stdout must be
/// `{"Version": 1, "AccessKeyId": …, "SecretAccessKey": …, "SessionToken": …?, "Expiration": …?}`.
public struct CredentialProcessSource: CredentialSource {
    public var profileName: String
    public var config: AWSConfigContext

    public init(profileName: String, config: AWSConfigContext) {
        self.profileName = profileName
        self.config = config
    }

    public var attemptDescription: String { "credential_process (profile \(profileName))" }

    public func resolve(_ context: CredentialResolutionContext) async throws -> ResolvedCredentials? {
        guard let command = config.files.profile(named: profileName)?["credential_process"], !command.isEmpty else {
            return nil
        }
        let output = try await ShellCommand.run(command, environment: config.environment.variables)
        let credentials = try Self.credentials(fromOutput: output, profileName: profileName)
        return ResolvedCredentials(credentials: credentials, source: "credential_process (profile \(profileName))")
    }

    /// Checks the exit status and decodes stdout; every failure names the profile and the problem.
    static func credentials(fromOutput output: ShellCommand.Output, profileName: String) throws -> Credentials {
        let what = "credential_process of profile \(profileName)"
        let hint = "run the command yourself to see its output; it must print JSON with Version 1, "
            + "AccessKeyId and SecretAccessKey"
        guard output.status == 0 else {
            var message = "\(what) failed with exit status \(output.status)"
            if let line = output.firstStderrLine { message += ": \(line)" }
            throw FanoutError.configuration(message, hint: hint)
        }
        let json: JSONValue
        do {
            json = try JSONValue.parse(output.stdout)
        } catch {
            var message = "\(what) did not print valid JSON (\(error))"
            if let line = output.firstStderrLine { message += "; stderr: \(line)" }
            throw FanoutError.configuration(message, hint: hint)
        }
        guard json.object != nil else {
            throw FanoutError.configuration("\(what) printed a JSON \(json.typeName), not an object", hint: hint)
        }
        // botocore compares with `!= 1`: the number 1 only, not the string "1".
        guard let version = json["Version"] else {
            throw FanoutError.configuration("\(what) printed no Version; only Version 1 is supported", hint: hint)
        }
        guard version.double == 1 else {
            throw FanoutError.configuration(
                "\(what) printed Version \(version.serialized()); only Version 1 is supported", hint: hint)
        }
        func requiredString(_ key: String) throws -> String {
            guard let value = json[key]?.string, !value.isEmpty else {
                throw FanoutError.configuration("\(what) printed no \(key)", hint: hint)
            }
            return value
        }
        let accessKeyId = try requiredString("AccessKeyId")
        let secretAccessKey = try requiredString("SecretAccessKey")
        var expiration: Date?
        if let value = json["Expiration"], !value.isNull {
            guard let text = value.string, let date = ISO8601Timestamp.parse(text) else {
                throw FanoutError.configuration(
                    "\(what) printed an Expiration that is not an ISO 8601 time: \(value.serialized())", hint: hint)
            }
            expiration = date
        }
        return Credentials(
            accessKeyId: accessKeyId, secretAccessKey: secretAccessKey,
            sessionToken: json["SessionToken"]?.string, expiration: expiration)
    }
}

/// Runs a command line through `/bin/sh -c` and collects its exit status, stdout and stderr.
/// stdin is inherited, so a credential helper can prompt on the terminal as it can under the AWS CLI.
enum ShellCommand {
    /// What the command left behind.
    struct Output: Sendable {
        var status: Int32
        var stdout: [UInt8]
        var stderr: [UInt8]

        /// The first non-blank line of stderr, for error messages.
        var firstStderrLine: String? {
            String(decoding: stderr, as: UTF8.self)
                .split(whereSeparator: \.isNewline)
                .lazy
                .map { $0.trimmingCharacters(in: .whitespaces) }
                .first { !$0.isEmpty }
        }
    }

    /// Runs on a Dispatch thread so the blocking reads and the wait stay off the cooperative pool.
    static func run(_ command: String, environment: [String: String]) async throws -> Output {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(with: Result { try runBlocking(command, environment: environment) })
            }
        }
    }

    private static func runBlocking(_ command: String, environment: [String: String]) throws -> Output {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", command]
        process.environment = environment
        let stdoutPipe = Pipe()
        let stderrPipe = Pipe()
        process.standardOutput = stdoutPipe
        process.standardError = stderrPipe
        do {
            try process.run()
        } catch {
            throw FanoutError.configuration("Cannot start /bin/sh to run credential_process: \(error)")
        }
        // Read stderr on another thread while this one reads stdout, so neither pipe can fill up and stall
        // the child.
        let stderrHandle = stderrPipe.fileHandleForReading
        let stderrData = LockedBox(Data())
        let group = DispatchGroup()
        DispatchQueue.global().async(group: group) {
            stderrData.value = stderrHandle.readDataToEndOfFile()
        }
        let stdoutData = stdoutPipe.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        process.waitUntilExit()
        return Output(status: process.terminationStatus, stdout: Array(stdoutData), stderr: Array(stderrData.value))
    }
}

/// A value shared between two threads under a lock.
private final class LockedBox<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: Value

    init(_ value: Value) { stored = value }

    var value: Value {
        get { lock.withLock { stored } }
        set { lock.withLock { stored = newValue } }
    }
}
