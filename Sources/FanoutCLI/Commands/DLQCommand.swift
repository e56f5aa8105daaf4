import FanoutKit
import Foundation

/// `fanout dlq …`: look at dead-letter queues and move their messages back.
enum DLQCommand {
    static let queueArgument = ArgumentSpec(name: "queue", help: "A DLQ: its number in outputs.json (1…), name or URL (default: every DLQ)",
                                            isOptional: true)

    static var spec: CommandSpec {
        CommandSpec(
            name: "dlq",
            abstract: "List DLQs with their depth and source queues; inspect and redrive their messages.",
            options: FanoutCommand.resourceOptions([.dlqs]),
            examples: [Example("fanout dlq", "Every DLQ, its depth and the queues that feed it")],
            subcommands: [inspectSpec, redriveSpec, tasksSpec, cancelSpec],
            run: { args in try await list(CommandContext(args)) })
    }

    static var inspectSpec: CommandSpec {
        CommandSpec(
            name: "inspect",
            abstract: "Peek at DLQ messages without deleting them.",
            discussion: """
            Shows body (pretty when it is JSON), message attributes, ApproximateReceiveCount, sent and first-receive \
            times and the source queue. A peek is a receive: it raises the receive count by one. Every message is made \
            visible again at once.
            """,
            arguments: [queueArgument],
            options: [.value("max", "n", help: "At most this many messages per DLQ", default: "10")] + FanoutCommand.resourceOptions([.dlqs]),
            examples: [Example("fanout dlq inspect 1 --max 5", "Five messages of the first DLQ")],
            run: { args in try await inspect(CommandContext(args)) })
    }

    static var redriveSpec: CommandSpec {
        CommandSpec(
            name: "redrive",
            abstract: "Move DLQ messages back to their source queue (or --to another).",
            discussion: """
            Uses SQS message move tasks (StartMessageMoveTask) when it can. The client-side move is used for what \
            move tasks cannot do — a DLQ of an SNS subscription, an endpoint without move tasks (said on stderr), \
            --filter, --dry-run — or when asked with --client-side. It keeps the body byte for byte, every message \
            attribute and FIFO group/deduplication ids, and deletes a message from the DLQ only after it was sent.
            """,
            arguments: [queueArgument],
            options: [
                .value("to", "queue", help: "Destination queue URL or name (default: the DLQ's source queue)"),
                .value("rate", "per-second", help: "At most this many messages per second"),
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
            ],
            run: { args in try await redrive(CommandContext(args)) })
    }

    static var tasksSpec: CommandSpec {
        CommandSpec(name: "tasks", abstract: "List recent message move tasks of the DLQs.", arguments: [queueArgument],
                    options: FanoutCommand.resourceOptions([.dlqs]),
                    run: { args in try await tasks(CommandContext(args)) })
    }

    static var cancelSpec: CommandSpec {
        CommandSpec(name: "cancel", abstract: "Cancel the running message move task of a DLQ.", arguments: [queueArgument],
                    options: FanoutCommand.resourceOptions([.dlqs]),
                    run: { args in try await cancel(CommandContext(args)) })
    }

    // MARK: resolving DLQs

    /// A DLQ with what fanout needs to know about it.
    struct DLQ {
        var url: String
        var name: String
        var arn: String
        var visible: Int
        var inFlight: Int
        /// The queues whose RedrivePolicy points here (ListDeadLetterSourceQueues).
        var sources: [String]
        var isFIFO: Bool { name.hasSuffix(".fifo") }
    }

