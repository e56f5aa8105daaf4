import Foundation

/// The record a consumer writes to the table once it has handled a message: the one owner of the schema
/// (`consumer_id` hash key, `message_id` range key, `body`, `queue`, `sqs_message_id`, `processed_at`).
/// The consumers write it, `scan` and `verify` read it, `stack up` creates the table with its keys.
public struct ProcessedRecord: Sendable, Equatable {
    public static let hashKey = "consumer_id"
    public static let rangeKey = "message_id"

    public var consumerId: String
    /// The SNS message id (or the SQS one for a message that did not come through SNS).
    public var messageId: String
    public var body: String
    public var queue: String?
    public var sqsMessageId: String?
    /// Seconds since 1970.
    public var processedAt: Double?

    public init(consumerId: String, messageId: String, body: String, queue: String? = nil, sqsMessageId: String? = nil,
                processedAt: Double? = nil)
    {
        self.consumerId = consumerId
        self.messageId = messageId
        self.body = body
        self.queue = queue
        self.sqsMessageId = sqsMessageId
        self.processedAt = processedAt
    }

    /// The DynamoDB item.
    public var item: JSONValue {
        var members: [(String, JSONValue)] = [
            (Self.hashKey, ["S": .string(consumerId)]), (Self.rangeKey, ["S": .string(messageId)]), ("body", ["S": .string(body)]),
        ]
        if let queue { members.append(("queue", ["S": .string(queue)])) }
        if let sqsMessageId { members.append(("sqs_message_id", ["S": .string(sqsMessageId)])) }
        if let processedAt { members.append(("processed_at", ["N": .string(String(format: "%.3f", processedAt))])) }
        return .object(members)
    }

    /// Reads an item; nil when its keys are missing (an item some other writer put in the table).
    public init?(item: JSONValue) {
        guard let consumer = item[Self.hashKey]?["S"]?.string, let message = item[Self.rangeKey]?["S"]?.string else { return nil }
        self.init(consumerId: consumer, messageId: message, body: item["body"]?["S"]?.string ?? "", queue: item["queue"]?["S"]?.string,
                  sqsMessageId: item["sqs_message_id"]?["S"]?.string,
                  processedAt: (item["processed_at"]?["N"]?.string).flatMap(Double.init))
    }

    /// The condition that makes a second write of the same message fail: one record per consumer and message.
    public static let writeOnce = "attribute_not_exists(\(rangeKey))"

    /// Which records a scan returns.
    public struct Query: Sendable, Equatable {
        /// Only records whose body contains this text.
        public var bodyContains: String?
        public var consumerId: String?

        public init(bodyContains: String? = nil, consumerId: String? = nil) {
            self.bodyContains = bodyContains
            self.consumerId = consumerId
        }
    }

    /// Every record of the table that matches, reading every page, oldest first.
    public static func scan(_ dynamodb: DynamoDBClient, table: String, _ query: Query = Query()) async throws -> [ProcessedRecord] {
        var clauses: [String] = []
        var values: [(String, JSONValue)] = []
        var names: [(String, JSONValue)] = []
        if let text = query.bodyContains {
            clauses.append("contains(#body, :text)")
            names.append(("#body", "body"))
            values.append((":text", ["S": .string(text)]))
        }
        if let consumer = query.consumerId {
            clauses.append("#consumer = :consumer")
            names.append(("#consumer", .string(hashKey)))
            values.append((":consumer", ["S": .string(consumer)]))
        }
        var records: [ProcessedRecord] = []
        var startKey: JSONValue?
        repeat {
            let page = try await dynamodb.scan(table, filter: clauses.isEmpty ? nil : clauses.joined(separator: " AND "),
                                               values: values.isEmpty ? nil : .object(values), names: names.isEmpty ? nil : .object(names),
                                               startKey: startKey)
            records += page.items.compactMap(ProcessedRecord.init(item:))
            startKey = page.lastEvaluatedKey
        } while startKey != nil
        records.sort { ($0.processedAt ?? 0, $0.consumerId) < ($1.processedAt ?? 0, $1.consumerId) }
        return records
    }
}
