import Foundation

/// Builds what `publish` sends: typed attributes, templated bodies, and batches within SNS's limits.
public enum Publishing {
    /// SNS's limit for one message and for one PublishBatch request: 256 KiB.
    public static let maxBytes = 262_144

    /// Parses `NAME=VALUE` or `NAME:TYPE=VALUE`, TYPE one of String, Number, String.Array (default String).
    /// - Throws: `FanoutError.usage` with subject `.input("attribute")`.
    public static func attribute(_ text: String) throws -> (name: String, value: MessageAttributeValue) {
        func invalid(_ message: String) -> FanoutError { .usage(message, subject: .input("attribute")) }
        guard let eq = text.firstIndex(of: "=") else {
            throw invalid("Invalid attribute '\(text)': expected NAME=VALUE or NAME:TYPE=VALUE")
        }
        var name = String(text[..<eq])
        let value = String(text[text.index(after: eq)...])
        var type = "String"
        if let colon = name.firstIndex(of: ":") {
            type = String(name[name.index(after: colon)...])
            name = String(name[..<colon])
        }
        guard !name.isEmpty, name.count <= 256, !name.hasPrefix("AWS."), !name.hasPrefix("Amazon."),
              name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "_-.".contains($0)) }) else {
            throw invalid("Invalid attribute name '\(name)': letters, digits, '_', '-' and '.' only, not starting with AWS. or Amazon.")
        }
        switch type {
        case "String":
            guard !value.isEmpty else { throw invalid("Invalid attribute '\(text)': a String value may not be empty") }
        case "Number":
            guard Double(value) != nil else { throw invalid("Invalid attribute '\(text)': '\(value)' is not a number") }
        case "String.Array":
            guard let parsed = try? JSONValue.parse(value), parsed.array != nil else {
                throw invalid("Invalid attribute '\(text)': a String.Array value is a JSON array, e.g. '[\"a\",\"b\"]'")
            }
        default:
            throw invalid("Invalid attribute type '\(type)': expected String, Number or String.Array")
        }
        return (name, MessageAttributeValue(dataType: type, stringValue: value))
    }

    /// Replaces {{seq}}, {{uuid}} and {{now}} (ISO 8601) in a body.
    public static func render(_ template: String, seq: Int, now: Date = Date()) -> String {
        guard template.contains("{{") else { return template }
        return template.replacingOccurrences(of: "{{seq}}", with: String(seq))
            .replacingOccurrences(of: "{{uuid}}", with: UUID().uuidString.lowercased())
            .replacingOccurrences(of: "{{now}}", with: ISO8601.format(now))
    }

    /// The size SNS counts for a message: body plus attribute names, types and values.
    public static func size(_ message: SNSMessage) -> Int {
        message.message.utf8.count + message.attributes.reduce(0) { sum, attr in
            sum + attr.name.utf8.count + attr.value.dataType.utf8.count + (attr.value.stringValue?.utf8.count ?? 0)
        }
    }

    /// Groups messages into batches of at most 10 and at most 256 KiB, in order.
    public static func batches(_ messages: [SNSMessage]) -> [[SNSMessage]] {
        batches(messages, size: size)
    }

    /// Splits items, in order, into batches of at most 10 items and at most 256 KiB as `size` counts them:
    /// the limits of PublishBatch and SendMessageBatch alike.
    public static func batches<Item>(_ items: [Item], size: (Item) -> Int) -> [[Item]] {
        var result: [[Item]] = []
        var current: [Item] = []
        var bytes = 0
        for item in items {
            let s = size(item)
            if !current.isEmpty && (current.count == 10 || bytes + s > maxBytes) {
                result.append(current)
                current = []
                bytes = 0
            }
            current.append(item)
            bytes += s
        }
        if !current.isEmpty { result.append(current) }
        return result
    }
}

/// What `publish` sends, before anything is sent: every body rendered from its template, numbered 1…N.
public struct PublishRequest: Sendable {
    public var topicArn: String
    /// In order; each message's `id` is its number (`seq`) as text.
    public var messages: [SNSMessage]
    /// At most this many messages per second; nil for no limit.
    public var rate: Double?
    /// Batches in flight at once.
    public var concurrency: Int

    public init(topicArn: String, messages: [SNSMessage], rate: Double? = nil, concurrency: Int = 8) {
        self.topicArn = topicArn
        self.messages = messages
        self.rate = rate
        self.concurrency = concurrency
    }

