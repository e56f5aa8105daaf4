import Foundation

/// Which queues of a topic a message reaches: by evaluating the subscriptions' filter policies locally, or by a
/// live probe that publishes the message and watches every subscribed queue for it.
public enum Routing {
    /// Whether one subscribed queue is reached, and why.
    public struct Route: Sendable, Equatable {
        public var queue: String
        /// The queue's URL, known after a live probe.
        public var queueURL: String?
        public var reached: Bool
        public var why: String

        public init(queue: String, queueURL: String? = nil, reached: Bool, why: String) {
            self.queue = queue
            self.queueURL = queueURL
            self.reached = reached
            self.why = why
        }
    }

    /// The topic's SQS subscriptions.
    public static func queueSubscriptions(sns: SNSClient, topicArn: String) async throws -> [SNSSubscription] {
        try await sns.listSubscriptions(topicArn: topicArn).filter { $0.protocolName == "sqs" }
    }

    /// Reads every subscription's filter policy and evaluates it against the message with SNS's rules; publishes
    /// nothing. Sorted by queue name.
    public static func evaluate(sns: SNSClient, subscriptions: [SNSSubscription], message: String,
                                attributes: [(name: String, value: MessageAttributeValue)]) async throws -> [Route]
    {
        var routes: [Route] = []
        for subscription in subscriptions {
            let attrs = try await sns.getSubscriptionAttributes(subscription.subscriptionArn)
            let name = QueueURL.nameFromArn(subscription.endpoint)
            guard let text = attrs["FilterPolicy"], !text.isEmpty else {
                routes.append(Route(queue: name, reached: true, why: "no filter policy: every message"))
                continue
            }
            let scope = FilterPolicyScope(rawValue: attrs["FilterPolicyScope"] ?? "MessageAttributes") ?? .messageAttributes
            let verdict = try FilterPolicy.parse(text, scope: scope).evaluate(attributes: attributes, body: message)
            routes.append(Route(queue: name, reached: verdict.matched, why: "\(scope.rawValue) policy: " + verdict.reasons.joined(separator: "; ")))
        }
        return routes.sorted { $0.queue < $1.queue }
    }

    /// What a live probe reports as it runs.
    public enum ProbeEvent: Sendable, Equatable {
        /// The probe was published and these queues (names) are being watched.
        case published(messageId: String, queues: [String])
        /// One queue's verdict: the probe arrived there (and was deleted), or the watch timed out.
        case watched(Route)
    }

    /// A live probe: the message goes out tagged with the attribute `fanout_probe=<id>` (and, on a FIFO topic,
    /// that id as its deduplication id); every subscribed queue is watched for up to `timeout` seconds. Where the
    /// probe arrives it is deleted; other messages received meanwhile are released at once. A consumer faster than
    /// the watch takes the probe first, and its queue reads "not seen".
    public static func probe(session: AWSSession, topicArn: String, subscriptions: [SNSSubscription], message: String,
                             attributes: [(name: String, value: MessageAttributeValue)], groupId: String?,
                             timeout: Double) -> EventStream<ProbeEvent>
    {
        EventStream { report in
            try await probe(session: session, topicArn: topicArn, subscriptions: subscriptions, message: message,
                            attributes: attributes, groupId: groupId, timeout: timeout, event: report)
        }
    }

    static func probe(session: AWSSession, topicArn: String, subscriptions: [SNSSubscription], message: String,
                      attributes: [(name: String, value: MessageAttributeValue)], groupId: String?, timeout: Double,
                      event: @Sendable (ProbeEvent) -> Void) async throws
    {
        let tag = UUID().uuidString.lowercased()
        var queues: [(name: String, url: String)] = []
        for subscription in subscriptions {
            let name = QueueURL.nameFromArn(subscription.endpoint)
            queues.append((name, try await session.sqs.getQueueUrl(name)))
        }
        let tagged = attributes + [(name: "fanout_probe", value: MessageAttributeValue(dataType: "String", stringValue: tag))]
        let messageId = try await session.sns.publish(topicArn: topicArn, SNSMessage(message: message, attributes: tagged, messageGroupId: groupId,
                                                                                     messageDeduplicationId: topicArn.hasSuffix(".fifo") ? tag : nil))
        event(.published(messageId: messageId, queues: queues.map(\.name)))
        let sqs = session.sqs
        let seconds = JSONValue.format(timeout)
        try await withThrowingTaskGroup(of: Route.self) { group in
            for (name, url) in queues {
                group.addTask {
                    let hit = try await watch(sqs, url, messageId: messageId, tag: tag, timeout: timeout)
                    return Route(queue: name, queueURL: url, reached: hit,
                                 why: hit ? "probe arrived (deleted)" : "not seen in \(seconds) s (filtered out, delayed, or taken by a consumer first)")
                }
            }
            for try await route in group { event(.watched(route)) }
        }
    }

    /// Receives from one queue until the probe arrives (then deletes it) or `timeout` passes.
    static func watch(_ sqs: SQSClient, _ url: String, messageId: String, tag: String, timeout: Double) async throws -> Bool {
        let deadline = DispatchTime.now().uptimeNanoseconds + UInt64(timeout * 1e9)
        while DispatchTime.now().uptimeNanoseconds < deadline {
            let batch = try await sqs.receiveMessages(url, max: 10, waitSeconds: 1, visibilityTimeout: 30)
            let probe = batch.first { m in
                ConsumedMessage(m).messageId == messageId || m.messageAttributes.contains { $0.name == "fanout_probe" && $0.value.stringValue == tag }
            }
            let others = batch.filter { $0.receiptHandle != probe?.receiptHandle }.map(\.receiptHandle)
            if !others.isEmpty { try await DeadLetters.release(sqs: sqs, queueURL: url, handles: others) }
            if let probe {
                _ = try await sqs.deleteMessageBatch(url, [(id: "0", receiptHandle: probe.receiptHandle)])
                return true
            }
        }
        return false
    }
}
