import Foundation

/// A consumer that hands each batch to an existing Lambda SQS handler (`consume --exec`): Lambda's contract and
/// semantics — partial batch failures, one batch per message group at a time on FIFO queues (a failure stops the
/// rest of its group so order holds), exponential backoff of failed messages through ChangeMessageVisibility, and a
/// visibility heartbeat while the handler runs.
public struct ExecConsumer: Sendable {
    public var sqs: SQSClient
    public var queueURL: String
    public var consumerId: String
    public var handler: HandlerRun
    public var batchSize: Int
    public var batchWindow: Double
    public var backoffBase: Int
    public var maxBackoff: Int
    public var region: String

    public init(sqs: SQSClient, queueURL: String, consumerId: String, handler: HandlerRun, batchSize: Int, batchWindow: Double,
                backoffBase: Int, maxBackoff: Int, region: String)
    {
        self.sqs = sqs
        self.queueURL = queueURL
        self.consumerId = consumerId
        self.handler = handler
        self.batchSize = batchSize
        self.batchWindow = batchWindow
        self.backoffBase = backoffBase
        self.maxBackoff = maxBackoff
        self.region = region
    }

    /// Queue facts the contract needs, read once.
    public struct QueueFacts: Sendable {
        public var arn: String
        public var visibilityTimeout: Int
    }

    public func facts() async throws -> QueueFacts {
        let a = try await sqs.getQueueAttributes(queueURL, names: ["QueueArn", "VisibilityTimeout"])
        return QueueFacts(arn: a["QueueArn"] ?? "", visibilityTimeout: Int(a["VisibilityTimeout"] ?? "") ?? 30)
    }

    /// Receives a batch (filling it for up to `batchWindow` seconds), runs the handler, deletes the successes and
    /// backs off the failures. Handling runs to the end even when the calling task is cancelled.
    public func round(wait: Int, facts: QueueFacts) async throws -> [ConsumeEvent] {
        var messages = try await sqs.receiveMessages(queueURL, max: batchSize, waitSeconds: wait)
        if messages.isEmpty { return [] }
        let windowEnd = DispatchTime.now().uptimeNanoseconds + UInt64(batchWindow * 1e9)
        while messages.count < batchSize && DispatchTime.now().uptimeNanoseconds < windowEnd && !Task.isCancelled {
            let more = (try? await sqs.receiveMessages(queueURL, max: batchSize - messages.count, waitSeconds: 1)) ?? []
            messages += more
        }
        let batch = messages
        return try await Task { try await handle(batch, facts) }.value
    }

    func handle(_ messages: [SQSMessage], _ facts: QueueFacts) async throws -> [ConsumeEvent] {
        let queueName = QueueURL.name(queueURL)
        // FIFO: one handler run per message group, in order; standard: the whole batch at once.
        var groups: [[SQSMessage]] = []
        if messages.contains(where: { $0.attributes["MessageGroupId"] != nil }) {
            var order: [String] = []
            var byGroup: [String: [SQSMessage]] = [:]
            for m in messages {
                let g = m.attributes["MessageGroupId"] ?? ""
                if byGroup[g] == nil { order.append(g) }
                byGroup[g, default: []].append(m)
            }
            groups = order.compactMap { byGroup[$0] }
        } else {
            groups = [messages]
        }
        var events: [ConsumeEvent] = []
        for group in groups {
            let started = DispatchTime.now().uptimeNanoseconds
            let ids = group.map(\.messageId)
            let handles = group.map(\.receiptHandle)
            let sqs = self.sqs, url = queueURL
            let extend = facts.visibilityTimeout
            let outcome = try await handler.run(event: LambdaContract.event(group, queueArn: facts.arn, region: region), ids: ids,
                                                heartbeatInterval: Double(max(1, facts.visibilityTimeout)) / 2) {
                // Heartbeat: the handler is still running at half the visibility timeout; keep its messages hidden.
                _ = try? await sqs.changeMessageVisibilityBatch(url, handles.enumerated().map { (id: String($0.offset), receiptHandle: $0.element) },
                                                                timeout: extend)
            }
            var failed = outcome.failed
            if group.first?.attributes["MessageGroupId"] != nil, let first = group.firstIndex(where: { failed.contains($0.messageId) }) {
                // FIFO order: everything after the first failure of a group fails with it.
                for m in group[first...] where !failed.contains(m.messageId) { failed.insert(m.messageId) }
            }
            let ms = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e6
            let successes = group.enumerated().filter { !failed.contains($0.element.messageId) }
            if !successes.isEmpty {
                let deleted = try await sqs.deleteMessageBatch(queueURL, successes.map { (id: String($0.offset), receiptHandle: $0.element.receiptHandle) })
                if let f = deleted.failed.first {
                    throw FanoutError(.aws(AWSServiceError(service: "SQS", code: f.code, message: f.message, httpStatus: 400)),
                                      "DeleteMessageBatch left \(deleted.failed.count) handled message(s) undeleted (\(f.code)); they will be redelivered")
                }
            }
            for m in group where failed.contains(m.messageId) {
                let seconds = LambdaContract.backoff(receiveCount: m.receiveCount, base: backoffBase, max: maxBackoff)
                try? await sqs.changeMessageVisibility(queueURL, receiptHandle: m.receiptHandle, timeout: seconds)
            }
            for m in group {
                let isFailed = failed.contains(m.messageId)
                let reason = isFailed ? (outcome.failed.contains(m.messageId) ? outcome.reason : "an earlier message of its group failed") : nil
                events.append(ConsumeEvent(consumerId: consumerId, queue: queueName, messageId: ConsumedMessage(m).messageId,
                                           outcome: isFailed ? .failed : .handled, reason: reason, receiveCount: m.receiveCount, milliseconds: ms))
            }
        }
        return events
    }
}
