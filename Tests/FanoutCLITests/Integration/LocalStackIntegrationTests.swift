import Foundation
import Testing
@testable import FanoutKit

/// What moto cannot do, against LocalStack in host mode (scripts/localstack.sh, started by `make test`):
/// SQS message move tasks and CloudWatch alarm evaluation.
@Suite struct LocalStackIntegrationTests {
    static func endpoint() throws -> String {
        guard let e = ProcessInfo.processInfo.environment["FANOUT_TEST_LOCALSTACK_ENDPOINT"] else {
            throw TestSetupError("FANOUT_TEST_LOCALSTACK_ENDPOINT is not set: run with 'make test', which starts LocalStack (see its warning if it could not)")
        }
        return e
    }

    /// A source queue whose messages were redriven into its DLQ by receives (LocalStack tracks their origin).
    struct DeadLettered {
        let sqs: SQSClient
        let source: String
        let dlq: String
        let env: [String: String]
        let home: TempDir

        init(count: Int) async throws {
            let endpoint = try LocalStackIntegrationTests.endpoint()
            let config = AWSClientConfig(transport: CurlTransport(), credentials: { Credentials(accessKeyId: "test", secretAccessKey: "test") }, region: "us-east-1")
            sqs = SQSClient(AWSClient(service: .sqs, endpoint: endpoint, config: config))
            let name = uniqueName("ls")
            dlq = try await sqs.createQueue("\(name)-dlq", attributes: [:])
            let dlqArn = try await sqs.getQueueAttributes(dlq, names: ["QueueArn"])["QueueArn"] ?? ""
            source = try await sqs.createQueue(name, attributes: ["RedrivePolicy": #"{"deadLetterTargetArn":"\#(dlqArn)","maxReceiveCount":"1"}"#,
                                                                  "VisibilityTimeout": "0"])
            for start in stride(from: 0, to: count, by: 10) {
                _ = try await sqs.sendMessageBatch(source, (start..<min(start + 10, count)).map { SQSOutgoingMessage(id: "\($0)", body: "m-\($0)") })
            }
            // Receive everything once (visibility 0), then the next receives move them to the DLQ.
            for _ in 0..<(count / 10 + 20) { _ = try await sqs.receiveMessages(source, max: 10) }
            home = try TempDir()
            var env = Fanout.baseEnvironment(home: home.path)
            env["AWS_ENDPOINT_URL"] = endpoint
            env["AWS_REGION"] = "us-east-1"
            env["AWS_ACCESS_KEY_ID"] = "test"
            env["AWS_SECRET_ACCESS_KEY"] = "test"
            self.env = env
            var moved = 0
            for _ in 0..<50 {
                moved = try await depth(dlq)
                if moved == count { break }
                _ = try await sqs.receiveMessages(source, max: 10)
            }
            guard moved == count else { throw TestSetupError("only \(moved) of \(count) messages reached the DLQ") }
        }

        func depth(_ url: String) async throws -> Int {
            let a = try await sqs.getQueueAttributes(url, names: ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"])
            return (Int(a["ApproximateNumberOfMessages"] ?? "") ?? 0) + (Int(a["ApproximateNumberOfMessagesNotVisible"] ?? "") ?? 0)
        }

        func run(_ args: [String]) throws -> RunResult { try Fanout.run(args, environment: env) }
    }

    @Test func moveTaskFollowedToTheEnd() async throws {
        let q = try await DeadLettered(count: 6)
        let result = try q.run(["dlq", "redrive", q.dlq, "--wait", "--rate", "2", "-o", "json"])
        #expect(result.status == 0, "\(result)")
        let lines = result.stdout.split(separator: "\n").compactMap { try? JSONValue.parse(String($0)) }
        #expect(lines.contains { $0["status"]?.string == "RUNNING" }, "a rate-limited task is seen while it runs: \(result.stdout)")
        #expect(lines.last?["status"]?.string == "COMPLETED")
        #expect(lines.last?["moved"]?.int == 6)
        #expect(!result.stderr.contains("client-side"))
        #expect(try await q.depth(q.source) == 6)
        #expect(try await q.depth(q.dlq) == 0)
        let tasks = try q.run(["dlq", "tasks", q.dlq, "-o", "json"])
        #expect(tasks.status == 0, "\(tasks)")
        #expect((try JSONValue.parse(tasks.stdout).array ?? []).first?["status"]?.string == "COMPLETED")
    }

