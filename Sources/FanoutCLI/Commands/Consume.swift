import FanoutKit
import Foundation

/// `fanout consume`: the consumer Lambdas' job, run locally or on any host.
enum ConsumeCommand: LeafCommand {
    /// Lambda's own limits: a batch window of at most 300 s, a function timeout of at most 900 s; SQS's longest
    /// visibility timeout, 12 hours, bounds the backoff; --until-idle at most a day.
    static let maxBatchWindow = 300.0
    static let maxTimeout = 900.0
    static let maxBackoff = 43_200
    static let maxUntilIdle = 86_400.0

    struct Options: CommandOptions {
        /// --queue values: numbers in outputs.json (1…), names or URLs; empty means every queue.
        var queues: [String]
        var failWhen: String?
        var failQueues: Set<Int>
        var untilIdle: Double?
        var wait: Int
        var exec: String?
        var batchSize: Int
        var batchWindow: Double
        var timeout: Double
        var backoff: Int
        var maxBackoff: Int
        var resources: ResourceOptions

        init(_ args: ParsedArguments) throws {
            queues = try args.nonEmptyStrings("queue")
            failWhen = try args.nonEmpty("fail-when")
            failQueues = Set(try args.nonEmptyStrings("fail-queue").map { text -> Int in
                guard let n = Int(text), n >= 1 else { throw args.invalidValue(text, "fail-queue", expected: "a queue number (1…)") }
                return n
            })
            untilIdle = try args.seconds("until-idle", max: ConsumeCommand.maxUntilIdle)
            wait = args.defaulted(try args.int("wait", in: 0...20), "wait")
            exec = try args.nonEmpty("exec")
            batchSize = args.defaulted(try args.int("batch-size", in: 1...10), "batch-size")
            batchWindow = args.defaulted(try args.seconds("batch-window", inclusive: true, max: ConsumeCommand.maxBatchWindow), "batch-window")
            timeout = args.defaulted(try args.seconds("timeout", max: ConsumeCommand.maxTimeout), "timeout")
            backoff = args.defaulted(try args.int("backoff", in: 0...ConsumeCommand.maxBackoff), "backoff")
            maxBackoff = args.defaulted(try args.int("max-backoff", in: 0...ConsumeCommand.maxBackoff), "max-backoff")
            resources = try ResourceOptions(args, roles: [.queues, .table], overrides: [.table])
        }

        func validate() throws {
            if exec != nil && (failWhen != nil || !failQueues.isEmpty) {
                throw FanoutError.usage("--fail-when and --fail-queue apply to the built-in consumer, not to --exec")
            }
            if maxBackoff < backoff {
                throw FanoutError.usage("--max-backoff (\(maxBackoff) s) must not be shorter than --backoff (\(backoff) s)")
            }
            do {
                _ = try FailureRule(failWhen: failWhen, always: true)
            } catch {
                throw FanoutError.usage("--fail-when '\(failWhen ?? "")' does not compile: \(error)")
            }
        }
    }

    static var spec: CommandSpec {
        CommandSpec(
            name: "consume",
            abstract: "Run the consumers: persist each message to the table, then delete it.",
            discussion: """
            One worker per queue (all by default) long-polls 10 messages at a time. Each message becomes an item \
            {consumer_id: consumer_<n>, message_id: the SNS message id, body, processed_at} written with a condition, \
            so a redelivered message never makes a second record; only the successes are deleted. A failure leaves \
            the message to its visibility timeout, so the redrive policy moves it to the DLQ after maxReceiveCount \
            receives. SIGINT/SIGTERM finish what is in flight, delete what succeeded, and exit.
            """,
            options: [
                .value("queue", "n|name|url", help: "Consume only this queue: its number in outputs.json (1…), name or URL (repeatable)", repeatable: true),
                .value("fail-when", "jq", help: "Fail messages for which this jq condition on the body is true"),
                .value("fail-queue", "n", help: "Make consumer n fail (every message, or those matching --fail-when) (repeatable)", repeatable: true),
                .value("until-idle", "seconds", help: "Exit 0 once every queue has stayed empty this long"),
                .value("wait", "seconds", help: "Long-poll wait of each receive (0–20)", default: "20"),
                .value("exec", "command", help: "Hand each batch to this Lambda SQS handler (event JSON on stdin, batchItemFailures on stdout) instead of writing the table"),
                .value("batch-size", "n", help: "With --exec: messages per handler run (1–10)", default: "10"),
                .value("batch-window", "seconds", help: "With --exec: wait up to this long to fill a batch", default: "0"),
                .value("timeout", "seconds", help: "With --exec: kill a handler that runs longer", default: "60"),
                .value("backoff", "seconds", help: "With --exec: visibility of a failed message, doubled per receive (seed 004)", default: "30"),
                .value("max-backoff", "seconds", help: "With --exec: the longest backoff", default: "300"),
            ] + FanoutCommand.resourceOptions([.queues, .table]).filter { $0.long != "queue" },
            examples: [
                Example("fanout consume --until-idle 10", "Consume every queue until all stay empty for 10 s"),
                Example("fanout consume --fail-queue 1 --fail-when '.text == \"dlq-test\"'", "Seed Test 4: consumer_1 fails on dlq-test"),
                Example("fanout consume --queue 1 --exec 'python3 examples/handler.py' --batch-size 5", "Run an existing Lambda SQS handler unchanged"),
            ])
    }

