/// A message to publish to SNS, alone or in a batch.
public struct SNSMessage: Sendable {
    public var id: String
    public var message: String
    public var subject: String?
    public var attributes: [(name: String, value: MessageAttributeValue)]
    public var messageGroupId: String?
    public var messageDeduplicationId: String?

    public init(id: String = "0", message: String, subject: String? = nil, attributes: [(name: String, value: MessageAttributeValue)] = [],
                messageGroupId: String? = nil, messageDeduplicationId: String? = nil)
    {
        self.id = id
        self.message = message
        self.subject = subject
        self.attributes = attributes
        self.messageGroupId = messageGroupId
        self.messageDeduplicationId = messageDeduplicationId
    }

    /// Query parameters for this message, each name under `prefix`.
    func parameters(prefix: String) -> [(String, String)] {
        var p = [("\(prefix)Message", message)]
        if let subject { p.append(("\(prefix)Subject", subject)) }
        if let messageGroupId { p.append(("\(prefix)MessageGroupId", messageGroupId)) }
        if let messageDeduplicationId { p.append(("\(prefix)MessageDeduplicationId", messageDeduplicationId)) }
        for (i, attr) in attributes.enumerated() {
            let base = "\(prefix)MessageAttributes.entry.\(i + 1)"
            p.append(("\(base).Name", attr.name))
            p.append(("\(base).Value.DataType", attr.value.dataType))
            if let s = attr.value.stringValue { p.append(("\(base).Value.StringValue", s)) }
            if let b = attr.value.binaryValueBase64 { p.append(("\(base).Value.BinaryValue", b)) }
        }
        return p
    }
}

/// A subscription of a topic.
public struct SNSSubscription: Sendable, Equatable {
    public var subscriptionArn: String
    public var protocolName: String
    public var endpoint: String
    public var topicArn: String
}

/// Amazon SNS over the query protocol.
public struct SNSClient: Sendable {
    public let client: AWSClient
    static let version = "2010-03-31"

    public init(_ client: AWSClient) { self.client = client }

    func call(_ action: String, _ params: [(String, String)]) async throws -> XMLNode {
        try await client.query(action: action, version: Self.version, params)
    }

    func context(_ action: String) -> DecodeContext { DecodeContext(client.service, action) }

    static func attributeParams(_ attributes: [String: String]) -> [(String, String)] {
        attributes.sorted { $0.key < $1.key }.enumerated().flatMap { i, kv in
            [("Attributes.entry.\(i + 1).key", kv.key), ("Attributes.entry.\(i + 1).value", kv.value)]
        }
    }

    /// The `Attributes` map of Get…Attributes: it must be there, and each entry must name its key.
    static func attributes(_ xml: XMLNode, _ context: DecodeContext) throws -> [String: String] {
        var out: [String: String] = [:]
        for (i, entry) in try xml.requiredElement("Attributes", context).children("entry").enumerated() {
            out[try entry.requiredText("key", context, at: "Attributes.entry[\(i)]")] = entry.text("value") ?? ""
        }
        return out
    }

    public func createTopic(_ name: String, attributes: [String: String] = [:]) async throws -> String {
        let xml = try await call("CreateTopic", [("Name", name)] + Self.attributeParams(attributes))
        return try xml.requiredElement("TopicArn", context("CreateTopic")).text
    }

    public func deleteTopic(_ arn: String) async throws {
        _ = try await call("DeleteTopic", [("TopicArn", arn)])
    }

    public func getTopicAttributes(_ arn: String) async throws -> [String: String] {
        try Self.attributes(try await call("GetTopicAttributes", [("TopicArn", arn)]), context("GetTopicAttributes"))
    }

    public func subscribe(topicArn: String, protocolName: String, endpoint: String, attributes: [String: String] = [:]) async throws -> String {
        let xml = try await call("Subscribe", [("TopicArn", topicArn), ("Protocol", protocolName), ("Endpoint", endpoint),
                                               ("ReturnSubscriptionArn", "true")] + Self.attributeParams(attributes))
        return try xml.requiredElement("SubscriptionArn", context("Subscribe")).text
    }

