/// A message attribute as SQS and SNS carry it. Binary values stay base64 text exactly as received, so a message
/// moved from one queue to another keeps its bytes.
public struct MessageAttributeValue: Sendable, Equatable {
    public var dataType: String
    public var stringValue: String?
    public var binaryValueBase64: String?

    public init(dataType: String, stringValue: String? = nil, binaryValueBase64: String? = nil) {
        self.dataType = dataType
        self.stringValue = stringValue
        self.binaryValueBase64 = binaryValueBase64
    }

    var json: JSONValue {
        var members: [(String, JSONValue)] = [("DataType", .string(dataType))]
        if let stringValue { members.append(("StringValue", .string(stringValue))) }
        if let binaryValueBase64 { members.append(("BinaryValue", .string(binaryValueBase64))) }
        return .object(members)
    }

    init(json: JSONValue, _ context: DecodeContext, at path: String) throws {
        self.init(dataType: try json.requiredString("DataType", context, at: path), stringValue: json["StringValue"]?.string,
                  binaryValueBase64: json["BinaryValue"]?.string)
    }
}

/// A message received from SQS.
public struct SQSMessage: Sendable, Equatable {
    public var messageId: String
    public var receiptHandle: String
    public var body: String
    public var md5OfBody: String?
    /// System attributes: ApproximateReceiveCount, SentTimestamp, MessageGroupId, …
    public var attributes: [String: String]
    public var messageAttributes: [(name: String, value: MessageAttributeValue)]

    public static func == (a: SQSMessage, b: SQSMessage) -> Bool {
        a.messageId == b.messageId && a.receiptHandle == b.receiptHandle && a.body == b.body && a.attributes == b.attributes
            && a.messageAttributes.elementsEqual(b.messageAttributes) { $0.name == $1.name && $0.value == $1.value }
    }

    public var receiveCount: Int { Int(attributes["ApproximateReceiveCount"] ?? "") ?? 0 }
}

/// A message to send, alone or in a batch.
public struct SQSOutgoingMessage: Sendable {
    public var id: String
    public var body: String
    public var messageAttributes: [(name: String, value: MessageAttributeValue)]
    public var delaySeconds: Int?
    public var messageGroupId: String?
    public var messageDeduplicationId: String?

    public init(id: String, body: String, messageAttributes: [(name: String, value: MessageAttributeValue)] = [], delaySeconds: Int? = nil,
                messageGroupId: String? = nil, messageDeduplicationId: String? = nil)
    {
        self.id = id
        self.body = body
        self.messageAttributes = messageAttributes
        self.delaySeconds = delaySeconds
        self.messageGroupId = messageGroupId
        self.messageDeduplicationId = messageDeduplicationId
    }

    var members: [(String, JSONValue)] {
        var m: [(String, JSONValue)] = [("MessageBody", .string(body))]
        if !messageAttributes.isEmpty { m.append(("MessageAttributes", .object(messageAttributes.map { ($0.name, $0.value.json) }))) }
        if let delaySeconds { m.append(("DelaySeconds", .number(Double(delaySeconds)))) }
        if let messageGroupId { m.append(("MessageGroupId", .string(messageGroupId))) }
        if let messageDeduplicationId { m.append(("MessageDeduplicationId", .string(messageDeduplicationId))) }
        return m
    }
}

/// The outcome of a batch call: ids that succeeded and entries that failed.
public struct BatchResult: Sendable, Equatable {
    public struct Failure: Sendable, Equatable {
        public var id: String
        public var code: String
        public var message: String
        public var senderFault: Bool
    }
    public var successful: [String: String]  // entry id → message id (or "" for deletes)
    public var failed: [Failure]

    public init(successful: [String: String], failed: [Failure]) {
        self.successful = successful
        self.failed = failed
    }

    /// The code of the failure reported for a requested entry that a 2xx answer mentions neither as successful
    /// nor as failed: its outcome is unknown, so it is never counted as done.
    public static let missingEntryCode = "MissingFromAnswer"

    /// Adds a `missingEntryCode` failure for each of `ids` the answer does not mention.
    mutating func accountFor(_ ids: [String]) {
        let mentioned = Set(successful.keys).union(failed.map(\.id))
        for id in ids where !mentioned.contains(id) {
            failed.append(Failure(id: id, code: Self.missingEntryCode,
                                  message: "the answer reports neither success nor failure for this entry", senderFault: false))
        }
    }

