import FanoutKit

/// `fanout alarms`: the DLQ alarms, CloudWatch's state and (with --live) the verdict from the queues right now.
enum AlarmsCommand: LeafCommand {
    static let states = ["OK", "ALARM", "INSUFFICIENT_DATA"]
    /// `--timeout` and `--interval`, in seconds.
    static let maxTimeout = 86_400.0
    static let maxInterval = 3_600.0

    struct Options: CommandOptions {
        var prefix: String?
        var live: Bool
        var expect: String?
        var wait: String?
        var timeout: Double
        var interval: Double

        init(_ args: ParsedArguments) throws {
            prefix = try args.nonEmpty("prefix")
            live = args.flag("live")
            expect = args.string("expect")
            wait = args.string("wait")
            timeout = args.defaulted(try args.seconds("timeout", max: AlarmsCommand.maxTimeout), "timeout")
            interval = args.defaulted(try args.seconds("interval", max: AlarmsCommand.maxInterval), "interval")
        }
    }

    static var spec: CommandSpec {
        CommandSpec(
            name: "alarms",
            abstract: "Show the stack's CloudWatch alarms; check or wait for a state.",
            discussion: """
            Lists the alarms outputs.json names (or --prefix, as the seed's --alarm-name-prefix dlq-messages-visible): \
            name, state, reason, updated. CloudWatch's SQS metrics lag by minutes and emulators may never evaluate \
            alarms, so --live also evaluates each alarm on an SQS queue attribute from the queue's current \
            attributes with the alarm's own threshold and comparison; --expect then judges that verdict. fanout never \
            sets alarm state.
            """,
            options: [
                .value("prefix", "text", help: "Alarms whose name starts with this (default: outputs.json's alarms, else dlq-messages-visible)"),
                .flag("live", help: "Also evaluate SQS alarms from the queues' current attributes"),
                .value("expect", "state", help: "Exit 1 unless every alarm is in this state", choices: states),
                .value("wait", "state", help: "Wait until every alarm is in this state", choices: states),
                .value("timeout", "seconds", help: "With --wait: exit 1 after this long (at most 86,400)", default: "300"),
                .value("interval", "seconds", help: "With --wait: seconds between checks (at most 3,600)", default: "5"),
            ],
            examples: [
                Example("fanout alarms --live", "CloudWatch's state and the live verdict"),
                Example("fanout alarms --live --expect OK", "Exit 1 when any DLQ holds messages"),
                Example("fanout alarms --wait ALARM --timeout 600", "Wait for CloudWatch to notice a DLQ"),
            ])
    }

    /// --prefix, else the alarms outputs.json names, else the seed's prefix.
    static func selection(_ options: Options, _ context: CommandContext) -> AlarmStatus.Selection {
        if let prefix = options.prefix { return .prefix(prefix) }
        if let names = (try? TerraformOutputs.load(path: context.outputsPath))?.document["alarms"]?.array?.compactMap(\.string), !names.isEmpty {
            return .names(names)
        }
        return .prefix("dlq-messages-visible")
    }

    static func run(_ options: Options, _ context: CommandContext) async throws {
        let session = try context.session()
        let selection = selection(options, context)
        let live = options.live
        if let target = options.wait {
            var reached = false
            try await AlarmStatus.wait(cloudwatch: session.cloudwatch, sqs: session.sqs, selection, live: live, for: target,
                                       timeout: options.timeout, interval: options.interval).forEach { event in
                switch event {
                case .waiting(let rows):
                    context.status("waiting for \(target): " + rows.map { "\($0.alarm.name)=\($0.judged(live: live))" }.joined(separator: " "))
                case .reached(let rows):
                    render(context, rows, live: live)
                    reached = true
                case .timedOut(let rows):
                    render(context, rows, live: live)
                    throw FanoutError.checkFailed("timed out after \(JSONValue.format(options.timeout)) s waiting for \(rows.isEmpty ? "alarms (none found)" : "every alarm to be \(target)")")
                }
            }
            if reached { return }
            throw CancellationError()
        }
        let rows = try await AlarmStatus.fetch(cloudwatch: session.cloudwatch, sqs: session.sqs, selection, live: live)
        render(context, rows, live: live)
        if let expected = options.expect {
            if rows.isEmpty { throw FanoutError.checkFailed("no alarms found to check") }
            let off = rows.filter { $0.judged(live: live) != expected }
            if !off.isEmpty {
                throw FanoutError.checkFailed("\(off.count) alarm(s) not \(expected): " + off.map { "\($0.alarm.name) is \($0.judged(live: live))" }.joined(separator: ", "))
            }
        }
    }

    static func render(_ context: CommandContext, _ rows: [AlarmStatus], live: Bool) {
        context.emit(json: .array(rows.map { r in
            var m: [(String, JSONValue)] = [("name", .string(r.alarm.name)), ("state", .string(r.alarm.state)), ("reason", .string(r.alarm.reason)),
                                            ("updated", .string(r.alarm.updated)), ("metric", .string(r.alarm.metricName)),
                                            ("queue", r.alarm.dimensions["QueueName"].map(JSONValue.string) ?? .null)]
            if live {
                m.append(("liveState", r.live.map { .string($0.state) } ?? .null))
                m.append(("liveValue", r.live.map { .number($0.value) } ?? .null))
            }
            return .object(m)
        }), ndjson: false) {
            var columns: [Table.Column] = [.init("ALARM"), .init("STATE")]
            if live { columns += [.init("LIVE"), .init("VALUE", .right)] }
            columns += [.init("UPDATED"), .init("REASON")]
            var table = Table(columns)
            func paint(_ s: String) -> String { s == "ALARM" ? context.terminal.red(s) : s == "OK" ? context.terminal.green(s) : context.terminal.yellow(s) }
            for r in rows {
                var cells = [r.alarm.name, paint(r.alarm.state)]
                if live { cells += [r.live.map { paint($0.state) } ?? "n/a", r.live.map { JSONValue.format($0.value) } ?? ""] }
                let reason = r.alarm.reason.count > 70 ? String(r.alarm.reason.prefix(67)) + "..." : r.alarm.reason
                cells += [r.alarm.updated, reason]
                table.add(cells)
            }
            return table.render(header: context.terminal.bold)
        }
    }
}
