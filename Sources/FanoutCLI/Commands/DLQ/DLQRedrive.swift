import FanoutKit
import Foundation

/// `fanout dlq redrive`: move DLQ messages back, with a message move task or client-side.
enum DLQRedriveCommand: LeafCommand {
    /// `--rate`: messages per second.
    static let rates = 0.01...10_000.0
    /// `--max`: messages moved client-side.
    static let maxMessages = 1...1_000_000

    struct Options: CommandOptions {
        var queue: String?
        var to: String?
        var rate: Double?
        var wait: Bool
        var clientSide: Bool
        var filter: String?
        var dryRun: Bool
        var max: Int?
        var yes: Bool
        var resources: ResourceOptions

        init(_ args: ParsedArguments) throws {
            queue = args.argument("queue")
            to = try args.nonEmpty("to")
            rate = try args.number("rate", in: DLQRedriveCommand.rates, unit: "a number of messages per second")
            wait = args.flag("wait")
            clientSide = args.flag("client-side")
            filter = try args.nonEmpty("filter")
            dryRun = args.flag("dry-run")
            max = try args.int("max", in: DLQRedriveCommand.maxMessages)
            yes = args.flag("yes")
            resources = try ResourceOptions(args, roles: [.queues, .dlqs])
        }

        /// Whether only the client-side move can do what was asked.
        var clientSideOnly: Bool { clientSide || filter != nil || dryRun || max != nil }

        func validate() throws {
            if let filter {
                do { _ = try JQProgram(filter) } catch { throw FanoutError.usage("--filter '\(filter)' does not compile: \(error)") }
            }
            if clientSideOnly && wait {
                throw FanoutError.usage("--wait follows a move task; it does not go with --client-side, --filter, --dry-run or --max")
            }
        }
    }

    static var spec: CommandSpec {
        CommandSpec(
            name: "redrive",
            abstract: "Move DLQ messages back to their source queue (or --to another).",
            discussion: """
            Uses SQS message move tasks (StartMessageMoveTask) when it can. The client-side move is used for what \
            move tasks cannot do — a DLQ of an SNS subscription, an endpoint without move tasks (said on stderr), \
            --filter, --dry-run — or when asked with --client-side. It keeps the body byte for byte, every message \
            attribute and FIFO group/deduplication ids, and deletes a message from the DLQ only after it was sent.
            """,
            arguments: [DLQCommand.queueArgument],
            options: [
                .value("to", "queue", help: "Destination queue URL or name (default: the DLQ's source queue)"),
                .value("rate", "per-second", help: "At most this many messages per second (0.01 to 10,000)"),
                .flag("wait", help: "Follow the move task until it ends (Ctrl-C cancels it)"),
                .flag("client-side", help: "Move with receive/send/delete instead of a move task"),
                .value("filter", "jq", help: "Client-side: move only messages for which this jq condition on the published message is true"),
                .flag("dry-run", help: "Client-side: show what would move, move nothing"),
                .value("max", "n", help: "Client-side: move at most this many messages"),
                .flag("yes", short: "y", help: "Do not ask for confirmation"),
            ] + FanoutCommand.resourceOptions([.queues, .dlqs]),
            examples: [
                Example("fanout dlq redrive 1 --wait", "Move DLQ 1 back to its queue and follow the task"),
                Example("fanout dlq redrive 1 --filter '.text == \"dlq-test\"' --yes", "Selective redrive, client-side"),
                Example("fanout dlq redrive 1 --dry-run", "What would move"),
            ])
    }

    static func run(_ options: Options, _ context: CommandContext) async throws {
        let session = try context.session()
        let dlqs = try await DLQCommand.fetch(options.queue, options.resources, context, session)
        var destination: String?
        if let to = options.to { destination = try await StackResources.resolve([to], session.sqs)[0] }
        if !options.dryRun && !options.wait {
            try Confirmation.require(context, confirmed: options.yes, flag: "yes",
                                     question: "Move the messages of \(dlqs.map(\.name).joined(separator: ", ")) back?")
        }
        var failures: [String] = []
        for dlq in dlqs {
            guard let target = destination ?? (dlq.sources.count == 1 ? dlq.sources[0] : nil) else {
                throw FanoutError.usage(dlq.sources.isEmpty
                    ? "\(dlq.name) is the DLQ of no queue (an SNS subscription DLQ?): pass --to QUEUE"
                    : "\(dlq.name) is the DLQ of \(dlq.sources.count) queues: pass --to QUEUE")
            }
            if !options.clientSideOnly {
                if dlq.sources.isEmpty {
                    // Move tasks take only a queue that is some queue's DLQ; an SNS subscription DLQ is moved client-side.
                    if options.wait {
                        throw FanoutError.usage("\(dlq.name) is not the DLQ of any queue, so SQS cannot run a move task for it: drop --wait to move it client-side")
                    }
                    context.warn("\(dlq.name) is not the DLQ of any queue (an SNS subscription DLQ?); moving client-side")
                } else if try await moveTask(options, context, session, dlq, destination: destination) {
                    continue
                }
            }
            failures += try await clientSide(options, context, session, dlq, target: target)
        }
        if !failures.isEmpty {
            for f in failures.prefix(5) { context.terminal.err("failed: \(f)\n") }
            throw FanoutError(.other, "\(failures.count) message(s) could not be moved; they are still in the DLQ (or, where said, in both queues)")
        }
    }

