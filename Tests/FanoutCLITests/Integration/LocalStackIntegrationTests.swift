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
            sqs = MotoClients(endpoint: endpoint, key: "test", secret: "test").sqs
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
            env = Fanout.localEnvironment(home: home.path, endpoint: endpoint, key: "test", secret: "test")
            var moved = 0
            for _ in 0..<50 {
                moved = try await depth(dlq)
                if moved == count { break }
                _ = try await sqs.receiveMessages(source, max: 10)
            }
            guard moved == count else { throw TestSetupError("only \(moved) of \(count) messages reached the DLQ") }
        }

        func depth(_ url: String) async throws -> Int { try await sqs.depth(url) }

        /// The status of the DLQ's newest move task, as `fanout dlq tasks` lists it.
        func newestTaskStatus() throws -> String? {
            let tasks = try run(["dlq", "tasks", dlq, "-o", "json"])
            return (try? JSONValue.parse(tasks.stdout).array ?? [])?.first?["status"]?.string
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
        // Cancel once the task has visibly moved something (at 1 message/s the other 19 take many seconds more). The
        // wait blocks, so the cancel follows at once, however busy the other tests keep the shared threads.
        try waitFor("a first message moved back") { let c = try queueCounts(q.source, environment: q.env); return c.visible + c.inFlight > 0 }
        let cancelled = try q.run(["dlq", "cancel", q.dlq, "-o", "json"])
        #expect(cancelled.status == 0, "\(cancelled)")
        let status = try await eventually("the task is CANCELLED", { try q.newestTaskStatus() ?? "none" }, until: { $0 == "CANCELLED" })
        #expect(status == "CANCELLED")
        // A message the task was moving when it stopped may be counted in neither queue for a moment.
        let total = try await eventually("all 20 messages accounted for", { try await q.depth(q.source) + q.depth(q.dlq) }, until: { $0 == 20 })
        #expect(total == 20)
        let (inSource, inDLQ) = (try await q.depth(q.source), try await q.depth(q.dlq))
        #expect(inSource + inDLQ == 20)
        #expect(inSource > 0 && inDLQ > 0, "cancelled part way: \(inSource) moved, \(inDLQ) left")
        #expect(try q.run(["dlq", "cancel", q.dlq]).status == 1, "nothing left to cancel")
    }

    @Test func ctrlCWhileWaitingCancelsTheTask() async throws {
        let q = try await DeadLettered(count: 20)
        let redrive = try Fanout.start(["dlq", "redrive", q.dlq, "--wait", "--rate", "1"], environment: q.env)
        // Interrupt once the command reports the running task (its progress lines go to stderr off a terminal), at the
        // second report: the command is then surely in its wait loop, with its Ctrl-C handling in place.
        try redrive.waitForStderr(containing: ": RUNNING ", times: 2)
        redrive.signal(SIGINT)
        let result = try redrive.wait()
        #expect(result.exited && result.status == 130, "\(result)")
        #expect(result.stderr.contains("cancelled the move task"), "\(result)")
        let status = try await eventually("the task is CANCELLED", { try q.newestTaskStatus() ?? "none" }, until: { $0 == "CANCELLED" })
        #expect(status == "CANCELLED")
        let total = try await eventually("all 20 messages accounted for", { try await q.depth(q.source) + q.depth(q.dlq) }, until: { $0 == 20 })
        #expect(total == 20)
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
