import Foundation
import Testing
@testable import FanoutKit

/// SigV4 against the moto server that recomputes every signature (FANOUT_TEST_AUTH_ENDPOINT): only the IAM
/// user's real key pair works there.
@Suite struct SignatureIntegrationTests {
    func env(_ home: TempDir, _ auth: AuthMoto, key: String, secret: String) -> [String: String] {
        var env = Fanout.baseEnvironment(home: home.path)
        env["AWS_ACCESS_KEY_ID"] = key
        env["AWS_SECRET_ACCESS_KEY"] = secret
        env["AWS_REGION"] = "us-east-1"
        env["AWS_ENDPOINT_URL"] = auth.endpoint
        return env
    }

    /// A queue on the signature-checking server with one visible and one delayed message.
    func makeQueue(_ auth: AuthMoto) async throws -> (url: String, name: String) {
        let clients = MotoClients(endpoint: auth.endpoint, key: auth.key, secret: auth.secret)
        let name = uniqueName("itest-signed")
        let url = try await clients.sqs.createQueue(name, attributes: [:])
        _ = try await clients.sqs.sendMessage(url, SQSOutgoingMessage(id: "1", body: "hello & welcome / ünïcode +"))
        _ = try await clients.sqs.sendMessage(url, SQSOutgoingMessage(id: "2", body: "later", delaySeconds: 600))
        return (url, name)
    }

    @Test func rightKeysWorkForJSONProtocol() async throws {
        let auth = try AuthMoto.current()
        let queue = try await makeQueue(auth)
        let home = try TempDir()
        let environment = env(home, auth, key: auth.key, secret: auth.secret)

        let byURL = await Fanout.runInProcess(["queues", "--queue", queue.url, "-o", "json"], environment: environment)
        #expect(byURL.status == 0, "\(byURL)")
        let rows = try jsonArray(byURL.stdout)
        #expect(rows.first?["name"] as? String == queue.name)
        #expect(rows.first?["visible"] as? Int == 1)
        #expect(rows.first?["delayed"] as? Int == 1)

        // By name: GetQueueUrl, then GetQueueAttributes, both signed.
        let byName = await Fanout.runInProcess(["queues", "--queue", queue.name, "-o", "json"], environment: environment)
        #expect(byName.status == 0, "\(byName)")
        #expect(try jsonArray(byName.stdout).first?["url"] as? String == queue.url)
    }

    @Test func rightKeysWorkForQueryProtocol() async throws {
        let auth = try AuthMoto.current()
        let home = try TempDir()
        let result = await Fanout.runInProcess(["whoami", "-o", "json"], environment: env(home, auth, key: auth.key, secret: auth.secret))
        #expect(result.status == 0, "\(result)")
        let json = try jsonObject(result.stdout)
        #expect(json["arn"] as? String == AuthMoto.userArn)
        #expect(json["stsEndpoint"] as? String == auth.endpoint)
    }

    @Test func wrongSecretIsRejected() async throws {
        let auth = try AuthMoto.current()
        let queue = try await makeQueue(auth)
        let home = try TempDir()
        let environment = env(home, auth, key: auth.key, secret: auth.secret + "x")

        let sqs = await Fanout.runInProcess(["queues", "--queue", queue.url], environment: environment)
        let message = expectFailure(sqs, status: 254)
        #expect(message.hasPrefix("SQS: SignatureDoesNotMatch: "), "\(sqs)")
        #expect(message.contains("HTTP 403"), "\(sqs)")

        let sts = await Fanout.runInProcess(["whoami", "--debug"], environment: environment)
        let stsMessage = expectFailure(sts, status: 254)
        #expect(stsMessage.hasPrefix("STS: SignatureDoesNotMatch: "), "\(sts)")
        #expect(matches(sts.stderr, #"(?m)^\[debug\] ← 403 STS\.GetCallerIdentity in \d+\.\d ms"#), "\(sts)")
        #expect(sts.debugLines.filter { $0.hasPrefix("→ POST") }.count == 1, "a 403 is not retried: \(sts)")
        #expect(!sts.stderr.contains(auth.secret), "\(sts)")
        #expect(!matches(sts.stderr, "Signature=[0-9a-f]{64}"), "\(sts)")
    }

    @Test func unknownKeyIsRejected() async throws {
        let auth = try AuthMoto.current()
        let queue = try await makeQueue(auth)
        let home = try TempDir()
        let environment = env(home, auth, key: "AKIAUNKNOWNKEY000000", secret: auth.secret)

        let sqs = await Fanout.runInProcess(["queues", "--queue", queue.url], environment: environment)
        let message = expectFailure(sqs, status: 254)
        #expect(message.hasPrefix("SQS: InvalidClientTokenId: "), "\(sqs)")

        let sts = await Fanout.runInProcess(["whoami", "-o", "json"], environment: environment)
        let stsMessage = expectFailure(sts, status: 254)
        #expect(stsMessage.hasPrefix("STS: InvalidClientTokenId: "), "\(sts)")
    }
}