    /// A JSON 1.0 batch answer (`Successful`, `Failed`) for the entries `ids`. Each entry must carry its `Id`
    /// (and, when `messageIds`, its `MessageId`); a failure its `Code` and `SenderFault`.
    static func decode(_ json: JSONValue, ids: [String], messageIds: Bool, _ context: DecodeContext) throws -> BatchResult {
        var ok: [String: String] = [:]
        for (i, entry) in try json.optionalArray("Successful", context).enumerated() {
            let path = "Successful[\(i)]"
            ok[try entry.requiredString("Id", context, at: path)] = messageIds ? try entry.requiredString("MessageId", context, at: path) : ""
        }
        let failed = try json.optionalArray("Failed", context).enumerated().map { i, entry in
            let path = "Failed[\(i)]"
            guard let senderFault = entry["SenderFault"]?.bool else { throw context.missing("\(path).SenderFault") }
            return Failure(id: try entry.requiredString("Id", context, at: path), code: try entry.requiredString("Code", context, at: path),
                           message: entry["Message"]?.string ?? "", senderFault: senderFault)
        }
        var result = BatchResult(successful: ok, failed: failed)
        result.accountFor(ids)
        return result
    }
}

/// A message move task (DLQ redrive) as ListMessageMoveTasks reports it.
public struct MessageMoveTask: Sendable, Equatable {
    public var taskHandle: String?
    public var status: String
    public var sourceArn: String
    public var destinationArn: String?
    public var maxNumberOfMessagesPerSecond: Int?
    public var moved: Int
    public var toMove: Int?
    public var failureReason: String?
    public var startedTimestamp: Double?

    init(_ json: JSONValue, _ context: DecodeContext, at path: String) throws {
        taskHandle = json["TaskHandle"]?.string
        status = try json.requiredString("Status", context, at: path)
        sourceArn = try json.requiredString("SourceArn", context, at: path)
        destinationArn = json["DestinationArn"]?.string
        maxNumberOfMessagesPerSecond = json["MaxNumberOfMessagesPerSecond"]?.int
        moved = json["ApproximateNumberOfMessagesMoved"]?.int ?? 0
        toMove = json["ApproximateNumberOfMessagesToMove"]?.int
        failureReason = json["FailureReason"]?.string
        startedTimestamp = json["StartedTimestamp"]?.double
    }
}

/// Amazon SQS over the JSON 1.0 protocol: only the calls fanout needs, each typed.
public struct SQSClient: Sendable {
    public let client: AWSClient

    public init(_ client: AWSClient) { self.client = client }

    func call(_ action: String, _ members: [(String, JSONValue)], timeouts: HTTPTimeouts? = nil, retry: RetryPolicy? = nil) async throws -> JSONValue {
        try await client.json(targetPrefix: "AmazonSQS", action: action, .object(members), timeouts: timeouts, retry: retry)
    }

    func context(_ action: String) -> DecodeContext { DecodeContext(client.service, action) }

    public func getQueueAttributes(_ queueUrl: String, names: [String] = ["All"]) async throws -> [String: String] {
        let out = try await call("GetQueueAttributes", [("QueueUrl", .string(queueUrl)), ("AttributeNames", .array(names.map { .string($0) }))])
        var attrs: [String: String] = [:]
        for (k, v) in try out.optionalObject("Attributes", context("GetQueueAttributes")) { attrs[k] = v.string ?? v.serialized() }
        return attrs
    }

    public func getQueueUrl(_ name: String) async throws -> String {
        try await call("GetQueueUrl", [("QueueName", .string(name))]).requiredString("QueueUrl", context("GetQueueUrl"))
    }

    public func createQueue(_ name: String, attributes: [String: String], tags: [String: String] = [:]) async throws -> String {
        var members: [(String, JSONValue)] = [("QueueName", .string(name))]
        if !attributes.isEmpty { members.append(("Attributes", .object(attributes.sorted { $0.key < $1.key }.map { ($0.key, .string($0.value)) }))) }
        if !tags.isEmpty { members.append(("tags", .object(tags.sorted { $0.key < $1.key }.map { ($0.key, .string($0.value)) }))) }
        return try await call("CreateQueue", members).requiredString("QueueUrl", context("CreateQueue"))
    }

