import Dispatch

/// Runs one worker per queue, each repeating receive → handle → delete rounds, and streams what they did.
/// The stream ends when every worker is done (`untilIdle`), throws the first worker error, and stops the workers
/// when the consuming task is cancelled (what is in flight finishes or is cancelled with it; nothing is deleted
/// that was not handled).
public struct ConsumerPool: Sendable {
    /// One queue's consumer, whichever kind: a round, and the queue to watch for idleness.
    public struct Worker: Sendable {
        public var queueURL: String
        public var sqs: SQSClient
        /// One receive → handle → delete round with this long-poll wait (seconds).
        public var round: @Sendable (Int) async throws -> [ConsumeEvent]

        public init(queueURL: String, sqs: SQSClient, round: @escaping @Sendable (Int) async throws -> [ConsumeEvent]) {
            self.queueURL = queueURL
            self.sqs = sqs
            self.round = round
        }
    }

    public var workers: [Worker]
    /// Long-poll wait of each receive, 0–20 s.
    public var wait: Int
    /// Stop a worker once its queue has stayed empty (0 visible, in flight and delayed) this long.
    public var untilIdle: Double?

    public init(workers: [Worker], wait: Int, untilIdle: Double?) {
        self.workers = workers
        self.wait = wait
        self.untilIdle = untilIdle
    }

    /// Every message handled by every worker, as it happens.
    public func events() -> EventStream<ConsumeEvent> {
        let pool = self
        return EventStream { report in
            try await withThrowingTaskGroup(of: Void.self) { group in
                for worker in pool.workers {
                    group.addTask { try await pool.loop(worker, emit: report) }
                }
                try await group.waitForAll()
            }
        }
    }

    func loop(_ worker: Worker, emit: @Sendable (ConsumeEvent) -> Void) async throws {
        var idleSince = DispatchTime.now().uptimeNanoseconds
        while !Task.isCancelled {
            let thisWait = untilIdle.map { max(0, min(wait, Int($0.rounded(.up)))) } ?? wait
            let events: [ConsumeEvent]
            do {
                events = try await worker.round(thisWait)
            } catch is CancellationError {
                return
            } catch let e as FanoutError where e.kind == .interrupted {
                return
            }
            for event in events { emit(event) }
            if !events.isEmpty {
                idleSince = DispatchTime.now().uptimeNanoseconds
                continue
            }
            guard let untilIdle else { continue }
            // Idle only when the queue holds nothing at all: delayed or in-flight messages are still coming.
            if try await !worker.sqs.isEmpty(worker.queueURL) {
                idleSince = DispatchTime.now().uptimeNanoseconds
            } else if Double(DispatchTime.now().uptimeNanoseconds - idleSince) / 1e9 >= untilIdle {
                return
            }
            if thisWait == 0 { try await Task.sleep(nanoseconds: 200_000_000) }
        }
    }
}