    /// The DLQ named by the argument (number, name or URL), or every DLQ from outputs.json / --dlq.
    static func resolve(_ context: CommandContext, _ session: AWSSession) async throws -> [DLQ] {
        var urls: [String]
        if let chosen = context.args.argument("queue") {
            if let n = Int(chosen) {
                let all = try await context.dlqURLs(session)
                guard n >= 1 && n <= all.count else { throw FanoutError.usage("DLQ \(n): there are \(all.count) DLQ(s)") }
                urls = [all[n - 1]]
            } else {
                urls = try await context.resolveQueues([chosen], session)
            }
        } else {
            urls = try await context.dlqURLs(session)
        }
        let sqs = session.sqs
        return try await withThrowingTaskGroup(of: (Int, DLQ).self) { group in
            for (i, url) in urls.enumerated() {
                group.addTask {
                    async let attributes = sqs.getQueueAttributes(url, names: ["QueueArn", "ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"])
                    async let sources = sqs.listDeadLetterSourceQueues(url)
                    let a = try await attributes
                    return (i, DLQ(url: url, name: QueueURL.name(url), arn: a["QueueArn"] ?? "", visible: Int(a["ApproximateNumberOfMessages"] ?? "") ?? 0,
                                   inFlight: Int(a["ApproximateNumberOfMessagesNotVisible"] ?? "") ?? 0, sources: try await sources))
                }
            }
            var out = [DLQ?](repeating: nil, count: urls.count)
            for try await (i, d) in group { out[i] = d }
            return out.compactMap { $0 }
        }
    }

    // MARK: list

    static func list(_ context: CommandContext) async throws {
        let session = try await context.session()
        let dlqs = try await resolve(context, session)
        context.emit(json: .array(dlqs.map {
            ["name": .string($0.name), "url": .string($0.url), "visible": .number(Double($0.visible)), "inFlight": .number(Double($0.inFlight)),
             "sources": .array($0.sources.map { .string(QueueURL.name($0)) })]
        }), ndjson: false) {
            var table = Table([.init("DLQ"), .init("VISIBLE", .right), .init("IN FLIGHT", .right), .init("SOURCES")])
            for d in dlqs {
                table.add([d.name, d.visible > 0 ? context.terminal.red(String(d.visible)) : "0", String(d.inFlight),
                           d.sources.isEmpty ? "(none: an SNS subscription DLQ?)" : d.sources.map(QueueURL.name).joined(separator: ", ")])
            }
            return table.render(header: context.terminal.bold)
        }
    }

    // MARK: inspect

    static func inspect(_ context: CommandContext) async throws {
        let max = try context.args.int("max") ?? 10
        guard max >= 1 else { throw FanoutError.usage("--max must be at least 1") }
        let session = try await context.session()
        let dlqs = try await resolve(context, session)
        context.status("note: a peek is a receive (ApproximateReceiveCount goes up by one); every message is made visible again at once")
        var records: [JSONValue] = []
        var text = ""
        for dlq in dlqs {
            let messages = try await DeadLetters.peek(sqs: session.sqs, queueURL: dlq.url, max: max)
            let source = dlq.sources.map(QueueURL.name).joined(separator: ", ")
            text += context.terminal.bold("\(dlq.name)") + " · \(dlq.visible) visible · source: \(source.isEmpty ? "-" : source) · \(messages.count) shown\n"
            for m in messages {
                let body = ConsumedMessage(m)
                let parsed = try? JSONValue.parse(body.body)
                let sent = timestamp(m.attributes["SentTimestamp"])
                let first = timestamp(m.attributes["ApproximateFirstReceiveTimestamp"])
                var attributes: [(String, JSONValue)] = m.messageAttributes.map {
                    ($0.name, ["type": .string($0.value.dataType), "value": .string($0.value.stringValue ?? $0.value.binaryValueBase64 ?? "")])
                }
                if let envelope = try? JSONValue.parse(m.body), envelope["Type"]?.string == "Notification", let snsAttributes = envelope["MessageAttributes"]?.object {
                    attributes += snsAttributes.map { ($0.0, ["type": $0.1["Type"] ?? .null, "value": $0.1["Value"] ?? .null]) }
                }
                records.append(.object([
                    ("queue", .string(dlq.name)), ("messageId", .string(m.messageId)), ("snsMessageId", .string(body.messageId)),
                    ("receiveCount", .number(Double(m.receiveCount))), ("sentAt", sent.map(JSONValue.string) ?? .null),
                    ("firstReceivedAt", first.map(JSONValue.string) ?? .null), ("sourceQueues", .array(dlq.sources.map { .string(QueueURL.name($0)) })),
                    ("attributes", .object(attributes)), ("body", .string(body.body)), ("bodyJSON", parsed ?? .null),
                ]))
                text += "── \(m.messageId) · receives \(m.receiveCount) · sent \(sent ?? "?") · first received \(first ?? "?")\n"
                for (name, value) in attributes {
                    text += "   \(name) = \(value["value"]?.string ?? value["value"]?.serialized() ?? "") (\(value["type"]?.string ?? ""))\n"
                }
                text += (parsed.map { $0.pretty() } ?? body.body) + "\n"
            }
        }
        context.emit(json: .array(records), ndjson: false) { text }
    }