    /// Renders each template `count` times ({{seq}} runs 1…N over all of them), with the same subject and
    /// attributes and templated FIFO ids.
    /// - Throws: `FanoutError.usage` (subject `.input("message")`) for a message over 256 KiB with its attributes.
    public static func messages(templates: [String], count: Int, subject: String? = nil,
                                attributes: [(name: String, value: MessageAttributeValue)] = [],
                                groupId: String? = nil, deduplicationId: String? = nil) throws -> [SNSMessage]
    {
        var messages: [SNSMessage] = []
        var seq = 0
        for template in templates {
            for _ in 0..<count {
                seq += 1
                let message = SNSMessage(id: String(seq), message: Publishing.render(template, seq: seq), subject: subject,
                                         attributes: attributes, messageGroupId: groupId.map { Publishing.render($0, seq: seq) },
                                         messageDeduplicationId: deduplicationId.map { Publishing.render($0, seq: seq) })
                let size = Publishing.size(message)
                if size > Publishing.maxBytes {
                    throw FanoutError.usage("Message \(seq) is \(size) bytes with its attributes; SNS accepts at most \(Publishing.maxBytes) (256 KiB)",
                                            subject: .input("message"))
                }
                messages.append(message)
            }
        }
        return messages
    }
}

/// One message SNS accepted: its number in the request (1…N) and the id SNS gave it.
public struct PublishedMessage: Sendable, Equatable {
    public var seq: Int
    public var messageId: String

    public init(seq: Int, messageId: String) {
        self.seq = seq
        self.messageId = messageId
    }
}

/// One entry SNS rejected in a PublishBatch answer.
public struct PublishFailure: Sendable, Equatable, CustomStringConvertible {
    /// The entry id: the message's number.
    public var id: String
    public var code: String
    public var message: String

    public init(id: String, code: String, message: String) {
        self.id = id
        self.code = code
        self.message = message
    }

    public var description: String { "message \(id): \(code) \(message)" }
}

/// What happens while `Publishing.publish` runs, in the order answers arrive.
public enum PublishEvent: Sendable, Equatable {
    /// SNS accepted these messages (a whole single Publish, or a batch's successful entries).
    case acknowledged([PublishedMessage])
    /// SNS rejected these entries of a batch; the others of that batch are acknowledged.
    case failed([PublishFailure])
    /// Every batch was answered.
    case finished(PublishSummary)
}

/// The counts when publishing is over.
public struct PublishSummary: Sendable, Equatable {
    public var total: Int
    public var published: Int
    public var failed: Int

    public init(total: Int, published: Int, failed: Int) {
        self.total = total
        self.published = published
        self.failed = failed
    }
}

extension Publishing {
    /// Publishes the request's messages: one Publish for a single message, else PublishBatch (10 per call, at
    /// most 256 KiB) with `concurrency` batches in flight, paced by `rate`. Entries SNS rejects are reported,
    /// not thrown; a call that fails ends the stream with its error. Cancelling the consumer cancels the calls.
    public static func publish(_ request: PublishRequest, sns: SNSClient) -> EventStream<PublishEvent> {
        EventStream { report in
            let summary = try await publish(request, sns: sns, event: report)
            report(.finished(summary))
        }
    }

    static func publish(_ request: PublishRequest, sns: SNSClient, event: @Sendable (PublishEvent) -> Void) async throws -> PublishSummary {
        let topic = request.topicArn, messages = request.messages
        var published = 0, failed = 0
        if messages.count == 1 {
            let id = try await sns.publish(topicArn: topic, messages[0])
            event(.acknowledged([PublishedMessage(seq: 1, messageId: id)]))
            return PublishSummary(total: 1, published: 1, failed: 0)
        }
        let limiter = RateLimiter(perSecond: request.rate)
        let batches = batches(messages)
        var offsets: [Int] = []
        var offset = 0
        for batch in batches { offsets.append(offset); offset += batch.count }
        try await withThrowingTaskGroup(of: (Int, BatchResult).self) { group in
            var next = 0
            func launch() {
                let index = next
                next += 1
                group.addTask {
                    try await limiter.acquire(batches[index].count)
                    return (index, try await sns.publishBatch(topicArn: topic, batches[index]))
                }
            }
            while next < min(max(request.concurrency, 1), batches.count) { launch() }
            for try await (index, result) in group {
                let acknowledged = batches[index].enumerated().compactMap { i, m in
                    result.successful[m.id].map { PublishedMessage(seq: offsets[index] + i + 1, messageId: $0) }
                }
                let failures = result.failed.map { PublishFailure(id: $0.id, code: $0.code, message: $0.message) }
                published += acknowledged.count
                failed += failures.count
                if !acknowledged.isEmpty { event(.acknowledged(acknowledged)) }
                if !failures.isEmpty { event(.failed(failures)) }
                if next < batches.count { launch() }
            }
        }
        return PublishSummary(total: messages.count, published: published, failed: failed)
    }
}

/// Paces work to at most `perSecond` starts per second (no limit when nil).
public actor RateLimiter {
    let interval: Double?
    var next: UInt64 = 0

    public init(perSecond: Double?) { interval = perSecond.map { 1 / $0 } }

    /// Waits until `count` more units may start.
    public func acquire(_ count: Int = 1) async throws {
        guard let interval else { return }
        let now = DispatchTime.now().uptimeNanoseconds
        let start = max(now, next)
        next = start + UInt64(interval * Double(count) * 1e9)
        if start > now { try await Task.sleep(nanoseconds: start - now) }
    }
}