    public func setQueueAttributes(_ queueUrl: String, _ attributes: [String: String]) async throws {
        _ = try await call("SetQueueAttributes", [("QueueUrl", .string(queueUrl)),
                                                  ("Attributes", .object(attributes.sorted { $0.key < $1.key }.map { ($0.key, .string($0.value)) }))])
    }

    public func deleteQueue(_ queueUrl: String) async throws {
        _ = try await call("DeleteQueue", [("QueueUrl", .string(queueUrl))])
    }

    public func purgeQueue(_ queueUrl: String) async throws {
        _ = try await call("PurgeQueue", [("QueueUrl", .string(queueUrl))])
    }

    /// Every queue URL with that name prefix, following NextToken to the end.
    public func listQueues(prefix: String? = nil) async throws -> [String] {
        var urls: [String] = []
        var token: String?
        repeat {
            var members: [(String, JSONValue)] = [("MaxResults", 1000)]
            if let prefix { members.append(("QueueNamePrefix", .string(prefix))) }
            if let token { members.append(("NextToken", .string(token))) }
            let out = try await call("ListQueues", members)
            urls += try Self.strings(out, "QueueUrls", context("ListQueues"))
            token = out["NextToken"]?.string
        } while token != nil
        return urls
    }

    public func listDeadLetterSourceQueues(_ queueUrl: String) async throws -> [String] {
        let out = try await call("ListDeadLetterSourceQueues", [("QueueUrl", .string(queueUrl))])
        return try Self.strings(out, out["queueUrls"] == nil ? "QueueUrls" : "queueUrls", context("ListDeadLetterSourceQueues"))
    }

    public func sendMessage(_ queueUrl: String, _ message: SQSOutgoingMessage) async throws -> String {
        try await call("SendMessage", [("QueueUrl", .string(queueUrl))] + message.members).requiredString("MessageId", context("SendMessage"))
    }

    public func sendMessageBatch(_ queueUrl: String, _ messages: [SQSOutgoingMessage]) async throws -> BatchResult {
        let entries: [JSONValue] = messages.map { .object([("Id", .string($0.id))] + $0.members) }
        let out = try await call("SendMessageBatch", [("QueueUrl", .string(queueUrl)), ("Entries", .array(entries))])
        return try BatchResult.decode(out, ids: messages.map(\.id), messageIds: true, context("SendMessageBatch"))
    }

    /// ReceiveMessage with every system and message attribute. `waitSeconds` > 0 long-polls.
    public func receiveMessages(_ queueUrl: String, max: Int = 10, waitSeconds: Int = 0, visibilityTimeout: Int? = nil) async throws -> [SQSMessage] {
        var members: [(String, JSONValue)] = [
            ("QueueUrl", .string(queueUrl)), ("MaxNumberOfMessages", .number(Double(max))), ("WaitTimeSeconds", .number(Double(waitSeconds))),
            ("AttributeNames", ["All"]), ("MessageSystemAttributeNames", ["All"]), ("MessageAttributeNames", ["All"]),
        ]
        if let visibilityTimeout { members.append(("VisibilityTimeout", .number(Double(visibilityTimeout)))) }
        // A long poll holds the connection open for waitSeconds: the total timeout must outlast it.
        let timeouts = HTTPTimeouts(connect: client.config.timeouts.connect, total: client.config.timeouts.total + Double(waitSeconds))
        let out = try await call("ReceiveMessage", members, timeouts: timeouts)
        return try Self.decodeMessages(out, context("ReceiveMessage"))
    }

    /// ReceiveMessage's `Messages`; each must carry its MessageId, ReceiptHandle and Body.
    static func decodeMessages(_ out: JSONValue, _ context: DecodeContext) throws -> [SQSMessage] {
        try out.optionalArray("Messages", context).enumerated().map { i, m in
            let path = "Messages[\(i)]"
            var attrs: [String: String] = [:]
            for (k, v) in try m.optionalObject("Attributes", context, at: path) { attrs[k] = v.string ?? v.serialized() }
            let messageAttributes: [(name: String, value: MessageAttributeValue)] = try m.optionalObject("MessageAttributes", context, at: path)
                .map { name, value in (name: name, value: try MessageAttributeValue(json: value, context, at: "\(path).MessageAttributes.\(name)")) }
            return SQSMessage(messageId: try m.requiredString("MessageId", context, at: path),
                              receiptHandle: try m.requiredString("ReceiptHandle", context, at: path),
                              body: try m.requiredString("Body", context, at: path), md5OfBody: m["MD5OfBody"]?.string, attributes: attrs,
                              messageAttributes: messageAttributes)
        }
    }

