import Foundation

/// Snapshots of queues taken every `interval`, as `poll` shows them, until a condition ends the watch.
public struct QueueWatch: Sendable {
    /// What the watch reports.
    public enum Event: Sendable {
        /// The depths at one moment.
        case snapshot([QueueSnapshot], Date)
        /// Every main queue read 0/0/0 (with `untilDrained`).
        case drained
        /// `timeout` passed first.
        case timedOut
    }

    public var sqs: SQSClient
    public var queues: [String]
    public var dlqs: [String]
    public var interval: Double
    /// Take one snapshot and end.
    public var once: Bool
    public var untilDrained: Bool
    public var timeout: Double?

    public init(sqs: SQSClient, queues: [String], dlqs: [String], interval: Double, once: Bool = false, untilDrained: Bool = false,
                timeout: Double? = nil)
    {
        self.sqs = sqs
        self.queues = queues
        self.dlqs = dlqs
        self.interval = interval
        self.once = once
        self.untilDrained = untilDrained
        self.timeout = timeout
    }

    static func drained(_ snapshots: [QueueSnapshot]) -> Bool {
        snapshots.filter { !$0.isDLQ }.allSatisfy { $0.total == 0 }
    }

    /// The snapshots as they are taken; ends after `.drained` or `.timedOut`, or when the consuming task is cancelled.
    public func events() -> EventStream<Event> {
        let watch = self
        return EventStream { report in try await watch.run(report) }
    }

    func run(_ emit: @Sendable (Event) -> Void) async throws {
        let clock = ContinuousClock()
        let started = clock.now
        while true {
            let snapshots = try await QueueSnapshot.fetch(sqs: sqs, queues: queues, dlqs: dlqs)
            emit(.snapshot(snapshots, Date()))
            if once { return }
            if untilDrained && Self.drained(snapshots) { return emit(.drained) }
            let elapsed = Self.seconds(clock.now - started)
            if let timeout, elapsed + interval > timeout {
                let remaining = timeout - elapsed
                if remaining > 0 { try await Task.sleep(for: .seconds(remaining)) }
                let last = try await QueueSnapshot.fetch(sqs: sqs, queues: queues, dlqs: dlqs)
                return emit(untilDrained && Self.drained(last) ? .drained : .timedOut)
            }
            try await Task.sleep(for: .seconds(interval))
        }
    }

    static func seconds(_ duration: Duration) -> Double {
        let (s, attoseconds) = duration.components
        return Double(s) + Double(attoseconds) / 1e18
    }
}
