import Foundation

/// Seed 000's runbook (Tests 1–5) as a sequence of checked steps: publish a marker, watch every queue drain, find
/// one record per consumer, check the queues are empty, optionally send a message through the DLQ and redrive it
/// (Test 4), and check the DLQs are empty and their alarms OK.
public struct Verification: Sendable {
    /// What to verify and how long to wait.
    public struct Plan: Sendable, Equatable {
        public var topicArn: String
        public var tableName: String
        public var queueURLs: [String]
        public var dlqURLs: [String]
        /// The consumer id of each queue, in queue order; a queue without one is `consumer_<n>` (1-based).
        public var consumerIds: [String]
        /// The DLQ alarms to check; none means every alarm named `dlq-messages-visible…`.
        public var alarmNames: [String]
        /// Run fanout's own consumers for the duration.
        public var consume: Bool
        /// Run Test 4 (needs `consume`): consumer 1 fails on a second marker, which must reach its DLQ.
        public var dlqTest: Bool
        /// Consumers (1-based queue numbers) made to fail every message (needs `consume`).
        public var brokenQueues: Set<Int>
        /// How long each waiting step may take, in seconds.
        public var timeout: Double
        /// Seconds between checks while waiting.
        public var interval: Double

        public init(topicArn: String, tableName: String, queueURLs: [String], dlqURLs: [String], consumerIds: [String] = [],
                    alarmNames: [String] = [], consume: Bool = false, dlqTest: Bool = false, brokenQueues: Set<Int> = [],
                    timeout: Double = 180, interval: Double = 2)
        {
            self.topicArn = topicArn
            self.tableName = tableName
            self.queueURLs = queueURLs
            self.dlqURLs = dlqURLs
            self.consumerIds = consumerIds
            self.alarmNames = alarmNames
            self.consume = consume
            self.dlqTest = dlqTest
            self.brokenQueues = brokenQueues
            self.timeout = timeout
            self.interval = interval
        }
    }

    /// How one step ended.
    public struct StepResult: Sendable, Equatable {
        /// Why a step failed, when the remedy is outside fanout's reach.
        public enum Cause: Sendable, Equatable {
            /// The queues did not drain and nothing held a message in flight: no consumer seems to be running.
            case noConsumer
        }

        public var name: String
        public var passed: Bool
        public var seconds: Double
        public var detail: String
        public var cause: Cause?

        public init(name: String, passed: Bool, seconds: Double, detail: String, cause: Cause? = nil) {
            self.name = name
            self.passed = passed
            self.seconds = seconds
            self.detail = detail
            self.cause = cause
        }
    }

    /// What the verification reports as it runs.
    public enum Event: Sendable, Equatable {
        case started(String)
        case finished(StepResult)
    }

    public let session: AWSSession
    public let plan: Plan

    public init(session: AWSSession, plan: Plan) {
        self.session = session
        self.plan = plan
    }

    /// Runs every step in order, each one even when an earlier one failed; an error inside a step fails that
    /// step. The built-in consumers (with `consume`) stop when the stream ends or its consumer is cancelled.
    public func run() -> EventStream<Event> {
        EventStream { report in try await steps(report) }
    }

    var consumerIds: [String] {
        plan.queueURLs.indices.map { $0 < plan.consumerIds.count ? plan.consumerIds[$0] : "consumer_\($0 + 1)" }
    }

