import FanoutKit
import Foundation

/// `fanout verify`: seed 000's Tests 1–5 as one command with one exit code.
enum VerifyCommand {
    static var spec: CommandSpec {
        CommandSpec(
            name: "verify",
            abstract: "Run the seed's runbook: publish a marker, watch it drain, check the records, queues, DLQs and alarms.",
            discussion: """
            Publishes a unique marker, waits for every main queue to drain, checks one record per consumer in the table, \
            checks the queues are empty, and checks the DLQs are empty and the DLQ alarms OK (live, from the queues). \
            --dlq-test also runs Test 4: consumer 1 is made to fail on a second marker, which must reach DLQ 1; then \
            the consumer is healed, the message redriven, and its record checked. Nothing consumes on a local endpoint \
            unless something runs the consumers: --consume runs fanout's own for the duration. Exit 0 only when every \
            step passes.
            """,
            options: [
                .flag("consume", help: "Run the built-in consumers while verifying"),
                .flag("dlq-test", help: "Also run Test 4 (needs --consume): a failing consumer, the DLQ, a redrive"),
                .value("fail-queue", "n", help: "Break consumer n (with --consume), to see verify fail", repeatable: true),
                .value("timeout", "seconds", help: "Give each waiting step this long", default: "180"),
                .value("interval", "seconds", help: "Seconds between checks while waiting", default: "2"),
            ] + FanoutCommand.resourceOptions([.topic, .queues, .dlqs, .table]),
            examples: [
                Example("fanout verify", "Against a deployed stack whose Lambdas consume"),
                Example("fanout verify --consume --dlq-test", "Locally, with fanout's consumers, including the DLQ path"),
            ],
            run: { args in try await run(CommandContext(args)) })
    }

    struct Step {
        var name: String
        var passed: Bool
        var seconds: Double
        var detail: String
    }

