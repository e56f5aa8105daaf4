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
        let output = try await ShellCommand.run(
            command, environment: config.environment.variables, what: "credential_process of profile \(profileName)")
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
///
/// botocore waits for a credential_process without any bound. Here the command gets 60 seconds (`timeLimit`; time
/// enough to answer a prompt or an MFA push) and may print at most 1 MiB on stdout and on stderr (`outputLimit`;
/// credentials are a few kilobytes): past either it is killed (SIGTERM, SIGKILL 2 s later) and the lookup fails
/// with a configuration error instead of hanging. A helper that exits but leaves a background child holding its
/// stdout is read up to its own exit.
enum ShellCommand {
    static let timeLimit: Duration = .seconds(60)
    static let outputLimit = 1024 * 1024

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

    /// Runs `command`; `what` names it in errors ("credential_process of profile dev").
    static func run(_ command: String, environment: [String: String], what: String = "credential_process",
                    timeLimit: Duration = timeLimit, outputLimit: Int = outputLimit) async throws -> Output
    {
        let child = ChildProcess(
            command: command, environment: environment, input: .inherited, errorOutput: .captured,
            outputLimit: outputLimit, timeout: timeLimit, gracePeriod: .seconds(2))
        let result: ChildProcess.Result
        do {
            result = try await child.run()
        } catch let error as ChildProcess.Failure {
            throw FanoutError.configuration("Cannot start /bin/sh to run \(what): \(error)")
        }
        switch result.stop {
        case .timedOut:
            throw FanoutError.configuration(
                "\(what) did not finish within \(seconds(timeLimit)) seconds and was killed",
                hint: "run the command yourself to see where it waits")
        case .outputLimitExceeded:
            throw FanoutError.configuration(
                "\(what) printed more than \(size(outputLimit)) and was killed",
                hint: "it must print only the credentials JSON on stdout")
        case nil:
            return Output(status: result.exitStatus, stdout: result.stdout, stderr: result.stderr)
        }
    }

    private static func size(_ bytes: Int) -> String {
        bytes % (1024 * 1024) == 0 ? "\(bytes / (1024 * 1024)) MiB" : "\(bytes) bytes"
    }

    private static func seconds(_ duration: Duration) -> String {
        let (whole, fraction) = duration.components
        return fraction == 0 ? "\(whole)" : String(format: "%.1f", Double(whole) + Double(fraction) / 1e18)
    }
}
