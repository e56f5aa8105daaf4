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

    static func attributeParams(_ attributes: [String: String]) -> [(String, String)] {
        attributes.sorted { $0.key < $1.key }.enumerated().flatMap { i, kv in
            [("Attributes.entry.\(i + 1).key", kv.key), ("Attributes.entry.\(i + 1).value", kv.value)]
        }
    }

    static func attributes(_ xml: XMLNode) -> [String: String] {
        var out: [String: String] = [:]
        for entry in xml.find("Attributes")?.children("entry") ?? [] {
            if let k = entry.text("key") { out[k] = entry.text("value") ?? "" }
        }
        return out
    }

    public func createTopic(_ name: String, attributes: [String: String] = [:]) async throws -> String {
        let xml = try await call("CreateTopic", [("Name", name)] + Self.attributeParams(attributes))
        return xml.find("TopicArn")?.text ?? ""
    }

    public func deleteTopic(_ arn: String) async throws {
        _ = try await call("DeleteTopic", [("TopicArn", arn)])
    }

    public func getTopicAttributes(_ arn: String) async throws -> [String: String] {
        Self.attributes(try await call("GetTopicAttributes", [("TopicArn", arn)]))
    }

    public func subscribe(topicArn: String, protocolName: String, endpoint: String, attributes: [String: String] = [:]) async throws -> String {
        let xml = try await call("Subscribe", [("TopicArn", topicArn), ("Protocol", protocolName), ("Endpoint", endpoint),
                                               ("ReturnSubscriptionArn", "true")] + Self.attributeParams(attributes))
        return xml.find("SubscriptionArn")?.text ?? ""
    }

    public func unsubscribe(_ subscriptionArn: String) async throws {
        _ = try await call("Unsubscribe", [("SubscriptionArn", subscriptionArn)])
    }

    public func getSubscriptionAttributes(_ arn: String) async throws -> [String: String] {
        Self.attributes(try await call("GetSubscriptionAttributes", [("SubscriptionArn", arn)]))
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
            for m in xml.find("Subscriptions")?.children("member") ?? [] {
                subs.append(SNSSubscription(subscriptionArn: m.text("SubscriptionArn") ?? "", protocolName: m.text("Protocol") ?? "",
                                            endpoint: m.text("Endpoint") ?? "", topicArn: m.text("TopicArn") ?? topicArn))
            }
            token = xml.find("NextToken")?.text
            if token?.isEmpty == true { token = nil }
        } while token != nil
        return subs
    }

    /// Publish; returns the message id.
    public func publish(topicArn: String, _ message: SNSMessage) async throws -> String {
        let xml = try await call("Publish", [("TopicArn", topicArn)] + message.parameters(prefix: ""))
        return xml.find("MessageId")?.text ?? ""
    }

    /// PublishBatch of up to 10 messages.
    public func publishBatch(topicArn: String, _ messages: [SNSMessage]) async throws -> BatchResult {
        var params = [("TopicArn", topicArn)]
        for (i, m) in messages.enumerated() {
            let prefix = "PublishBatchRequestEntries.member.\(i + 1)."
            params.append(("\(prefix)Id", m.id))
            params += m.parameters(prefix: prefix)
        }
        let xml = try await call("PublishBatch", params)
        var ok: [String: String] = [:]
        for m in xml.find("Successful")?.children("member") ?? [] { if let id = m.text("Id") { ok[id] = m.text("MessageId") ?? "" } }
        let failed = (xml.find("Failed")?.children("member") ?? []).map {
            BatchResult.Failure(id: $0.text("Id") ?? "", code: $0.text("Code") ?? "", message: $0.text("Message") ?? "",
                                senderFault: $0.text("SenderFault") == "true")
        }
        return BatchResult(successful: ok, failed: failed)
    }
}

extension BatchResult {
    public init(successful: [String: String], failed: [Failure]) {
        self.successful = successful
        self.failed = failed
    }
}