    func steps(_ event: @Sendable (Event) -> Void) async throws {
        let session = session, plan = plan, queues = plan.queueURLs, consumerIds = consumerIds
        let run = UUID().uuidString.prefix(8).lowercased()
        let marker = "fanout-verify-\(run)", dlqMarker = "fanout-verify-dlq-\(run)"

        // The consumers, when asked: consumer 1 fails on the DLQ marker; broken queues' consumers fail outright.
        let dlqRule = try FailureRule(failWhen: ".text == \"\(dlqMarker)\"", always: false)
        let workers = plan.consume ? try consumers(dlqRule: dlqRule) : nil
        defer { workers?.cancel() }

        func step(_ name: String, _ body: () async throws -> (Bool, String, StepResult.Cause?)) async throws {
            try Task.checkCancellation()
            event(.started(name))
            let started = DispatchTime.now().uptimeNanoseconds
            let (passed, detail, cause): (Bool, String, StepResult.Cause?)
            do { (passed, detail, cause) = try await body() } catch is CancellationError { throw CancellationError() } catch {
                (passed, detail, cause) = (false, FanoutError.wrap(error).message, nil)
            }
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
            event(.finished(StepResult(name: name, passed: passed, seconds: seconds, detail: detail, cause: cause)))
        }
        func step(_ name: String, _ body: () async throws -> (Bool, String)) async throws {
            try await step(name) { () async throws -> (Bool, String, StepResult.Cause?) in
                let (passed, detail) = try await body()
                return (passed, detail, nil)
            }
        }
        func recorders(_ text: String) async throws -> Set<String> {
            Set(try await ProcessedRecord.scan(session.dynamodb, table: plan.tableName, .init(bodyContains: text)).map(\.consumerId))
        }
        func waitUntil(_ check: () async throws -> Bool) async throws -> Bool {
            let started = DispatchTime.now().uptimeNanoseconds
            while true {
                if try await check() { return true }
                if Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9 + plan.interval > plan.timeout { return false }
                try await Task.sleep(nanoseconds: UInt64(plan.interval * 1e9))
            }
        }
        func publish(_ text: String) async throws -> String {
            try await session.sns.publish(topicArn: plan.topicArn, SNSMessage(message: JSONValue.object([("text", .string(text))]).serialized()))
        }

        try await step("publish a marker (Test 2)") {
            let id = try await publish(marker)
            return (true, "\(marker) as \(id)")
        }
        try await step("every queue drains (Test 1)") { () async throws -> (Bool, String, StepResult.Cause?) in
            var last: [QueueSnapshot] = []
            let drained = try await waitUntil {
                last = try await QueueSnapshot.fetch(sqs: session.sqs, queues: queues, dlqs: [])
                return last.allSatisfy { $0.total == 0 }
            }
            if drained { return (true, "\(queues.count) queues at 0/0/0", nil) }
            let waiting = last.filter { $0.total > 0 }.map { "\($0.name) \($0.delayed)/\($0.inFlight)/\($0.visible)" }.joined(separator: ", ")
            let idle = last.allSatisfy { $0.inFlight == 0 } && !plan.consume
            return (false, "not drained after \(JSONValue.format(plan.timeout)) s (delayed/in flight/visible: \(waiting))", idle ? .noConsumer : nil)
        }
        try await step("one record per consumer (Test 1)") {
            let found = try await recorders(marker)
            let missing = consumerIds.filter { !found.contains($0) }
            return (missing.isEmpty && found.count == consumerIds.count,
                    missing.isEmpty ? "\(found.count) records: \(found.sorted().joined(separator: ", "))" : "missing \(missing.joined(separator: ", ")) (found \(found.count))")
        }
        try await step("no message stuck in the queues (Test 3)") {
            let snapshots = try await QueueSnapshot.fetch(sqs: session.sqs, queues: queues, dlqs: [])
            let stuck = snapshots.filter { $0.total > 0 }
            return (stuck.isEmpty, stuck.isEmpty ? "all counters 0" : stuck.map { "\($0.name): \($0.total)" }.joined(separator: ", "))
        }
        if plan.dlqTest {
            try await step("a failing consumer's message reaches its DLQ (Test 4)") {
                guard let dlq = try await dlq(of: queues[0]) else { return (false, "\(QueueURL.name(queues[0])) has no DLQ") }
                _ = try await publish(dlqMarker)
                let arrived = try await waitUntil {
                    try await DeadLetters.peek(sqs: session.sqs, queueURL: dlq, max: 100).contains { ConsumedMessage($0).body.contains(dlqMarker) }
                }
                guard arrived else { return (false, "\(dlqMarker) did not reach \(QueueURL.name(dlq)) in \(JSONValue.format(plan.timeout)) s") }
                let others = try await recorders(dlqMarker)
                return (true, "in \(QueueURL.name(dlq)); recorded by \(others.sorted().joined(separator: ", "))")
            }
            try await step("redrive it and consumer 1 records it (Test 4)") {
                guard let dlq = try await dlq(of: queues[0]) else { return (false, "no DLQ") }
                dlqRule.disable()
                let report = try await ClientSideMove(sqs: session.sqs, source: dlq, target: queues[0], filter: ".text == \"\(dlqMarker)\"").run()
                guard report.moved == 1 else { return (false, "moved \(report.moved), expected 1 (\(report.errors.joined(separator: "; ")))") }
                let recorded = try await waitUntil { try await recorders(dlqMarker).contains(consumerIds[0]) }
                return (recorded, recorded ? "moved back and recorded by \(consumerIds[0])" : "\(consumerIds[0]) did not record it")
            }
        }
        try await step("DLQs empty, alarms OK (Test 5)") {
            let snapshots = try await QueueSnapshot.fetch(sqs: session.sqs, queues: [], dlqs: plan.dlqURLs)
            let alarms = plan.alarmNames.isEmpty ? try await session.cloudwatch.describeAlarms(prefix: "dlq-messages-visible")
                                                 : try await session.cloudwatch.describeAlarms(names: plan.alarmNames)
            var states: [String] = []
            var alarming = 0
            for alarm in alarms {
                let live = try await AlarmEvaluation.evaluate(alarm, sqs: session.sqs)
                if (live?.state ?? alarm.state) == "ALARM" { alarming += 1 }
                states.append("\(alarm.name) \(alarm.state)\(live.map { " (live \($0.state))" } ?? "")")
            }
            let deep = snapshots.filter { $0.visible + $0.inFlight + $0.delayed > 0 }
            let detail = (deep.isEmpty ? "DLQs empty" : "DLQ depth: " + deep.map { "\($0.name) \($0.total)" }.joined(separator: ", "))
                + "; alarms: " + (states.isEmpty ? "none" : states.joined(separator: ", "))
            return (deep.isEmpty && alarming == 0, detail)
        }
    }