    public func unsubscribe(_ subscriptionArn: String) async throws {
        _ = try await call("Unsubscribe", [("SubscriptionArn", subscriptionArn)])
    }

    public func getSubscriptionAttributes(_ arn: String) async throws -> [String: String] {
        try Self.attributes(try await call("GetSubscriptionAttributes", [("SubscriptionArn", arn)]), context("GetSubscriptionAttributes"))
    }

    public func setSubscriptionAttribute(_ arn: String, name: String, value: String) async throws {
        _ = try await call("SetSubscriptionAttributes", [("SubscriptionArn", arn), ("AttributeName", name), ("AttributeValue", value)])
    }

    /// Every subscription of the topic, following NextToken.
    public func listSubscriptions(topicArn: String) async throws -> [SNSSubscription] {
        var subs: [SNSSubscription] = []
        var token: String?
        repeat {
            var params = [("TopicArn", topicArn)]
            if let token { params.append(("NextToken", token)) }
            let xml = try await call("ListSubscriptionsByTopic", params)
            subs += try Self.decodeSubscriptions(xml, context("ListSubscriptionsByTopic"))
            token = xml.find("NextToken")?.text
            if token?.isEmpty == true { token = nil }
        } while token != nil
        return subs
    }

    /// ListSubscriptionsByTopic's `Subscriptions`: each member must carry its ARN, protocol, endpoint and topic.
    static func decodeSubscriptions(_ xml: XMLNode, _ context: DecodeContext) throws -> [SNSSubscription] {
        try (xml.find("Subscriptions")?.children("member") ?? []).enumerated().map { i, m in
            let path = "Subscriptions.member[\(i)]"
            return SNSSubscription(subscriptionArn: try m.requiredText("SubscriptionArn", context, at: path),
                                   protocolName: try m.requiredText("Protocol", context, at: path),
                                   endpoint: try m.requiredText("Endpoint", context, at: path),
                                   topicArn: try m.requiredText("TopicArn", context, at: path))
        }
    }

    /// Publish; returns the message id.
    public func publish(topicArn: String, _ message: SNSMessage) async throws -> String {
        let xml = try await call("Publish", [("TopicArn", topicArn)] + message.parameters(prefix: ""))
        return try xml.requiredElement("MessageId", context("Publish")).text
    }

    /// PublishBatch of up to 10 messages.
    public func publishBatch(topicArn: String, _ messages: [SNSMessage]) async throws -> BatchResult {
        var params = [("TopicArn", topicArn)]
        for (i, m) in messages.enumerated() {
            let prefix = "PublishBatchRequestEntries.member.\(i + 1)."
            params.append(("\(prefix)Id", m.id))
            params += m.parameters(prefix: prefix)
        }
        return try Self.decodePublishBatch(try await call("PublishBatch", params), ids: messages.map(\.id), context("PublishBatch"))
    }

    /// PublishBatch's `Successful` and `Failed` members, with every requested id accounted for (see
    /// `BatchResult.missingEntryCode`).
    static func decodePublishBatch(_ xml: XMLNode, ids: [String], _ context: DecodeContext) throws -> BatchResult {
        var ok: [String: String] = [:]
        for (i, m) in (xml.find("Successful")?.children("member") ?? []).enumerated() {
            let path = "Successful.member[\(i)]"
            ok[try m.requiredText("Id", context, at: path)] = try m.requiredText("MessageId", context, at: path)
        }
        let failed = try (xml.find("Failed")?.children("member") ?? []).enumerated().map { i, m in
            let path = "Failed.member[\(i)]"
            let fault = try m.requiredText("SenderFault", context, at: path)
            guard fault == "true" || fault == "false" else { throw context.invalid("\(path).SenderFault", "is not true or false ('\(fault)')") }
            return BatchResult.Failure(id: try m.requiredText("Id", context, at: path), code: try m.requiredText("Code", context, at: path),
                                       message: m.text("Message") ?? "", senderFault: fault == "true")
        }
        var result = BatchResult(successful: ok, failed: failed)
        result.accountFor(ids)
        return result
    }
}