    static func run(_ context: CommandContext) async throws {
        let args = context.args
        let timeout = try args.double("timeout") ?? 180
        let interval = try args.double("interval") ?? 2
        guard timeout > 0, interval > 0 else { throw FanoutError.usage("--timeout and --interval must be greater than 0") }
        let consume = args.flag("consume"), dlqTest = args.flag("dlq-test")
        if dlqTest && !consume { throw FanoutError.usage("--dlq-test needs --consume: only fanout's own consumers can be made to fail on the marker") }
        let broken = Set(try args.strings("fail-queue").filter { !$0.isEmpty }.map { text -> Int in
            guard let n = Int(text), n >= 1 else { throw FanoutError.usage("Invalid value '\(text)' for '--fail-queue'") }
            return n
        })
        if !broken.isEmpty && !consume { throw FanoutError.usage("--fail-queue needs --consume") }

        let session = try await context.session()
        let topic = try context.topicArn()
        let table = try context.tableName()
        let queues = try await context.queueURLs(session)
        let dlqs = try await context.dlqURLs(session, required: false)
        let ids = (try? context.outputs().evaluate(CommandContext.consumerIds, role: .queues).first?.array?.compactMap(\.string)) ?? []
        let consumerIds = queues.indices.map { $0 < ids.count ? ids[$0] : "consumer_\($0 + 1)" }
        let run = UUID().uuidString.prefix(8).lowercased()
        let marker = "fanout-verify-\(run)", dlqMarker = "fanout-verify-dlq-\(run)"

        // The consumers, when asked: consumer 1 fails on the DLQ marker; --fail-queue breaks consumers outright.
        let dlqRule = try FailureRule(failWhen: ".text == \"\(dlqMarker)\"", always: false)
        let workers = consume ? Task {
            try await withThrowingTaskGroup(of: Void.self) { group in
                for (i, url) in queues.enumerated() {
                    let rule = broken.contains(i + 1) ? try FailureRule(failWhen: nil, always: true) : (i == 0 && dlqTest ? dlqRule : .never)
                    let consumer = QueueConsumer(sqs: session.sqs, dynamodb: session.dynamodb, table: table, queueURL: url,
                                                 consumerId: consumerIds[i], failure: rule)
                    group.addTask {
                        while !Task.isCancelled {
                            do { _ = try await consumer.round(wait: 1) } catch is CancellationError { return }
                        }
                    }
                }
                try await group.waitForAll()
            }
        } : nil
        defer { workers?.cancel() }

        var steps: [Step] = []
        func step(_ name: String, _ body: () async throws -> (Bool, String)) async {
            let started = DispatchTime.now().uptimeNanoseconds
            let (passed, detail): (Bool, String)
            do { (passed, detail) = try await body() } catch { (passed, detail) = (false, FanoutError.wrap(error).message) }
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
            steps.append(Step(name: name, passed: passed, seconds: seconds, detail: detail))
            context.status("\(passed ? "pass" : "FAIL")  \(name) (\(String(format: "%.1f", seconds)) s): \(detail)")
        }
        func records(_ text: String) async throws -> Set<String> {
            var found = Set<String>()
            var key: JSONValue?
            repeat {
                let page = try await session.dynamodb.scan(table, filter: "contains(#b, :v)", values: [":v": ["S": .string(text)]], names: ["#b": "body"], startKey: key)
                for item in page.items { if let c = item["consumer_id"]?["S"]?.string { found.insert(c) } }
                key = page.lastEvaluatedKey
            } while key != nil
            return found
        }
        func waitUntil(_ check: () async throws -> Bool) async throws -> Bool {
            let started = DispatchTime.now().uptimeNanoseconds
            while true {
                if try await check() { return true }
                if Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9 + interval > timeout { return false }
                try await Task.sleep(nanoseconds: UInt64(interval * 1e9))
            }
        }

        await step("publish a marker (Test 2)") {
            let id = try await session.sns.publish(topicArn: topic, SNSMessage(message: JSONValue.object([("text", .string(marker))]).serialized()))
            return (true, "\(marker) as \(id)")
        }
        await step("every queue drains (Test 1)") {
            var last: [QueueSnapshot] = []
            let drained = try await waitUntil {
                last = try await QueueSnapshot.fetch(sqs: session.sqs, queues: queues, dlqs: [])
                return last.allSatisfy { $0.total == 0 }
            }
            if drained { return (true, "\(queues.count) queues at 0/0/0") }
            let waiting = last.filter { $0.total > 0 }.map { "\($0.name) \($0.delayed)/\($0.inFlight)/\($0.visible)" }.joined(separator: ", ")
            let idle = last.allSatisfy { $0.inFlight == 0 } && !consume
            return (false, "not drained after \(JSONValue.format(timeout)) s (delayed/in flight/visible: \(waiting))"
                + (idle ? "; no consumer seems to be running: start one, or pass --consume" : ""))
        }
        await step("one record per consumer (Test 1)") {
            let found = try await records(marker)
            let missing = consumerIds.filter { !found.contains($0) }
            return (missing.isEmpty && found.count == consumerIds.count,
                    missing.isEmpty ? "\(found.count) records: \(found.sorted().joined(separator: ", "))" : "missing \(missing.joined(separator: ", ")) (found \(found.count))")
        }
        await step("no message stuck in the queues (Test 3)") {
            let snapshots = try await QueueSnapshot.fetch(sqs: session.sqs, queues: queues, dlqs: [])
            let stuck = snapshots.filter { $0.total > 0 }
            return (stuck.isEmpty, stuck.isEmpty ? "all counters 0" : stuck.map { "\($0.name): \($0.total)" }.joined(separator: ", "))
        }
        if dlqTest {
            await step("a failing consumer's message reaches its DLQ (Test 4)") {
                guard let dlq = try await dlqFor(queues[0], dlqs, session) else { return (false, "\(QueueURL.name(queues[0])) has no DLQ") }
                _ = try await session.sns.publish(topicArn: topic, SNSMessage(message: JSONValue.object([("text", .string(dlqMarker))]).serialized()))
                let arrived = try await waitUntil {
                    try await DeadLetters.peek(sqs: session.sqs, queueURL: dlq, max: 100).contains { ConsumedMessage($0).body.contains(dlqMarker) }
                }
                guard arrived else { return (false, "\(dlqMarker) did not reach \(QueueURL.name(dlq)) in \(JSONValue.format(timeout)) s") }
                let others = try await records(dlqMarker)
                return (true, "in \(QueueURL.name(dlq)); recorded by \(others.sorted().joined(separator: ", "))")
            }
            await step("redrive it and consumer 1 records it (Test 4)") {
                guard let dlq = try await dlqFor(queues[0], dlqs, session) else { return (false, "no DLQ") }
                dlqRule.disable()
                let report = try await ClientSideMove(sqs: session.sqs, source: dlq, target: queues[0], filter: ".text == \"\(dlqMarker)\"").run()
                guard report.moved == 1 else { return (false, "moved \(report.moved), expected 1 (\(report.errors.joined(separator: "; ")))") }
                let recorded = try await waitUntil { try await records(dlqMarker).contains(consumerIds[0]) }
                return (recorded, recorded ? "moved back and recorded by \(consumerIds[0])" : "\(consumerIds[0]) did not record it")
            }
        }
        await step("DLQs empty, alarms OK (Test 5)") {
            let snapshots = try await QueueSnapshot.fetch(sqs: session.sqs, queues: [], dlqs: dlqs)
            let names = (try? context.outputs())?.document["alarms"]?.array?.compactMap(\.string) ?? []
            let alarms = names.isEmpty ? try await session.cloudwatch.describeAlarms(prefix: "dlq-messages-visible")
                                       : try await session.cloudwatch.describeAlarms(names: names)
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

        context.emit(json: ["passed": .bool(steps.allSatisfy(\.passed)), "steps": .array(steps.map {
            ["step": .string($0.name), "passed": .bool($0.passed), "seconds": .number(($0.seconds * 10).rounded() / 10), "detail": .string($0.detail)]
        })], ndjson: false) {
            var t = Table([.init("STEP"), .init("RESULT"), .init("TIME", .right), .init("DETAIL")])
            for s in steps {
                t.add([s.name, s.passed ? context.terminal.green("pass") : context.terminal.red("FAIL"), String(format: "%.1f s", s.seconds), s.detail])
            }
            return t.render(header: context.terminal.bold)
        }
        let failed = steps.filter { !$0.passed }
        if !failed.isEmpty { throw FanoutError.checkFailed("\(failed.count) of \(steps.count) steps failed: " + failed.map(\.name).joined(separator: "; ")) }
    }

    /// The DLQ of a main queue, from its RedrivePolicy, among the known DLQs (or by name).
    static func dlqFor(_ queue: String, _ dlqs: [String], _ session: AWSSession) async throws -> String? {
        let attributes = try await session.sqs.getQueueAttributes(queue, names: ["RedrivePolicy"])
        guard let arn = attributes["RedrivePolicy"].flatMap({ try? JSONValue.parse($0) })?["deadLetterTargetArn"]?.string else { return nil }
        let name = QueueURL.nameFromArn(arn)
        if let known = dlqs.first(where: { QueueURL.name($0) == name }) { return known }
        return try await session.sqs.getQueueUrl(name)
    }
}
