import FanoutKit
import Foundation

/// `fanout poll`: the seed's `make poll` — the lifecycle of every queue, live.
enum PollCommand {
    static var spec: CommandSpec {
        CommandSpec(
            name: "poll",
            abstract: "Watch Delayed / InFlight / Visible of every queue and DLQ depths.",
            discussion: """
            Every --interval the counts of every queue and DLQ are fetched concurrently. On a terminal one table \
            is redrawn in place with a history per queue; otherwise one block per tick, or NDJSON with -o json. \
            --until-drained exits 0 as soon as every main queue reads 0/0/0; --timeout exits 1 when it runs out; \
            Ctrl-C exits 130.
            """,
            options: [
                .value("interval", "seconds", help: "Seconds between snapshots", default: "10"),
                .flag("once", help: "Take one snapshot and exit"),
                .flag("until-drained", help: "Exit 0 once every main queue is empty (0/0/0)"),
                .value("timeout", "seconds", help: "Exit 1 when this much time passes first"),
            ] + FanoutCommand.resourceOptions([.queues, .dlqs]),
            examples: [
                Example("fanout poll", "Watch until Ctrl-C, as make poll"),
                Example("fanout poll --until-drained --timeout 300 --interval 2", "Wait for consumers to drain the queues"),
            ],
            run: { args in try await run(CommandContext(args)) })
    }

    static func run(_ context: CommandContext) async throws {
        let interval = try context.args.double("interval") ?? 10
        guard interval > 0 else { throw FanoutError.usage("--interval must be greater than 0") }
        let timeout = try context.args.double("timeout")
        if let timeout, timeout <= 0 { throw FanoutError.usage("--timeout must be greater than 0") }
        let once = context.args.flag("once"), untilDrained = context.args.flag("until-drained")
        let session = try await context.session()
        let queues = try await context.queueURLs(session)
        let dlqs = try await context.dlqURLs(session, required: false)
        let live = context.terminal.stdoutIsTTY && context.format == .table && !once
        let started = DispatchTime.now().uptimeNanoseconds
        var history: [String: [Int]] = [:]
        var drawnLines = 0
        if live { context.terminal.out("\u{1B}[?25l") }
        let signals = SignalTrap([SIGINT]) {
            if live { Terminal.write(STDOUT_FILENO, "\u{1B}[?25h\n") }
            exit(130)
        }
        defer {
            signals.release()
            if live { context.terminal.out("\u{1B}[?25h") }
        }
        while true {
            let snapshots = try await QueueSnapshot.fetch(sqs: session.sqs, queues: queues, dlqs: dlqs)
            let now = Date()
            for s in snapshots { history[s.url, default: []].append(s.total); if history[s.url]!.count > 30 { history[s.url]!.removeFirst() } }
            switch (context.format, live) {
            case (.json, _):
                context.terminal.out(JSONValue.object([("time", .string(ISO8601.format(now))), ("queues", .array(snapshots.map(\.json)))]).serialized() + "\n")
            case (.table, true):
                let text = liveTable(snapshots, history: history, time: now, terminal: context.terminal)
                if drawnLines > 0 { context.terminal.out("\u{1B}[\(drawnLines)A\u{1B}[J") }
                context.terminal.out(text)
                drawnLines = text.split(separator: "\n", omittingEmptySubsequences: false).count - 1
            case (.table, false):
                context.terminal.out(block(snapshots, time: now))
            }
            let drained = snapshots.filter { !$0.isDLQ }.allSatisfy { $0.total == 0 }
            if once { return }
            if untilDrained && drained { return }
            let elapsed = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
            if let timeout, elapsed + interval > timeout {
                let remaining = timeout - elapsed
                if remaining > 0 { try await Task.sleep(nanoseconds: UInt64(remaining * 1e9)) }
                let last = try await QueueSnapshot.fetch(sqs: session.sqs, queues: queues, dlqs: dlqs)
                if untilDrained && last.filter({ !$0.isDLQ }).allSatisfy({ $0.total == 0 }) { return }
                throw FanoutError.checkFailed("timed out after \(JSONValue.format(timeout)) s" + (untilDrained ? " before the queues drained" : ""))
            }
            try await Task.sleep(nanoseconds: UInt64(interval * 1e9))
        }
    }

    static func clock(_ date: Date) -> String {
        var t = time_t(date.timeIntervalSince1970)
        var parts = tm()
        localtime_r(&t, &parts)
        return String(format: "%02d:%02d:%02d", parts.tm_hour, parts.tm_min, parts.tm_sec)
    }

    /// One block per tick, like the seed's make poll.
    static func block(_ snapshots: [QueueSnapshot], time: Date) -> String {
        var out = String(repeating: "─", count: 39) + " " + clock(time) + "\n"
        let width = snapshots.map(\.name.count).max() ?? 0
        for s in snapshots {
            let name = s.name.padding(toLength: width, withPad: " ", startingAt: 0)
            if s.isDLQ {
                out += "\(name) — DLQ depth: \(s.visible)\(s.inFlight + s.delayed > 0 ? " (+\(s.inFlight + s.delayed) in flight/delayed)" : "")\n"
            } else {
                out += "\(name) — Delayed: \(s.delayed) | InFlight: \(s.inFlight) | Visible: \(s.visible)\n"
            }
        }
        return out
    }

    static let sparks: [Character] = ["▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"]

    static func sparkline(_ values: [Int]) -> String {
        let top = max(values.max() ?? 0, 1)
        return String(values.map { sparks[min(sparks.count - 1, $0 * (sparks.count - 1) / top)] })
    }

    static func liveTable(_ snapshots: [QueueSnapshot], history: [String: [Int]], time: Date, terminal: Terminal) -> String {
        var table = Table([.init("QUEUE"), .init("DELAYED", .right), .init("IN FLIGHT", .right), .init("VISIBLE", .right), .init("HISTORY")])
        for s in snapshots {
            let visible = s.isDLQ && s.visible > 0 ? terminal.red(String(s.visible)) : String(s.visible)
            table.add([s.isDLQ ? "\(s.name) (dlq)" : s.name, String(s.delayed), String(s.inFlight), visible, sparkline(history[s.url] ?? [])])
        }
        return terminal.dim("fanout poll · \(clock(time)) · Ctrl-C to stop") + "\n" + table.render(header: terminal.bold)
    }
}
