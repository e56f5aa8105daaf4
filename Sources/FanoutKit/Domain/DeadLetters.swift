import Foundation

/// Looking at DLQs without changing what is in them.
public enum DeadLetters {
    /// Receives up to `max` distinct messages, then makes every one visible again at once
    /// (ChangeMessageVisibility 0). A peek still counts as a receive: ApproximateReceiveCount goes up by one.
    public static func peek(sqs: SQSClient, queueURL: String, max: Int) async throws -> [SQSMessage] {
        var seen = Set<String>()
        var messages: [SQSMessage] = []
        var emptyRounds = 0
        do {
            while messages.count < max && emptyRounds < 2 {
                let batch = try await sqs.receiveMessages(queueURL, max: min(10, max - messages.count), waitSeconds: 0, visibilityTimeout: 60)
                let fresh = batch.filter { seen.insert($0.messageId).inserted }
                emptyRounds = fresh.isEmpty ? emptyRounds + 1 : 0
                messages += fresh
            }
        } catch {
            // A peek must leave nothing hidden, even when a later receive failed.
            try? await release(sqs: sqs, queueURL: queueURL, handles: messages.map(\.receiptHandle))
            throw error
        }
        try await release(sqs: sqs, queueURL: queueURL, handles: messages.map(\.receiptHandle))
        return messages
    }

    /// Makes received messages visible again now.
    public static func release(sqs: SQSClient, queueURL: String, handles: [String]) async throws {
        var start = 0
        while start < handles.count {
            let chunk = handles[start..<min(start + 10, handles.count)]
            _ = try await sqs.changeMessageVisibilityBatch(queueURL, chunk.enumerated().map { (id: String($0.offset), receiptHandle: $0.element) }, timeout: 0)
            start += 10
        }
    }
}

/// The client-side move from a DLQ to a queue, for what message move tasks cannot do: DLQs of SNS subscriptions,
/// endpoints without move tasks, selective redrive (`filter`) and dry runs. It loses nothing: each message is sent
/// with its body byte for byte, every message attribute and (FIFO) its group and deduplication ids, and is deleted
/// from the DLQ only after its send succeeded — so an interruption at any point leaves it in the DLQ, the target,
/// or at worst both.
public struct ClientSideMove: Sendable {
    public struct Report: Sendable, Equatable {
        public var moved = 0
        public var skipped = 0
        public var failed = 0
        public var wouldMove = 0
        public var errors: [String] = []

        public var json: JSONValue {
            ["moved": .number(Double(moved)), "skipped": .number(Double(skipped)), "failed": .number(Double(failed)),
             "wouldMove": .number(Double(wouldMove)), "errors": .array(errors.map(JSONValue.string))]
        }
    }

    public var sqs: SQSClient
    public var source: String
    public var target: String
    /// A jq condition on the published message (JSON when it parses, SNS envelope unwrapped); only matching messages move.
    public var filter: String?
    public var dryRun: Bool
    public var perSecond: Double?
    /// Stop after this many messages moved.
    public var limit: Int?

    public init(sqs: SQSClient, source: String, target: String, filter: String? = nil, dryRun: Bool = false,
                perSecond: Double? = nil, limit: Int? = nil)
    {
        self.sqs = sqs
        self.source = source
        self.target = target
        self.filter = filter
        self.dryRun = dryRun
        self.perSecond = perSecond
        self.limit = limit
    }

    /// How long received messages stay hidden while the move holds them.
    static let holdSeconds = 120

    public func run(progress: @Sendable (Report) -> Void = { _ in }) async throws -> Report {
        let program = try filter.map { try JQProgram($0) }
        let limiter = RateLimiter(perSecond: perSecond)
        var report = Report()
        // Message id → latest receipt handle of the messages this run keeps in the DLQ (skipped, dry run, failed);
        // they stay hidden while the run lasts, so each is counted once, and are made visible again at the end.
        var held: [String: String] = [:]
        do {
            try await loop(program, limiter, &report, &held, progress)
        } catch {
            try? await DeadLetters.release(sqs: sqs, queueURL: source, handles: Array(held.values))
            throw error
        }
        try await DeadLetters.release(sqs: sqs, queueURL: source, handles: Array(held.values))
        return report
    }