    /// A queue to consume and the consumer that runs on it.
    struct Target {
        var url: String
        var consumerId: String
        var number: Int
    }

    static func run(_ options: Options, _ context: CommandContext) async throws {
        let session = try context.session()
        let resources = context.resources(options.resources)
        let targets = try await resolveTargets(options.queues, resources, session.sqs)
        var workers: [ConsumerPool.Worker] = []
        if let command = options.exec {
            for t in targets {
                let consumer = ExecConsumer(sqs: session.sqs, queueURL: t.url, consumerId: t.consumerId,
                                            handler: HandlerRun(command: command, timeout: options.timeout, environment: context.environment.variables),
                                            batchSize: options.batchSize, batchWindow: options.batchWindow, backoffBase: options.backoff,
                                            maxBackoff: options.maxBackoff, region: session.region.name)
                let facts = try await consumer.facts()
                workers.append(.init(queueURL: t.url, sqs: session.sqs) { wait in try await consumer.round(wait: wait, facts: facts) })
            }
        } else {
            let table = try resources.tableName()
            for t in targets {
                // --fail-when alone applies to every consumer; with --fail-queue only to the consumers named.
                let chosen = options.failQueues.isEmpty ? options.failWhen != nil : options.failQueues.contains(t.number)
                let rule = chosen ? try FailureRule(failWhen: options.failWhen, always: true) : .never
                let consumer = QueueConsumer(sqs: session.sqs, dynamodb: session.dynamodb, table: table, queueURL: t.url,
                                             consumerId: t.consumerId, failure: rule)
                workers.append(.init(queueURL: t.url, sqs: session.sqs) { wait in try await consumer.round(wait: wait) })
            }
        }
        context.status("consuming \(targets.map { "\(QueueURL.name($0.url)) as \($0.consumerId)" }.joined(separator: ", "))")
        let pool = ConsumerPool(workers: workers, wait: options.wait, untilIdle: options.untilIdle)
        try await pool.events().forEach { render($0, context) }
        // SIGINT/SIGTERM cancel this task: the workers finish or cancel what is in flight and the stream ends.
        if Task.isCancelled { throw FanoutError(.interrupted, "interrupted: finished the messages in flight and stopped") }
    }

    static func render(_ e: ConsumeEvent, _ context: CommandContext) {
        context.emit(json: e.json, ndjson: true) { "" }
        guard context.format == .table, !context.quiet else { return }
        let terminal = context.terminal
        let outcome = e.outcome == .failed ? terminal.red("failed") : e.outcome.rawValue
        terminal.err("\(e.consumerId)  \(e.queue)  \(e.messageId)  \(outcome)\(e.reason.map { " (\($0))" } ?? "")  receive \(e.receiveCount)  \(String(format: "%.0f", e.milliseconds)) ms\n")
    }

    /// --queue values (numbers, names or URLs), else every queue in outputs.json; consumer ids follow the seed.
    static func resolveTargets(_ selected: [String], _ resources: StackResources, _ sqs: SQSClient) async throws -> [Target] {
        var fromOutputs: [String] = []
        var ids: [String] = []
        if selected.isEmpty || selected.contains(where: { Int($0) != nil }) {
            fromOutputs = try resources.outputQueueURLs()
            ids = resources.consumerIds()
        }
        func consumerId(_ n: Int) -> String { n - 1 < ids.count ? ids[n - 1] : "consumer_\(n)" }
        if selected.isEmpty {
            return fromOutputs.enumerated().map { Target(url: $0.element, consumerId: consumerId($0.offset + 1), number: $0.offset + 1) }
        }
        var targets: [Target] = []
        for (i, value) in selected.enumerated() {
            if let n = Int(value) {
                guard n >= 1 && n <= fromOutputs.count else {
                    throw FanoutError.usage("--queue \(n): outputs.json names \(fromOutputs.count) queue(s)")
                }
                targets.append(Target(url: fromOutputs[n - 1], consumerId: consumerId(n), number: n))
            } else {
                let url = try await StackResources.resolve([value], sqs)[0]
                let n = fromOutputs.firstIndex(of: url).map { $0 + 1 } ?? i + 1
                targets.append(Target(url: url, consumerId: consumerId(n), number: n))
            }
        }
        return targets
    }
}