    /// fanout's own consumers, one worker per queue, until cancelled.
    func consumers(dlqRule: FailureRule) throws -> Task<Void, any Error> {
        let session = session, plan = plan, consumerIds = consumerIds
        var workers: [QueueConsumer] = []
        for (i, url) in plan.queueURLs.enumerated() {
            let rule = plan.brokenQueues.contains(i + 1) ? try FailureRule(failWhen: nil, always: true) : (i == 0 && plan.dlqTest ? dlqRule : .never)
            workers.append(QueueConsumer(sqs: session.sqs, dynamodb: session.dynamodb, table: plan.tableName, queueURL: url,
                                         consumerId: consumerIds[i], failure: rule))
        }
        return Task {
            try await withThrowingTaskGroup(of: Void.self) { group in
                for consumer in workers {
                    group.addTask {
                        while !Task.isCancelled {
                            do { _ = try await consumer.round(wait: 1) } catch is CancellationError { return }
                        }
                    }
                }
                try await group.waitForAll()
            }
        }
    }

    /// The DLQ of a main queue, from its RedrivePolicy, among the known DLQs (or by name).
    func dlq(of queue: String) async throws -> String? {
        let attributes = try await session.sqs.getQueueAttributes(queue, names: ["RedrivePolicy"])
        guard let arn = attributes["RedrivePolicy"].flatMap({ try? JSONValue.parse($0) })?["deadLetterTargetArn"]?.string else { return nil }
        let name = QueueURL.nameFromArn(arn)
        if let known = plan.dlqURLs.first(where: { QueueURL.name($0) == name }) { return known }
        return try await session.sqs.getQueueUrl(name)
    }
}