    /// The client-side move of one DLQ, with a progress line on a terminal; returns the failures.
    static func clientSide(_ options: Options, _ context: CommandContext, _ session: AWSSession, _ dlq: DeadLetterQueue,
                           target: String) async throws -> [String]
    {
        let move = ClientSideMove(sqs: session.sqs, source: dlq.url, target: target, filter: options.filter, dryRun: options.dryRun,
                                  perSecond: options.rate, limit: options.max)
        let terminal = context.terminal, showProgress = terminal.stderrIsTTY && !context.quiet
        let report = try await move.run { r in
            if showProgress { terminal.err("\r\(dlq.name) → \(QueueURL.name(target)): moved \(r.moved) · skipped \(r.skipped) · failed \(r.failed)\u{1B}[K") }
        }
        if showProgress { terminal.err("\r\u{1B}[K") }
        let verb = options.dryRun ? "would move \(report.wouldMove)" : "moved \(report.moved)"
        context.emit(json: report.json.setting("dlq", .string(dlq.name)).setting("to", .string(QueueURL.name(target))).setting("mode", "client-side"), ndjson: true) {
            "\(dlq.name) → \(QueueURL.name(target)) (client-side): \(verb), skipped \(report.skipped), failed \(report.failed)\n"
        }
        return report.errors
    }

    /// Starts a move task (and follows it with --wait); false when the endpoint has no move tasks.
    static func moveTask(_ options: Options, _ context: CommandContext, _ session: AWSSession, _ dlq: DeadLetterQueue,
                         destination: String?) async throws -> Bool
    {
        var destinationArn: String?
        if let destination { destinationArn = try await session.sqs.getQueueAttributes(destination, names: ["QueueArn"])["QueueArn"] }
        let handle: String
        switch try await MoveTask.start(session, sourceArn: dlq.arn, destinationArn: destinationArn, perSecond: options.rate) {
        case .unsupported(let code):
            context.warn("\(session.client(.sqs).endpoint) has no SQS message move tasks (\(code)); moving client-side")
            return false
        case .started(let started):
            handle = started
        }
        context.status("started move task for \(dlq.name) → \(destination.map(QueueURL.name) ?? dlq.sources.map(QueueURL.name).joined(separator: ", "))")
        guard options.wait else {
            context.emit(json: ["dlq": .string(dlq.name), "taskHandle": .string(handle), "mode": "move-task"], ndjson: true) { "\(handle)\n" }
            context.status("follow it with 'fanout dlq tasks \(dlq.name)'")
            return true
        }
        try await follow(context, session, dlq, handle: handle)
        return true
    }

    /// Renders the task's progress until it ends: a progress line on a terminal, NDJSON with --output json, plain
    /// lines otherwise. Ctrl-C (the command's cancellation) cancels the task.
    static func follow(_ context: CommandContext, _ session: AWSSession, _ dlq: DeadLetterQueue, handle: String) async throws {
        let tty = context.terminal.stderrIsTTY && context.format == .table
        var finished = false
        do {
            try await MoveTask.follow(session.sqs, sourceArn: dlq.arn, handle: handle, queueName: dlq.name).forEach { p in
                let total = p.total.map(String.init) ?? "?"
                if context.format == .json {
                    context.terminal.out(JSONValue.object([("dlq", .string(dlq.name)), ("status", .string(p.status)), ("moved", .number(Double(p.moved))),
                                                           ("total", p.total.map { .number(Double($0)) } ?? .null)]).serialized() + "\n")
                } else if tty {
                    context.terminal.err("\r\(dlq.name): \(p.status) \(p.moved)/\(total) · \(String(format: "%.1f", p.rate))/s"
                        + (p.eta.map { " · ETA \(Int($0))s" } ?? "") + "\u{1B}[K")
                } else {
                    context.terminal.err("\(dlq.name): \(p.status) \(p.moved)/\(total)\n")
                }
                if p.isFinished {
                    finished = true
                    if tty { context.terminal.err("\r\u{1B}[K") }
                    if context.format == .table { context.terminal.out("\(dlq.name): \(p.status), moved \(p.moved)\n") }
                }
            }
        } catch where Task.isCancelled {
            // The follow stopped because the command was cancelled: cancel the task below.
        }
        guard Task.isCancelled && !finished else { return }
        let moved = try await MoveTask.cancel(session.sqs, handle: handle)
        if tty { context.terminal.err("\r\u{1B}[K") }
        throw FanoutError(.interrupted, "cancelled the move task of \(dlq.name) after \(moved) message(s) moved")
    }
}
