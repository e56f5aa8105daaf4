import Foundation
import Synchronization
import Testing

@testable import FanoutKit

/// A temporary HOME holding `.aws/config` and `.aws/credentials`, removed again when the test is done.
/// Sendable: its only state is an immutable path; the files it writes are the test's own.
final class ConfigSandbox: Sendable {
    let home: String

    init(config: String? = nil, credentials: String? = nil) throws {
        home = FileManager.default.temporaryDirectory
            .appendingPathComponent("fanout-config-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: home + "/.aws", withIntermediateDirectories: true)
        if let config { try write(".aws/config", config) }
        if let credentials { try write(".aws/credentials", credentials) }
    }

    deinit { try? FileManager.default.removeItem(atPath: home) }

    /// Writes a file under HOME and returns its absolute path.
    @discardableResult
    func write(_ relativePath: String, _ text: String, executable: Bool = false) throws -> String {
        let path = home + "/" + relativePath
        try FileManager.default.createDirectory(
            atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        if executable { try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: path) }
        return path
    }

    /// Writes an executable shell script that prints `stdout` (and `stderr`) and exits with `status`.
    func script(_ name: String, stdout: String, stderr: String = "", status: Int = 0) throws -> String {
        var text = "#!/bin/sh\ncat <<'FANOUT_EOF'\n\(stdout)\nFANOUT_EOF\n"
        if !stderr.isEmpty { text += "echo '\(stderr)' >&2\n" }
        text += "exit \(status)\n"
        return try write("bin/\(name)", text, executable: true)
    }

    /// An environment with this HOME, a PATH, and `extra` — nothing from the real process environment.
    func environment(_ extra: [String: String] = [:]) -> Environment {
        var variables = ["HOME": home, "PATH": "/usr/bin:/bin"]
        variables.merge(extra) { $1 }
        return Environment(variables)
    }

    func context(profile: String? = nil, _ extra: [String: String] = [:]) throws -> AWSConfigContext {
        try AWSConfigContext.load(profileFlag: profile, environment: environment(extra))
    }
}

/// Stands in for the STS client and records every call. A fake is right here: the chain's job is to decide
/// which role to assume with which source credentials and parameters, and that is what these tests check;
/// the real STS AssumeRole path is tested elsewhere against a real server.
actor RecordingRoleAssumer: RoleAssumer {
    struct Call: Sendable, Equatable {
        var source: Credentials
        var region: String
        var request: AssumeRoleRequest
    }

    private(set) var calls: [Call] = []
    private let expiration: @Sendable () -> Date
    private var failure: FanoutError?

    init(expiration: @escaping @Sendable () -> Date = { Date().addingTimeInterval(3600) }) {
        self.expiration = expiration
    }

    func fail(with error: FanoutError?) { failure = error }

    func assumeRole(sourceCredentials: Credentials, region: String, request: AssumeRoleRequest) async throws
        -> Credentials
    {
        calls.append(Call(source: sourceCredentials, region: region, request: request))
        if let failure { throw failure }
        let role = request.roleArn.split(separator: "/").last.map(String.init) ?? request.roleArn
        return Credentials(
            accessKeyId: "ASIA-\(role)-\(calls.count)", secretAccessKey: "secret-\(role)",
            sessionToken: "token-\(role)", expiration: expiration())
    }
}

/// A clock tests can move.
final class TestClock: Sendable {
    private let current: Mutex<Date>

    init(_ start: Date = Date(timeIntervalSince1970: 1_700_000_000)) { current = Mutex(start) }

    var now: Date { current.withLock { $0 } }

    func advance(_ seconds: TimeInterval) { current.withLock { $0 = $0.addingTimeInterval(seconds) } }
}

/// Resolves the standard chain for a context with a recording assumer in eu-west-1.
func resolveCredentials(
    _ context: AWSConfigContext, assumer: RecordingRoleAssumer = RecordingRoleAssumer(),
    now: @escaping @Sendable () -> Date = { Date() }
) async throws -> ResolvedCredentials {
    try await CredentialChain.standard(context).resolve(
        CredentialResolutionContext(assumer: assumer, region: "eu-west-1", now: now))
}

/// The FanoutError a throwing expression raised, failing the test when it raised something else or nothing.
func configurationError(_ body: () async throws -> Void, sourceLocation: SourceLocation = #_sourceLocation)
    async -> FanoutError?
{
    do {
        try await body()
        Issue.record("expected a configuration error, got none", sourceLocation: sourceLocation)
        return nil
    } catch let error as FanoutError {
        #expect(error.kind == .configuration, sourceLocation: sourceLocation)
        #expect(error.exitCode == 253, sourceLocation: sourceLocation)
        return error
    } catch {
        Issue.record("expected a FanoutError, got \(error)", sourceLocation: sourceLocation)
        return nil
    }
}
