import FanoutKit
import Foundation

/// `fanout alarms`: the DLQ alarms, CloudWatch's state and (with --live) the verdict from the queues right now.
enum AlarmsCommand {
    static let states = ["OK", "ALARM", "INSUFFICIENT_DATA"]

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
                .value("timeout", "seconds", help: "With --wait: exit 1 after this long", default: "300"),
                .value("interval", "seconds", help: "With --wait: seconds between checks", default: "5"),
            ],
            examples: [
                Example("fanout alarms --live", "CloudWatch's state and the live verdict"),
                Example("fanout alarms --live --expect OK", "Exit 1 when any DLQ holds messages"),
                Example("fanout alarms --wait ALARM --timeout 600", "Wait for CloudWatch to notice a DLQ"),
            ],
            run: { args in try await run(CommandContext(args)) })
    }

    struct Row {
        var alarm: MetricAlarm
        var live: (value: Double, state: String)?
        /// The state --expect and --wait judge: the live verdict when there is one and --live is on.
        func judged(live useLive: Bool) -> String { useLive ? (live?.state ?? alarm.state) : alarm.state }
    }

    static func fetch(_ context: CommandContext, _ session: AWSSession, live: Bool) async throws -> [Row] {
        var alarms: [MetricAlarm]
        if let prefix = context.args.string("prefix") {
            alarms = try await session.cloudwatch.describeAlarms(prefix: prefix)
        } else if let names = (try? context.outputs())?.document["alarms"]?.array?.compactMap(\.string), !names.isEmpty {
            alarms = try await session.cloudwatch.describeAlarms(names: names)
        } else {
            alarms = try await session.cloudwatch.describeAlarms(prefix: "dlq-messages-visible")
        }
        alarms.sort { $0.name < $1.name }
        guard live else { return alarms.map { Row(alarm: $0, live: nil) } }
        let sqs = session.sqs
        return try await withThrowingTaskGroup(of: (Int, Row).self) { group in
            for (i, alarm) in alarms.enumerated() {
                group.addTask { (i, Row(alarm: alarm, live: try await AlarmEvaluation.evaluate(alarm, sqs: sqs))) }
            }
            var rows = [Row?](repeating: nil, count: alarms.count)
            for try await (i, row) in group { rows[i] = row }
            return rows.compactMap { $0 }
        }
    }

    static func run(_ context: CommandContext) async throws {
        let live = context.args.flag("live")
        let session = try await context.session()
        if let target = context.args.string("wait") {
            let timeout = try context.args.double("timeout") ?? 300
            let interval = try context.args.double("interval") ?? 5
            guard timeout > 0, interval > 0 else { throw FanoutError.usage("--timeout and --interval must be greater than 0") }
            let started = DispatchTime.now().uptimeNanoseconds
            while true {
                let rows = try await fetch(context, session, live: live)
                if !rows.isEmpty && rows.allSatisfy({ $0.judged(live: live) == target }) {
                    render(context, rows, live: live)
                    return
                }
                let elapsed = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
                if elapsed + interval > timeout {
                    render(context, rows, live: live)
                    throw FanoutError.checkFailed("timed out after \(JSONValue.format(timeout)) s waiting for \(rows.isEmpty ? "alarms (none found)" : "every alarm to be \(target)")")
                }
                context.status("waiting for \(target): " + rows.map { "\($0.alarm.name)=\($0.judged(live: live))" }.joined(separator: " "))
                try await Task.sleep(nanoseconds: UInt64(interval * 1e9))
            }
        }
        let rows = try await fetch(context, session, live: live)
        render(context, rows, live: live)
        if let expected = context.args.string("expect") {
            if rows.isEmpty { throw FanoutError.checkFailed("no alarms found to check") }
            let off = rows.filter { $0.judged(live: live) != expected }
            if !off.isEmpty {
                throw FanoutError.checkFailed("\(off.count) alarm(s) not \(expected): " + off.map { "\($0.alarm.name) is \($0.judged(live: live))" }.joined(separator: ", "))
            }
        }
    }

    static func render(_ context: CommandContext, _ rows: [Row], live: Bool) {
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