    static func timestamp(_ millis: String?) -> String? {
        guard let millis, let ms = Double(millis) else { return nil }
        return ISO8601.format(Date(timeIntervalSince1970: ms / 1000))
    }

    // MARK: redrive

    static func redrive(_ context: CommandContext) async throws {
        let args = context.args
        let rate = try args.double("rate")
        if let rate, rate <= 0 { throw FanoutError.usage("--rate must be greater than 0") }
        let limit = try args.int("max")
        if let limit, limit < 1 { throw FanoutError.usage("--max must be at least 1") }
        let filter = args.string("filter")
        if let filter {
            do { _ = try JQProgram(filter) } catch { throw FanoutError.usage("--filter '\(filter)' does not compile: \(error)") }
        }
        let dryRun = args.flag("dry-run")
        let clientSideOnly = args.flag("client-side") || filter != nil || dryRun || limit != nil
        if clientSideOnly && args.flag("wait") { throw FanoutError.usage("--wait follows a move task; it does not go with --client-side, --filter, --dry-run or --max") }
        let session = try await context.session()
        let dlqs = try await resolve(context, session)
        var destination: String?
        if let to = args.string("to") { destination = try await context.resolveQueues([to], session)[0] }
        if !dryRun && !args.flag("wait") {
            try Confirmation.require(context, flag: "yes", question: "Move the messages of \(dlqs.map(\.name).joined(separator: ", ")) back?")
        }
        var failures: [String] = []
        for dlq in dlqs {
            guard let target = destination ?? (dlq.sources.count == 1 ? dlq.sources[0] : nil) else {
                throw FanoutError.usage(dlq.sources.isEmpty
                    ? "\(dlq.name) is the DLQ of no queue (an SNS subscription DLQ?): pass --to QUEUE"
                    : "\(dlq.name) is the DLQ of \(dlq.sources.count) queues: pass --to QUEUE")
            }
            if !clientSideOnly {
                if dlq.sources.isEmpty {
                    // Move tasks take only a queue that is some queue's DLQ; an SNS subscription DLQ is moved client-side.
                    if args.flag("wait") {
                        throw FanoutError.usage("\(dlq.name) is not the DLQ of any queue, so SQS cannot run a move task for it: drop --wait to move it client-side")
                    }
                    context.warn("\(dlq.name) is not the DLQ of any queue (an SNS subscription DLQ?); moving client-side")
                } else if try await native(context, session, dlq, destination: destination, rate: rate) {
                    continue
                }
            }
            let move = ClientSideMove(sqs: session.sqs, source: dlq.url, target: target, filter: filter, dryRun: dryRun, perSecond: rate, limit: limit)
            let terminal = context.terminal, showProgress = terminal.stderrIsTTY && !context.quiet
            let report = try await move.run { r in
                if showProgress { terminal.err("\r\(dlq.name) → \(QueueURL.name(target)): moved \(r.moved) · skipped \(r.skipped) · failed \(r.failed)\u{1B}[K") }
            }
            if showProgress { terminal.err("\r\u{1B}[K") }
            failures += report.errors
            let verb = dryRun ? "would move \(report.wouldMove)" : "moved \(report.moved)"
            context.emit(json: report.json.setting("dlq", .string(dlq.name)).setting("to", .string(QueueURL.name(target))).setting("mode", "client-side"), ndjson: true) {
                "\(dlq.name) → \(QueueURL.name(target)) (client-side): \(verb), skipped \(report.skipped), failed \(report.failed)\n"
            }
        }
        if !failures.isEmpty {
            for f in failures.prefix(5) { context.terminal.err("failed: \(f)\n") }
            throw FanoutError(.other, "\(failures.count) message(s) could not be moved; they are still in the DLQ (or, where said, in both queues)")
        }
    }