    func loop(_ program: JQProgram?, _ limiter: RateLimiter, _ report: inout Report, _ held: inout [String: String],
              _ progress: @Sendable (Report) -> Void) async throws
    {
        var emptyRounds = 0
        while emptyRounds < 2 {
            if let limit, report.moved >= limit { break }
            let batch = try await sqs.receiveMessages(source, max: 10, waitSeconds: 0, visibilityTimeout: Self.holdSeconds)
            var toMove: [SQSMessage] = []
            var fresh = 0
            for message in batch {
                if held[message.messageId] != nil {
                    held[message.messageId] = message.receiptHandle
                    continue
                }
                fresh += 1
                let matches = try program.map { try Self.matches($0, message) } ?? true
                if !matches {
                    report.skipped += 1
                    held[message.messageId] = message.receiptHandle
                } else if dryRun {
                    report.wouldMove += 1
                    held[message.messageId] = message.receiptHandle
                } else {
                    toMove.append(message)
                }
            }
            emptyRounds = fresh == 0 ? emptyRounds + 1 : 0
            if let limit { toMove = Array(toMove.prefix(limit - report.moved)) }
            for group in Self.batches(toMove) {
                try await limiter.acquire(group.count)
                try await move(group, &report, &held)
            }
            progress(report)
        }
    }

    /// Sends one batch, then deletes exactly the messages whose send succeeded.
    func move(_ group: [SQSMessage], _ report: inout Report, _ held: inout [String: String]) async throws {
        let outgoing = group.enumerated().map { Self.outgoing($0.element, id: String($0.offset)) }
        let sent: BatchResult
        do {
            sent = try await sqs.sendMessageBatch(target, outgoing)
        } catch {
            report.failed += group.count
            report.errors.append("send to \(QueueURL.name(target)) failed: \(FanoutError.wrap(error).message)")
            for m in group { held[m.messageId] = m.receiptHandle }
            return
        }
        for failure in sent.failed {
            report.failed += 1
            report.errors.append("message \(group[Int(failure.id) ?? 0].messageId): \(failure.code) \(failure.message)")
            if let i = Int(failure.id) { held[group[i].messageId] = group[i].receiptHandle }
        }
        let delivered = group.enumerated().filter { sent.successful[String($0.offset)] != nil }
        if delivered.isEmpty { return }
        let deleted = try await sqs.deleteMessageBatch(source, delivered.map { (id: String($0.offset), receiptHandle: $0.element.receiptHandle) })
        report.moved += delivered.count - deleted.failed.count
        for failure in deleted.failed {
            // Sent but not deleted: it is in both queues (a duplicate, never a loss); reported.
            report.errors.append("message \(group[Int(failure.id) ?? 0].messageId) was copied but not deleted from the DLQ: \(failure.code)")
        }
    }

    /// The filter sees what `consume --fail-when` sees: the published message, unwrapped from an SNS envelope.
    static func matches(_ program: JQProgram, _ message: SQSMessage) throws -> Bool {
        try program.isTrue(for: ConsumedMessage(message).filterInput)
    }

    /// The message as it goes back: same body, same attributes, same FIFO group and deduplication ids.
    static func outgoing(_ m: SQSMessage, id: String) -> SQSOutgoingMessage {
        SQSOutgoingMessage(id: id, body: m.body, messageAttributes: m.messageAttributes,
                           messageGroupId: m.attributes["MessageGroupId"], messageDeduplicationId: m.attributes["MessageDeduplicationId"])
    }

    /// SQS's per-request limits: 10 messages and 256 KiB of bodies and attributes.
    static func batches(_ messages: [SQSMessage]) -> [[SQSMessage]] {
        Publishing.batches(messages) { m in
            m.body.utf8.count + m.messageAttributes.reduce(0) {
                $0 + $1.name.utf8.count + $1.value.dataType.utf8.count + ($1.value.stringValue?.utf8.count ?? 0) + ($1.value.binaryValueBase64?.utf8.count ?? 0)
            }
        }
    }
}