    /// A list of strings that may be absent.
    static func strings(_ out: JSONValue, _ key: String, _ context: DecodeContext) throws -> [String] {
        try out.optionalArray(key, context).enumerated().map { i, v in
            guard let s = v.string else { throw context.invalid("\(key)[\(i)]", "is a \(v.typeName), not a string") }
            return s
        }
    }

    /// Deletes by receipt handle; `entries` pairs a batch entry id with a receipt handle.
    public func deleteMessageBatch(_ queueUrl: String, _ entries: [(id: String, receiptHandle: String)]) async throws -> BatchResult {
        let list: [JSONValue] = entries.map { ["Id": .string($0.id), "ReceiptHandle": .string($0.receiptHandle)] }
        let out = try await call("DeleteMessageBatch", [("QueueUrl", .string(queueUrl)), ("Entries", .array(list))])
        return try BatchResult.decode(out, ids: entries.map(\.id), messageIds: false, context("DeleteMessageBatch"))
    }

    public func changeMessageVisibility(_ queueUrl: String, receiptHandle: String, timeout: Int) async throws {
        _ = try await call("ChangeMessageVisibility", [("QueueUrl", .string(queueUrl)), ("ReceiptHandle", .string(receiptHandle)),
                                                       ("VisibilityTimeout", .number(Double(timeout)))])
    }

    /// Sets the visibility timeout of up to 10 received messages at once; returns the ids that failed.
    public func changeMessageVisibilityBatch(_ queueUrl: String, _ entries: [(id: String, receiptHandle: String)], timeout: Int) async throws -> BatchResult {
        let list: [JSONValue] = entries.map {
            ["Id": .string($0.id), "ReceiptHandle": .string($0.receiptHandle), "VisibilityTimeout": .number(Double(timeout))]
        }
        let out = try await call("ChangeMessageVisibilityBatch", [("QueueUrl", .string(queueUrl)), ("Entries", .array(list))])
        return try BatchResult.decode(out, ids: entries.map(\.id), messageIds: false, context("ChangeMessageVisibilityBatch"))
    }

    /// StartMessageMoveTask; returns the task handle. `retry` replaces the configured policy for this call
    /// (`.singleAttempt` to probe whether the endpoint has move tasks at all).
    public func startMessageMoveTask(sourceArn: String, destinationArn: String?, maxPerSecond: Int?, retry: RetryPolicy? = nil) async throws -> String {
        var members: [(String, JSONValue)] = [("SourceArn", .string(sourceArn))]
        if let destinationArn { members.append(("DestinationArn", .string(destinationArn))) }
        if let maxPerSecond { members.append(("MaxNumberOfMessagesPerSecond", .number(Double(maxPerSecond)))) }
        return try await call("StartMessageMoveTask", members, retry: retry).requiredString("TaskHandle", context("StartMessageMoveTask"))
    }

    /// The most recent move tasks of a source queue. `retry` replaces the configured policy for this call.
    public func listMessageMoveTasks(sourceArn: String, maxResults: Int = 10, retry: RetryPolicy? = nil) async throws -> [MessageMoveTask] {
        let out = try await call("ListMessageMoveTasks", [("SourceArn", .string(sourceArn)), ("MaxResults", .number(Double(maxResults)))],
                                 retry: retry)
        let context = context("ListMessageMoveTasks")
        return try out.optionalArray("Results", context).enumerated().map { try MessageMoveTask($0.element, context, at: "Results[\($0.offset)]") }
    }

    /// CancelMessageMoveTask; returns how many messages had been moved. `retry` replaces the configured policy.
    public func cancelMessageMoveTask(taskHandle: String, retry: RetryPolicy? = nil) async throws -> Int {
        try await call("CancelMessageMoveTask", [("TaskHandle", .string(taskHandle))], retry: retry)
            .requiredInt("ApproximateNumberOfMessagesMoved", context("CancelMessageMoveTask"))
    }
}