    /// StartMessageMoveTask; false when the endpoint has no move tasks (then the caller moves client-side).
    static func native(_ context: CommandContext, _ session: AWSSession, _ dlq: DLQ, destination: String?, rate: Double?) async throws -> Bool {
        // One attempt: an endpoint without move tasks answers 500 every time.
        var config = session.clientConfig
        config.retry = RetryPolicy(maxAttempts: 1)
        let sqs = SQSClient(AWSClient(service: .sqs, endpoint: session.client(.sqs).endpoint, config: config))
        var destinationArn: String?
        if let destination { destinationArn = try await session.sqs.getQueueAttributes(destination, names: ["QueueArn"])["QueueArn"] }
        let handle: String
        do {
            handle = try await sqs.startMessageMoveTask(sourceArn: dlq.arn, destinationArn: destinationArn, maxPerSecond: rate.map { Int($0.rounded(.up)) })
        } catch let e as AWSServiceError where isUnsupported(e) {
            context.warn("\(session.client(.sqs).endpoint) has no SQS message move tasks (\(e.code)); moving client-side")
            return false
        }
        context.status("started move task for \(dlq.name) → \(destination.map(QueueURL.name) ?? dlq.sources.map(QueueURL.name).joined(separator: ", "))")
        guard context.args.flag("wait") else {
            context.emit(json: ["dlq": .string(dlq.name), "taskHandle": .string(handle), "mode": "move-task"], ndjson: true) { "\(handle)\n" }
            context.status("follow it with 'fanout dlq tasks \(dlq.name)'")
            return true
        }
        try await follow(context, session, dlq, handle: handle)
        return true
    }

    /// Whether an error means the endpoint does not implement move tasks (moto answers an HTML 500).
    static func isUnsupported(_ e: AWSServiceError) -> Bool {
        ["HTTP500", "HTTP501", "NotImplemented", "UnsupportedOperation", "InvalidAction", "UnknownOperationException"].contains(e.code)
    }

