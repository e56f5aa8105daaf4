import Foundation
import Testing
@testable import FanoutKit

/// `--debug` logs every request (method, URL, status, timing) on stderr and never a secret: not the secret key,
/// not the session token, not the signature.
@Suite struct DebugRedactionIntegrationTests {
    let secret = "dbg-secret-" + UUID().uuidString
    let token = "dbg-token-" + UUID().uuidString + "/+=="

    func environment(_ home: TempDir) throws -> [String: String] {
        var env = try Fanout.motoEnvironment(home: home.path)
        env["AWS_ACCESS_KEY_ID"] = "AKIDDEBUGTEST"
        env["AWS_SECRET_ACCESS_KEY"] = secret
        env["AWS_SESSION_TOKEN"] = token
        return env
    }

    func expectNoSecrets(_ result: RunResult, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(!result.stderr.contains(secret), "the secret key leaked: \(result)", sourceLocation: sourceLocation)
        #expect(!result.stderr.contains(token), "the session token leaked: \(result)", sourceLocation: sourceLocation)
        #expect(!result.stderr.contains(String(token.prefix(46))), "the session token leaked in another form (its alphanumeric part was found)", sourceLocation: sourceLocation)
        #expect(!matches(result.stderr, "Signature=[0-9a-f]{64}"), "a signature leaked: \(result)", sourceLocation: sourceLocation)
        // No 64-hex-digit value anywhere (a payload hash header would be the only legitimate one).
        let lines = result.stderrLines.filter { !$0.lowercased().contains("x-amz-content-sha256:") }.joined(separator: "\n")
        #expect(!matches(lines, "[0-9a-f]{64}"), "a 64-hex-digit value leaked: \(result)", sourceLocation: sourceLocation)
        #expect(!result.stdout.contains(secret) && !result.stdout.contains(token), sourceLocation: sourceLocation)
    }

    @Test func whoamiDebug() async throws {
        let moto = try Fanout.endpoint()
        let home = try TempDir()
        let result = await Fanout.runInProcess(["whoami", "--debug"], environment: try environment(home))
        #expect(result.status == 0, "\(result)")
        let sts = re(moto)
        #expect(matches(result.stderr, #"(?m)^\[debug\] → POST \#(sts) STS\.GetCallerIdentity \(attempt 1/3\)$"#), "\(result)")
        #expect(matches(result.stderr, #"(?m)^\[debug\] ← 200 STS\.GetCallerIdentity in \d+\.\d ms request-id \S+$"#), "\(result)")
        #expect(matches(result.stderr, #"(?m)^\[debug\]   Authorization: AWS4-HMAC-SHA256 Credential=AKIDDEBUGTEST/\d{8}/us-east-1/sts/aws4_request, SignedHeaders=[a-z0-9;-]*x-amz-security-token[a-z0-9;-]*, Signature=<redacted>$"#),
                "\(result)")
        #expect(result.stderr.contains("[debug]   X-Amz-Security-Token: <redacted>\n"), "\(result)")
        #expect(result.stderr.contains("[debug]   body: Action=GetCallerIdentity&Version=2011-06-15\n"), "\(result)")
        expectNoSecrets(result)
    }

    @Test func queuesDebug() async throws {
        let moto = try Fanout.endpoint()
        let url = try await MotoClients(endpoint: moto).sqs.createQueue(uniqueName("itest-debug"), attributes: [:])
        let home = try TempDir()
        let result = await Fanout.runInProcess(["queues", "--queue", url, "--debug"], environment: try environment(home))
        #expect(result.status == 0, "\(result)")
        let endpoint = re(moto)
        #expect(matches(result.stderr, #"(?m)^\[debug\] endpoint SQS \#(endpoint) \(from AWS_ENDPOINT_URL\)$"#), "\(result)")
        #expect(matches(result.stderr, #"(?m)^\[debug\] → POST \#(endpoint) SQS\.GetQueueAttributes \(attempt 1/3\)$"#), "\(result)")
        #expect(matches(result.stderr, #"(?m)^\[debug\]   X-Amz-Target: AmazonSQS\.GetQueueAttributes$"#), "\(result)")
        #expect(matches(result.stderr, #"(?m)^\[debug\] ← 200 SQS\.GetQueueAttributes in \d+\.\d ms"#), "\(result)")
        #expect(result.stderr.contains("[debug]   X-Amz-Security-Token: <redacted>\n"), "\(result)")
        #expect(result.stdout.hasPrefix("QUEUE"), "data still goes to stdout: \(result)")
        #expect(!result.stdout.contains("[debug]"), "\(result)")
        expectNoSecrets(result)
    }

    /// Assume-role under --debug: the AssumeRole answer is logged with its secret and token redacted, and the
    /// temporary keys' token is redacted in the next request.
    @Test func assumeRoleDebug() async throws {
        let moto = try Fanout.endpoint()
        let home = try TempDir()
        try home.write(".aws/config", """
            [profile role]
            role_arn = arn:aws:iam::123456789012:role/\(uniqueName("itest-debug-role"))
            credential_source = Environment
            """)
        var env = try environment(home)
        env["AWS_ENDPOINT_URL"] = moto
        let result = await Fanout.runInProcess(["whoami", "--debug", "--profile", "role"], environment: env)
        #expect(result.status == 0, "\(result)")
        #expect(matches(result.stderr, #"(?m)^\[debug\] ← 200 STS\.AssumeRole in \d+\.\d ms"#), "\(result)")
        #expect(result.stderr.contains("<SecretAccessKey><redacted></SecretAccessKey>"), "\(result)")
        #expect(result.stderr.contains("<SessionToken><redacted></SessionToken>"), "\(result)")
        #expect(!matches(result.stderr, "<SecretAccessKey>(?!<redacted>)"), "\(result)")
        #expect(!matches(result.stderr, "<SessionToken>(?!<redacted>)"), "\(result)")
        #expect(!matches(result.stderr, "X-Amz-Security-Token: (?!<redacted>)"), "\(result)")
        expectNoSecrets(result)
    }
}
