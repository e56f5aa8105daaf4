import FanoutKit
import Foundation

/// `fanout verify`: seed 000's Tests 1–5 as one command with one exit code.
enum VerifyCommand: LeafCommand {
    struct Options: CommandOptions {
        static let maxTimeout = 86_400.0
        static let maxInterval = 3600.0

        var consume: Bool
        var dlqTest: Bool
        /// Consumers (1-based queue numbers) made to fail.
        var failQueues: Set<Int>
        var timeout: Double
        var interval: Double
        var resources: ResourceOptions

        init(_ args: ParsedArguments) throws {
            consume = args.flag("consume")
            dlqTest = args.flag("dlq-test")
            failQueues = Set(try args.strings("fail-queue").filter { !$0.isEmpty }.map { text in
                guard let n = Int(text), n >= 1 else { throw args.invalidValue(text, "fail-queue", expected: "a queue number of at least 1") }
                return n
            })
            // The spec gives both a default, so neither read is nil.
            timeout = args.defaulted(try args.seconds("timeout", max: Self.maxTimeout), "timeout")
            interval = args.defaulted(try args.seconds("interval", max: Self.maxInterval), "interval")
            resources = try ResourceOptions(args, roles: [.topic, .queues, .dlqs, .table])
        }

        func validate() throws {
            if dlqTest && !consume { throw FanoutError.usage("--dlq-test needs --consume: only fanout's own consumers can be made to fail on the marker") }
            if !failQueues.isEmpty && !consume { throw FanoutError.usage("--fail-queue needs --consume") }
        }
    }

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
            ])
    }

    static func run(_ options: Options, _ context: CommandContext) async throws {
        let session = try context.session()
        let resources = context.resources(options.resources)
        let topic = try resources.topicArn()
        let table = try resources.tableName()
        let queues = try await resources.queueURLs(session.sqs)
        let dlqs = try await resources.dlqURLs(session.sqs, required: false)
        let alarms = (try? resources.outputs())?.document["alarms"]?.array?.compactMap(\.string) ?? []
        let plan = Verification.Plan(topicArn: topic, tableName: table, queueURLs: queues, dlqURLs: dlqs, consumerIds: resources.consumerIds(),
                                     alarmNames: alarms, consume: options.consume, dlqTest: options.dlqTest, brokenQueues: options.failQueues,
                                     timeout: options.timeout, interval: options.interval)

        var steps: [(result: Verification.StepResult, detail: String)] = []
        try await Verification(session: session, plan: plan).run().forEach { event in
            guard case .finished(let result) = event else { return }
            let detail = result.detail + (result.cause == .noConsumer ? "; no consumer seems to be running: start one, or pass --consume" : "")
            steps.append((result, detail))
            context.status("\(result.passed ? "pass" : "FAIL")  \(result.name) (\(String(format: "%.1f", result.seconds)) s): \(detail)")
        }

        context.emit(json: ["passed": .bool(steps.allSatisfy(\.result.passed)), "steps": .array(steps.map { s, detail in
            ["step": .string(s.name), "passed": .bool(s.passed), "seconds": .number((s.seconds * 10).rounded() / 10), "detail": .string(detail)]
        })], ndjson: false) {
            var t = Table([.init("STEP"), .init("RESULT"), .init("TIME", .right), .init("DETAIL")])
            for (s, detail) in steps {
                t.add([s.name, s.passed ? context.terminal.green("pass") : context.terminal.red("FAIL"), String(format: "%.1f s", s.seconds), detail])
            }
            return t.render(header: context.terminal.bold)
        }
        let failed = steps.filter { !$0.result.passed }
        if !failed.isEmpty {
            throw FanoutError.checkFailed("\(failed.count) of \(steps.count) steps failed: " + failed.map(\.result.name).joined(separator: "; "))
        }
    }
}
