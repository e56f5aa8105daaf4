import Dispatch

/// SQS message move tasks (StartMessageMoveTask): starting one, following it to its end, cancelling it.
public enum MoveTask {
    /// One look at a running task while it is followed.
    public struct Progress: Sendable, Equatable {
        public var status: String
        public var moved: Int
        /// ApproximateNumberOfMessagesToMove, when SQS gives it.
        public var total: Int?
        /// Messages per second since following started.
        public var rate: Double
        /// Seconds left at that rate, when the total is known and the rate is not zero.
        public var eta: Double?

        public init(status: String, moved: Int, total: Int?, rate: Double, eta: Double?) {
            self.status = status
            self.moved = moved
            self.total = total
            self.rate = rate
            self.eta = eta
        }

        /// Whether the task has ended (COMPLETED, CANCELLED, FAILED): the last progress of a follow.
        public var isFinished: Bool { status != "RUNNING" && status != "CANCELLING" }
    }

    /// What StartMessageMoveTask answered.
    public enum Start: Sendable, Equatable {
        case started(handle: String)
        /// The endpoint has no move tasks (the error code it answered with): the caller moves client-side.
        case unsupported(code: String)
    }

    /// Whether an error means the endpoint does not implement move tasks (moto answers an HTML 500).
    public static func isUnsupported(_ e: AWSServiceError) -> Bool {
        ["HTTP500", "HTTP501", "NotImplemented", "UnsupportedOperation", "InvalidAction", "UnknownOperationException"].contains(e.code)
    }

    /// Starts moving the messages of the DLQ `sourceArn` back to `destinationArn` (nil: its source queues).
    /// - Parameter perSecond: at most this many messages per second (rounded up to a whole number), or unlimited.
    public static func start(_ session: AWSSession, sourceArn: String, destinationArn: String?, perSecond: Double?) async throws -> Start {
        do {
            // One attempt: an endpoint without move tasks answers at once, and the client-side move takes over.
            let handle = try await session.sqs.startMessageMoveTask(
                sourceArn: sourceArn, destinationArn: destinationArn, maxPerSecond: perSecond.map { Int($0.rounded(.up)) },
                retry: .singleAttempt)
            return .started(handle: handle)
        } catch let e as AWSServiceError where isUnsupported(e) {
            return .unsupported(code: e.code)
        }
    }

    /// Follows a task with ListMessageMoveTasks every `interval` until it ends: one `Progress` per look, the last one
    /// finished. The stream throws when the task is not listed, or after its last progress when the task FAILED.
    /// Cancelling the consumer ends the stream and leaves the task running: see `cancel(_:handle:)`.
    /// - Parameter queueName: the DLQ's name, for the errors.
    public static func follow(_ sqs: SQSClient, sourceArn: String, handle: String, queueName: String,
                              interval: Duration = .seconds(1)) -> EventStream<Progress>
    {
        EventStream { report in
            let started = DispatchTime.now().uptimeNanoseconds
            while !Task.isCancelled {
                let task = try await sqs.listMessageMoveTasks(sourceArn: sourceArn).first { $0.taskHandle == handle || $0.taskHandle == nil }
                guard let task else { throw FanoutError.network("move task \(handle) is not listed for \(queueName)") }
                let elapsed = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
                let rate = elapsed > 0 ? Double(task.moved) / elapsed : 0
                let eta = task.toMove.flatMap { total in rate > 0 ? Double(total - task.moved) / rate : nil }
                let progress = Progress(status: task.status, moved: task.moved, total: task.toMove, rate: rate, eta: eta)
                report(progress)
                if progress.isFinished {
                    if task.status == "FAILED" {
                        throw FanoutError.network("move task of \(queueName) failed: \(task.failureReason ?? "no reason given")")
                    }
                    break
                }
                try await Task.sleep(for: interval)
            }
        }
    }

    /// Cancels a task and returns how many messages it had moved. The call runs in a task of its own, so it is
    /// made even when the caller was cancelled (the Ctrl-C that asks for it cancels the caller).
    public static func cancel(_ sqs: SQSClient, handle: String) async throws -> Int {
        try await Task { try await sqs.cancelMessageMoveTask(taskHandle: handle) }.value
    }

    /// Cancels every running task of the DLQ `sourceArn`: each handle with the messages it had moved.
    public static func cancelRunning(_ sqs: SQSClient, sourceArn: String) async throws -> [(handle: String, moved: Int)] {
        var cancelled: [(handle: String, moved: Int)] = []
        for task in try await sqs.listMessageMoveTasks(sourceArn: sourceArn) where task.status == "RUNNING" {
            guard let handle = task.taskHandle else { continue }
            cancelled.append((handle, try await sqs.cancelMessageMoveTask(taskHandle: handle)))
        }
        return cancelled
    }
}