    @Test func cancelStopsARunningTaskAndLosesNothing() async throws {
        let q = try await DeadLettered(count: 20)
        let started = try q.run(["dlq", "redrive", q.dlq, "--rate", "1", "--yes"])
        #expect(started.status == 0, "\(started)")
        try await Task.sleep(nanoseconds: 2_500_000_000)
        let cancelled = try q.run(["dlq", "cancel", q.dlq, "-o", "json"])
        #expect(cancelled.status == 0, "\(cancelled)")
        try await Task.sleep(nanoseconds: 1_500_000_000)
        let tasks = try JSONValue.parse(try q.run(["dlq", "tasks", q.dlq, "-o", "json"]).stdout).array ?? []
        #expect(tasks.first?["status"]?.string == "CANCELLED", "\(tasks)")
        let (inSource, inDLQ) = (try await q.depth(q.source), try await q.depth(q.dlq))
        #expect(inSource + inDLQ == 20)
        #expect(inSource > 0 && inDLQ > 0, "cancelled part way: \(inSource) moved, \(inDLQ) left")
        #expect(try q.run(["dlq", "cancel", q.dlq]).status == 1, "nothing left to cancel")
    }

    @Test func ctrlCWhileWaitingCancelsTheTask() async throws {
        let q = try await DeadLettered(count: 20)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Fanout.binary)
        process.arguments = ["dlq", "redrive", q.dlq, "--wait", "--rate", "1"]
        process.environment = q.env
        process.standardOutput = FileHandle.nullDevice
        let err = Pipe()
        process.standardError = err
        let stderr = DataCollector(err.fileHandleForReading)
        try process.run()
        try await Task.sleep(nanoseconds: 3_000_000_000)
        process.interrupt()
        process.waitUntilExit()
        #expect(process.terminationStatus == 130)
        #expect(stderr.text().contains("cancelled the move task"))
        try await Task.sleep(nanoseconds: 1_500_000_000)
        #expect(try await q.depth(q.source) + q.depth(q.dlq) == 20)
    }

    @Test func aQueueThatIsNoDLQGetsAClearError() async throws {
        let q = try await DeadLettered(count: 1)
        let result = try q.run(["dlq", "redrive", q.source, "--to", q.dlq, "--wait", "--yes"])
        #expect(result.status == 252, "\(result)")
        #expect(result.stderr.contains("is not the DLQ of any queue"))
    }

    /// LocalStack evaluates alarms from SQS metrics, so CloudWatch's own state turns ALARM after a DLQ fills.
    @Test func cloudWatchStateTurnsAlarmWhenADLQFills() async throws {
        let q = try await DeadLettered(count: 1)
        let config = AWSClientConfig(transport: CurlTransport(), credentials: { Credentials(accessKeyId: "test", secretAccessKey: "test") }, region: "us-east-1")
        let cloudwatch = CloudWatchClient(AWSClient(service: .cloudwatch, endpoint: try Self.endpoint(), config: config))
        let name = "dlq-messages-visible-\(QueueURL.name(q.source))"
        try await cloudwatch.putMetricAlarm(MetricAlarmDefinition(
            name: name, description: "test", namespace: "AWS/SQS", metricName: "ApproximateNumberOfMessagesVisible",
            dimensions: [("QueueName", QueueURL.name(q.dlq))], period: 10))
        let waited = try q.run(["alarms", "--prefix", name, "--wait", "ALARM", "--timeout", "90", "--interval", "2", "-o", "json"])
        #expect(waited.status == 0, "\(waited)")
        #expect((try JSONValue.parse(waited.stdout).array ?? []).first?["state"]?.string == "ALARM")
        #expect(try q.run(["alarms", "--prefix", name, "--live", "--expect", "ALARM"]).status == 0)
    }
}