    /// Follows a task with ListMessageMoveTasks until it ends; Ctrl-C cancels it.
    static func follow(_ context: CommandContext, _ session: AWSSession, _ dlq: DLQ, handle: String) async throws {
        let interrupted = InterruptFlag()
        let signals = SignalTrap([SIGINT]) { interrupted.set() }
        defer { signals.release() }
        let started = DispatchTime.now().uptimeNanoseconds
        let tty = context.terminal.stderrIsTTY && context.format == .table
        while true {
            if interrupted.isSet {
                let moved = try await session.sqs.cancelMessageMoveTask(taskHandle: handle)
                if tty { context.terminal.err("\r\u{1B}[K") }
                throw FanoutError(.interrupted, "cancelled the move task of \(dlq.name) after \(moved) message(s) moved")
            }
            let task = try await session.sqs.listMessageMoveTasks(sourceArn: dlq.arn).first { $0.taskHandle == handle || $0.taskHandle == nil }
            guard let task else { throw FanoutError.network("move task \(handle) is not listed for \(dlq.name)") }
            let elapsed = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
            let rate = elapsed > 0 ? Double(task.moved) / elapsed : 0
            let eta = task.toMove.flatMap { total in rate > 0 ? Double(total - task.moved) / rate : nil }
            if context.format == .json {
                context.terminal.out(JSONValue.object([("dlq", .string(dlq.name)), ("status", .string(task.status)), ("moved", .number(Double(task.moved))),
                                                       ("total", task.toMove.map { .number(Double($0)) } ?? .null)]).serialized() + "\n")
            } else if tty {
                context.terminal.err("\r\(dlq.name): \(task.status) \(task.moved)/\(task.toMove.map(String.init) ?? "?") · \(String(format: "%.1f", rate))/s"
                    + (eta.map { " · ETA \(Int($0))s" } ?? "") + "\u{1B}[K")
            } else {
                context.terminal.err("\(dlq.name): \(task.status) \(task.moved)/\(task.toMove.map(String.init) ?? "?")\n")
            }
            if task.status != "RUNNING" && task.status != "CANCELLING" {
                if tty { context.terminal.err("\r\u{1B}[K") }
                if context.format == .table { context.terminal.out("\(dlq.name): \(task.status), moved \(task.moved)\n") }
                if task.status == "FAILED" { throw FanoutError.network("move task of \(dlq.name) failed: \(task.failureReason ?? "no reason given")") }
                return
            }
            try? await Task.sleep(nanoseconds: 1_000_000_000)
        }
    }

    // MARK: tasks and cancel

    static func tasks(_ context: CommandContext) async throws {
        let session = try await context.session()
        let dlqs = try await resolve(context, session)
        var rows: [(String, MessageMoveTask)] = []
        for dlq in dlqs {
            do {
                rows += try await session.sqs.listMessageMoveTasks(sourceArn: dlq.arn).map { (dlq.name, $0) }
            } catch let e as AWSServiceError where isUnsupported(e) {
                throw FanoutError(.aws(e), "\(session.client(.sqs).endpoint) has no SQS message move tasks (\(e.code))")
            }
        }
        context.emit(json: .array(rows.map { name, t in
            .object([("dlq", .string(name)), ("taskHandle", t.taskHandle.map(JSONValue.string) ?? .null), ("status", .string(t.status)),
                     ("moved", .number(Double(t.moved))), ("total", t.toMove.map { .number(Double($0)) } ?? .null),
                     ("destination", t.destinationArn.map { .string(QueueURL.nameFromArn($0)) } ?? .null), ("failureReason", t.failureReason.map(JSONValue.string) ?? .null)])
        }), ndjson: false) {
            var table = Table([.init("DLQ"), .init("STATUS"), .init("MOVED", .right), .init("TOTAL", .right), .init("TO"), .init("STARTED"), .init("REASON")])
            for (name, t) in rows {
                table.add([name, t.status, String(t.moved), t.toMove.map(String.init) ?? "", t.destinationArn.map(QueueURL.nameFromArn) ?? "(source)",
                           t.startedTimestamp.map { ISO8601.format(Date(timeIntervalSince1970: $0 > 1e11 ? $0 / 1000 : $0)) } ?? "", t.failureReason ?? ""])
            }
            return table.render(header: context.terminal.bold)
        }
    }

    static func cancel(_ context: CommandContext) async throws {
        let session = try await context.session()
        let dlqs = try await resolve(context, session)
        var cancelled = 0
        for dlq in dlqs {
            for task in try await session.sqs.listMessageMoveTasks(sourceArn: dlq.arn) where task.status == "RUNNING" {
                guard let handle = task.taskHandle else { continue }
                let moved = try await session.sqs.cancelMessageMoveTask(taskHandle: handle)
                cancelled += 1
                context.emit(json: ["dlq": .string(dlq.name), "taskHandle": .string(handle), "moved": .number(Double(moved))], ndjson: true) {
                    "\(dlq.name): cancelled after \(moved) moved\n"
                }
            }
        }
        if cancelled == 0 { throw FanoutError.checkFailed("no running move task") }
    }
}
