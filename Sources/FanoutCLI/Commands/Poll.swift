import FanoutKit
import Foundation

/// `fanout poll`: the seed's `make poll` — the lifecycle of every queue, live.
enum PollCommand: LeafCommand {
    /// The longest --interval and --timeout: a day and a week.
    static let maxInterval = 86_400.0
    static let maxTimeout = 604_800.0

    struct Options: CommandOptions {
        var interval: Double
        var once: Bool
        var untilDrained: Bool
        var timeout: Double?
        var resources: ResourceOptions

        init(_ args: ParsedArguments) throws {
            interval = args.defaulted(try args.seconds("interval", max: PollCommand.maxInterval), "interval")
            once = args.flag("once")
            untilDrained = args.flag("until-drained")
            timeout = try args.seconds("timeout", max: PollCommand.maxTimeout)
            resources = try ResourceOptions(args, roles: [.queues, .dlqs])
        }
    }

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
            ])
    }

    static func run(_ options: Options, _ context: CommandContext) async throws {
        let session = try context.session()
        let resources = context.resources(options.resources)
        let queues = try await resources.queueURLs(session.sqs)
        let dlqs = try await resources.dlqURLs(session.sqs, required: false)
        let watch = QueueWatch(sqs: session.sqs, queues: queues, dlqs: dlqs, interval: options.interval, once: options.once,
                               untilDrained: options.untilDrained, timeout: options.timeout)
        let terminal = context.terminal
        let live = terminal.stdoutIsTTY && context.format == .table && !options.once
        var history: [String: [Int]] = [:]
        var drawnLines = 0
        if live { terminal.out("\u{1B}[?25l") }
        // Ctrl-C cancels this task: the watch ends, the cursor comes back, and the runner reports 130.
        defer { if live { terminal.out("\u{1B}[?25h\n") } }
        try await watch.events().forEach { event in
            switch event {
            case .snapshot(let snapshots, let now):
                for s in snapshots { history[s.url, default: []].append(s.total); history[s.url] = history[s.url].map { Array($0.suffix(30)) } }
                switch (context.format, live) {
                case (.json, _):
                    terminal.out(JSONValue.object([("time", .string(ISO8601.format(now))), ("queues", .array(snapshots.map(\.json)))]).serialized() + "\n")
                case (.table, true):
                    let text = liveTable(snapshots, history: history, time: now, terminal: terminal)
                    if drawnLines > 0 { terminal.out("\u{1B}[\(drawnLines)A\u{1B}[J") }
                    terminal.out(text)
                    drawnLines = text.split(separator: "\n", omittingEmptySubsequences: false).count - 1
                case (.table, false):
                    terminal.out(block(snapshots, time: now))
                }
            case .drained:
                break
            case .timedOut:
                throw FanoutError.checkFailed("timed out after \(JSONValue.format(options.timeout ?? 0)) s" + (options.untilDrained ? " before the queues drained" : ""))
            }
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
