import FanoutKit
import Foundation

/// `fanout consume`: the consumer Lambdas' job, run locally or on any host.
enum ConsumeCommand {
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
            ],
            run: { args in try await run(CommandContext(args)) })
    }

    struct Target {
        var url: String
        var consumerId: String
        var number: Int
    }

    static func run(_ context: CommandContext) async throws {
        let args = context.args
        let wait = try args.int("wait") ?? 20
        guard (0...20).contains(wait) else { throw FanoutError.usage("--wait must be between 0 and 20 seconds") }
        let untilIdle = try args.double("until-idle")
        if let untilIdle, untilIdle <= 0 { throw FanoutError.usage("--until-idle must be greater than 0") }
        let failQueues = try Set(args.strings("fail-queue").filter { !$0.isEmpty }.map { text -> Int in
            guard let n = Int(text), n >= 1 else { throw FanoutError.usage("Invalid value '\(text)' for '--fail-queue': expected a queue number (1…)") }
            return n
        })
        let failWhen = args.string("fail-when")
        do {
            _ = try FailureRule(failWhen: failWhen, always: true)
        } catch {
            throw FanoutError.usage("--fail-when '\(failWhen ?? "")' does not compile: \(error)")
        }
        // --fail-when alone applies to every consumer; with --fail-queue only to the consumers named.
        func failureRule(_ number: Int) throws -> FailureRule {
            let chosen = failQueues.isEmpty ? failWhen != nil : failQueues.contains(number)
            return chosen ? try FailureRule(failWhen: failWhen, always: true) : .never
        }
        let session = try await context.session()
        let targets = try await resolveTargets(context, session)
        var workers: [Worker] = []
        if let command = args.string("exec") {
            if failWhen != nil || !failQueues.isEmpty { throw FanoutError.usage("--fail-when and --fail-queue apply to the built-in consumer, not to --exec") }
            let batchSize = try args.int("batch-size") ?? 10
            guard (1...10).contains(batchSize) else { throw FanoutError.usage("--batch-size must be between 1 and 10") }
            let window = try args.double("batch-window") ?? 0
            let timeout = try args.double("timeout") ?? 60
            let backoff = try args.int("backoff") ?? 30, maxBackoff = try args.int("max-backoff") ?? 300
            guard window >= 0, timeout > 0, backoff >= 0, maxBackoff >= backoff, maxBackoff <= 43200 else {
                throw FanoutError.usage("--batch-window ≥ 0, --timeout > 0 and 0 ≤ --backoff ≤ --max-backoff ≤ 43200 seconds")
            }
            for t in targets {
                let consumer = ExecConsumer(sqs: session.sqs, queueURL: t.url, consumerId: t.consumerId,
                                            handler: HandlerRun(command: command, timeout: timeout, environment: context.environment.variables),
                                            batchSize: batchSize, batchWindow: window, backoffBase: backoff, maxBackoff: maxBackoff,
                                            region: session.region.name)
                let facts = try await consumer.facts()
                workers.append(Worker(url: t.url, sqs: session.sqs) { wait in try await consumer.round(wait: wait, facts: facts) })
            }
        } else {
            let table = try context.tableName()
            for t in targets {
                let consumer = QueueConsumer(sqs: session.sqs, dynamodb: session.dynamodb, table: table, queueURL: t.url, consumerId: t.consumerId,
                                             failure: try failureRule(t.number))
                workers.append(Worker(url: t.url, sqs: session.sqs) { wait in try await consumer.round(wait: wait) })
            }
        }
        let interrupted = InterruptFlag()
        let work = Task {
            try await withThrowingTaskGroup(of: Void.self) { group in
                for worker in workers {
                    group.addTask { try await loop(worker, context: context, wait: wait, untilIdle: untilIdle) }
                }
                try await group.waitForAll()
            }
        }
        let signals = SignalTrap([SIGINT, SIGTERM]) { interrupted.set(); work.cancel() }
        defer { signals.release() }
        // Announced only once the signals are trapped: a SIGTERM right after this line stops the work gracefully.
        context.status("consuming \(targets.map { "\(QueueURL.name($0.url)) as \($0.consumerId)" }.joined(separator: ", "))")
        do {
            try await work.value
        } catch is CancellationError {
        } catch let e as FanoutError where e.kind == .interrupted {
        }
        if interrupted.isSet { throw FanoutError(.interrupted, "interrupted: finished the messages in flight and stopped") }
    }

    /// One queue's consumer, whichever kind: a receive → handle → delete round, and the queue to watch for idleness.
    struct Worker: Sendable {
        var url: String
        var sqs: SQSClient
        var round: @Sendable (Int) async throws -> [ConsumeEvent]
    }

    static func loop(_ consumer: Worker, context: CommandContext, wait: Int, untilIdle: Double?) async throws {
        var idleSince = DispatchTime.now().uptimeNanoseconds
        while !Task.isCancelled {
            let thisWait = untilIdle.map { max(0, min(wait, Int($0.rounded(.up)))) } ?? wait
            let events: [ConsumeEvent]
            do {
                events = try await consumer.round(thisWait)
            } catch is CancellationError {
                return
            } catch let e as FanoutError where e.kind == .interrupted {
                return
            }
            for e in events {
                context.emit(json: e.json, ndjson: true) { "" }
                if context.format == .table, !context.quiet {
                    let outcome = e.outcome == .failed ? context.terminal.red("failed") : e.outcome.rawValue
                    context.terminal.err("\(e.consumerId)  \(e.queue)  \(e.messageId)  \(outcome)\(e.reason.map { " (\($0))" } ?? "")  receive \(e.receiveCount)  \(String(format: "%.0f", e.milliseconds)) ms\n")
                }
            }
            if !events.isEmpty {
                idleSince = DispatchTime.now().uptimeNanoseconds
                continue
            }
            if let untilIdle {
                // Idle only when the queue holds nothing at all: delayed or in-flight messages are still coming.
                if try await !consumer.sqs.isEmpty(consumer.url) { idleSince = DispatchTime.now().uptimeNanoseconds; if thisWait == 0 { try await Task.sleep(nanoseconds: 200_000_000) }; continue }
                if Double(DispatchTime.now().uptimeNanoseconds - idleSince) / 1e9 >= untilIdle { return }
                if thisWait == 0 { try await Task.sleep(nanoseconds: 200_000_000) }
            }
        }
    }

    /// --queue values (numbers, names or URLs), else every queue in outputs.json; consumer ids follow the seed.
    static func resolveTargets(_ context: CommandContext, _ session: AWSSession) async throws -> [Target] {
        let selected = context.args.strings("queue").filter { !$0.isEmpty }
        var fromOutputs: [String] = []
        var ids: [String] = []
        if selected.isEmpty || selected.contains(where: { Int($0) != nil }) {
            fromOutputs = try context.outputs().strings(.queues, filter: context.filter(.queues))
            ids = (try? context.outputs().evaluate(CommandContext.consumerIds, role: .queues).first?.array?.compactMap(\.string)) ?? []
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
                let url = try await context.resolveQueues([value], session)[0]
                let n = fromOutputs.firstIndex(of: url).map { $0 + 1 } ?? i + 1
                targets.append(Target(url: url, consumerId: consumerId(n), number: n))
            }
        }
        return targets
    }
}

/// Set once by a signal handler, read by the command.
final class InterruptFlag: @unchecked Sendable {
    private let lock = Lock()
    private var value = false
    func set() { lock.locked { value = true } }
    var isSet: Bool { lock.locked { value } }
}

/// Turns signals into a callback (instead of ending the process) while it is held.
final class SignalTrap: @unchecked Sendable {
    private var sources: [DispatchSourceSignal] = []
    private let signals: [Int32]

    init(_ signals: [Int32], handler: @escaping @Sendable () -> Void) {
        self.signals = signals
        for s in signals {
            signal(s, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: s, queue: .global())
            source.setEventHandler(handler: handler)
            source.resume()
            sources.append(source)
        }
    }

    func release() {
        for source in sources { source.cancel() }
        for s in signals { signal(s, SIG_DFL) }
    }
}
