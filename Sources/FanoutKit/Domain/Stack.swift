import Foundation

/// What `stack up` or `stack down` did to one resource.
public struct StackChange: Sendable, Equatable {
    public enum Action: String, Sendable { case created, found, updated, deleted, missing }
    public var kind: String
    public var name: String
    public var action: Action

    public var json: JSONValue { ["kind": .string(kind), "name": .string(name), "action": .string(action.rawValue)] }
}

/// Provisions, inspects and removes the fan-out topology: the Terraform apply/destroy of seed 000, for emulators
/// and sandbox accounts. `up` converges: running it twice creates nothing the second time.
public struct Stack: Sendable {
    public let session: AWSSession

    public init(session: AWSSession) { self.session = session }

    /// The queue policy that lets only this topic send to the queue.
    static func queuePolicy(queueArn: String, topicArn: String) -> JSONValue {
        ["Version": "2012-10-17",
         "Statement": [[
             "Sid": "AllowTopic", "Effect": "Allow", "Principal": ["Service": "sns.amazonaws.com"], "Action": "sqs:SendMessage",
             "Resource": .string(queueArn), "Condition": ["ArnEquals": ["aws:SourceArn": .string(topicArn)]],
         ]]]
    }

    /// Creates what is missing and converges what differs; returns the changes and the outputs.json document.
    public func up(_ spec: StackSpec, progress: @Sendable (StackChange) -> Void) async throws -> (changes: [StackChange], outputs: JSONValue) {
        let sqs = session.sqs, sns = session.sns
        var changes: [StackChange] = []
        func note(_ c: StackChange) { changes.append(c); progress(c) }

        // 1. DLQs.
        var dlqs: [(url: String, arn: String)] = []
        for queue in spec.queues {
            var attributes = ["MessageRetentionPeriod": String(spec.dlqRetentionSeconds), "SqsManagedSseEnabled": "true"]
            if spec.fifo { attributes.merge(Self.fifoQueueAttributes(spec)) { $1 } }
            let (url, action) = try await ensureQueue(queue.dlqName, attributes: attributes)
            note(StackChange(kind: "dlq", name: queue.dlqName, action: action))
            let arn = try await sqs.getQueueAttributes(url, names: ["QueueArn"])["QueueArn"] ?? ""
            dlqs.append((url, arn))
        }
        let account = QueueURL.arnParts(dlqs.first?.arn ?? "")?.account ?? ""

        // 2. The topic.
        var topicAttributes: [String: String] = [:]
        if spec.fifo { topicAttributes = ["FifoTopic": "true", "ContentBasedDeduplication": spec.contentBasedDeduplication ? "true" : "false"] }
        let expectedArn = "arn:\(Self.partition(session.region.name)):sns:\(session.region.name):\(account):\(spec.topicName)"
        let topicExisted = (try? await sns.getTopicAttributes(expectedArn)) != nil
        let topicArn = try await sns.createTopic(spec.topicName, attributes: topicAttributes)
        note(StackChange(kind: "topic", name: spec.topicName, action: topicExisted ? .found : .created))

        // 3. Main queues with their redrive policy and a policy that admits only the topic.
        var queues: [(url: String, arn: String)] = []
        for (i, queue) in spec.queues.enumerated() {
            let region = session.region.name
            let queueArn = "arn:\(Self.partition(region)):sqs:\(region):\(account):\(queue.name)"
            var attributes = [
                "DelaySeconds": String(queue.delaySeconds), "VisibilityTimeout": String(queue.visibilityTimeout),
                "ReceiveMessageWaitTimeSeconds": String(queue.receiveWaitTimeSeconds), "SqsManagedSseEnabled": "true",
                "RedrivePolicy": JSONValue.object([("deadLetterTargetArn", .string(dlqs[i].arn)), ("maxReceiveCount", .number(Double(queue.maxReceiveCount)))]).serialized(),
                "Policy": Self.queuePolicy(queueArn: queueArn, topicArn: topicArn).serialized(),
            ]
            if spec.fifo { attributes.merge(Self.fifoQueueAttributes(spec)) { $1 } }
            let (url, action) = try await ensureQueue(queue.name, attributes: attributes)
            note(StackChange(kind: "queue", name: queue.name, action: action))
            let arn = try await sqs.getQueueAttributes(url, names: ["QueueArn"])["QueueArn"] ?? queueArn
            queues.append((url, arn))
        }

        // 4. One subscription per queue, with its own delivery DLQ when asked (seed 002 §1).
        var subscriptionDLQs: [(url: String, arn: String)?] = []
        for queue in spec.queues {
            guard queue.subscriptionDLQ else { subscriptionDLQs.append(nil); continue }
            let region = session.region.name
            let arn = "arn:\(Self.partition(region)):sqs:\(region):\(account):\(queue.subscriptionDLQName)"
            var attributes = ["MessageRetentionPeriod": String(spec.dlqRetentionSeconds), "SqsManagedSseEnabled": "true",
                              "Policy": Self.queuePolicy(queueArn: arn, topicArn: topicArn).serialized()]
            if spec.fifo { attributes.merge(Self.fifoQueueAttributes(spec)) { $1 } }
            let (url, action) = try await ensureQueue(queue.subscriptionDLQName, attributes: attributes)
            note(StackChange(kind: "subscription dlq", name: queue.subscriptionDLQName, action: action))
            subscriptionDLQs.append((url, try await sqs.getQueueAttributes(url, names: ["QueueArn"])["QueueArn"] ?? arn))
        }
        let existing = try await sns.listSubscriptions(topicArn: topicArn)
        var subscriptionArns: [String] = []
        for (i, queue) in spec.queues.enumerated() {
            var attributes: [String: String] = [:]
            if queue.rawMessageDelivery { attributes["RawMessageDelivery"] = "true" }
            if let dlq = subscriptionDLQs[i] { attributes["RedrivePolicy"] = JSONValue.object([("deadLetterTargetArn", .string(dlq.arn))]).serialized() }
            if let policy = queue.filterPolicy { attributes["FilterPolicy"] = policy.serialized() }
            if let scope = queue.filterPolicyScope { attributes["FilterPolicyScope"] = scope }
            if let sub = existing.first(where: { $0.protocolName == "sqs" && $0.endpoint == queues[i].arn }) {
                let current = try await sns.getSubscriptionAttributes(sub.subscriptionArn)
                var changed = false
                let wantRaw = queue.rawMessageDelivery ? "true" : "false"
                if (current["RawMessageDelivery"] ?? "false") != wantRaw {
                    try await sns.setSubscriptionAttribute(sub.subscriptionArn, name: "RawMessageDelivery", value: wantRaw)
                    changed = true
                }
                if let policy = queue.filterPolicy, (try? JSONValue.parse(current["FilterPolicy"] ?? "")) != policy {
                    try await sns.setSubscriptionAttribute(sub.subscriptionArn, name: "FilterPolicy", value: policy.serialized())
                    changed = true
                }
                if let redrive = attributes["RedrivePolicy"], (try? JSONValue.parse(current["RedrivePolicy"] ?? "")) != (try? JSONValue.parse(redrive)) {
                    try await sns.setSubscriptionAttribute(sub.subscriptionArn, name: "RedrivePolicy", value: redrive)
                    changed = true
                }
                subscriptionArns.append(sub.subscriptionArn)
                note(StackChange(kind: "subscription", name: queue.name, action: changed ? .updated : .found))
            } else {
                let arn = try await sns.subscribe(topicArn: topicArn, protocolName: "sqs", endpoint: queues[i].arn, attributes: attributes)
                subscriptionArns.append(arn)
                note(StackChange(kind: "subscription", name: queue.name, action: .created))
            }
        }

        // 5. The consumers' table: one item per (consumer, message).
        let ddb = session.dynamodb
        do {
            _ = try await ddb.describeTable(spec.tableName)
            note(StackChange(kind: "table", name: spec.tableName, action: .found))
        } catch let e as AWSServiceError where e.code == "ResourceNotFoundException" {
            try await ddb.createTable(spec.tableName, hashKey: ProcessedRecord.hashKey, rangeKey: ProcessedRecord.rangeKey)
            for _ in 0..<120 {
                if try await ddb.describeTable(spec.tableName)["TableStatus"]?.string == "ACTIVE" { break }
                try await Task.sleep(nanoseconds: 500_000_000)
            }
            note(StackChange(kind: "table", name: spec.tableName, action: .created))
        }

        // 6. One alarm per DLQ.
        var alarmNames: [String] = []
        if spec.alarms {
            let cloudwatch = session.cloudwatch
            let names = spec.queues.map(spec.alarmName)
            let present = Set(try await cloudwatch.describeAlarms(names: names).map(\.name))
            for (i, queue) in spec.queues.enumerated() {
                let name = names[i]
                alarmNames.append(name)
                if present.contains(name) {
                    note(StackChange(kind: "alarm", name: name, action: .found))
                    continue
                }
                try await cloudwatch.putMetricAlarm(MetricAlarmDefinition(
                    name: name, description: "Messages are waiting in \(queue.dlqName), the DLQ of \(queue.name)",
                    namespace: "AWS/SQS", metricName: "ApproximateNumberOfMessagesVisible", statistic: "Maximum",
                    dimensions: [("QueueName", queue.dlqName)], period: 60, evaluationPeriods: 1, threshold: 0,
                    comparisonOperator: "GreaterThanThreshold"))
                note(StackChange(kind: "alarm", name: name, action: .created))
            }
        }

        let outputs: JSONValue = .object([
            ("stack_name", .string(spec.name)),
            ("region", .string(session.region.name)),
            ("sns_topic_arn", .string(topicArn)),
            ("dynamodb_table_name", .string(spec.tableName)),
            ("queues", .array(spec.queues.enumerated().map { i, q in
                .object([("name", .string(q.name)), ("url", .string(queues[i].url)), ("arn", .string(queues[i].arn)),
                         ("consumer_id", .string("consumer_\(i + 1)")), ("dlq_url", .string(dlqs[i].url)), ("dlq_arn", .string(dlqs[i].arn)),
                         ("subscription_arn", .string(subscriptionArns[i])), ("max_receive_count", .number(Double(q.maxReceiveCount))),
                         ("delay_seconds", .number(Double(q.delaySeconds))),
                         ("subscription_dlq_url", subscriptionDLQs[i].map { .string($0.url) } ?? .null),
                         ("filter_policy", q.filterPolicy ?? .null), ("raw_message_delivery", .bool(q.rawMessageDelivery))])
            })),
            ("dlqs", .array(spec.queues.enumerated().map { i, q in
                .object([("name", .string(q.dlqName)), ("url", .string(dlqs[i].url)), ("arn", .string(dlqs[i].arn)), ("kind", "queue")])
            } + spec.queues.enumerated().compactMap { i, q in
                subscriptionDLQs[i].map { .object([("name", .string(q.subscriptionDLQName)), ("url", .string($0.url)), ("arn", .string($0.arn)),
                                                   ("kind", "subscription"), ("subscription_of", .string(q.name))]) }
            })),
            ("fifo", .bool(spec.fifo)),
            ("alarms", .array(alarmNames.map(JSONValue.string))),
        ])
        return (changes, outputs)
    }

    /// FIFO queue attributes from the spec: content-based deduplication and high-throughput mode.
    static func fifoQueueAttributes(_ spec: StackSpec) -> [String: String] {
        var a = ["FifoQueue": "true", "ContentBasedDeduplication": spec.contentBasedDeduplication ? "true" : "false"]
        if spec.highThroughput { a["DeduplicationScope"] = "messageGroup"; a["FifoThroughputLimit"] = "perMessageGroupId" }
        return a
    }

    /// GetQueueUrl, then create or converge the attributes. Returns the URL and what happened.
    func ensureQueue(_ name: String, attributes: [String: String]) async throws -> (String, StackChange.Action) {
        let sqs = session.sqs
        let url: String
        do {
            url = try await sqs.getQueueUrl(name)
        } catch let e as AWSServiceError where e.code == "QueueDoesNotExist" || e.code.hasSuffix("NonExistentQueue") {
            return (try await sqs.createQueue(name, attributes: attributes), .created)
        }
        let current = try await sqs.getQueueAttributes(url)
        var differing: [String: String] = [:]
        for (key, want) in attributes where key != "FifoQueue" {
            let have = current[key] ?? ""
            let same: Bool
            if key == "RedrivePolicy" || key == "Policy" {
                same = (try? JSONValue.parse(have)).map { Self.normalizedPolicy($0) } == (try? JSONValue.parse(want)).map { Self.normalizedPolicy($0) }
            } else {
                same = have == want
            }
            if !same { differing[key] = want }
        }
        if differing.isEmpty { return (url, .found) }
        try await sqs.setQueueAttributes(url, differing)
        return (url, .updated)
    }

    /// Compares policies by meaning: numbers given as strings ("3") equal numbers (3).
    static func normalizedPolicy(_ value: JSONValue) -> JSONValue {
        switch value {
        case .string(let s): if let n = Double(s) { return .number(n) } else { return value }
        case .array(let items): return .array(items.map(normalizedPolicy))
        case .object(let members): return .object(members.map { ($0.0, normalizedPolicy($0.1)) })
        default: return value
        }
    }

    static func partition(_ region: String) -> String {
        if region.hasPrefix("cn-") { return "aws-cn" }
        if region.hasPrefix("us-gov-") { return "aws-us-gov" }
        return "aws"
    }

    /// Deletes everything outputs.json names; resources already gone are reported as missing.
    public func down(_ outputs: TerraformOutputs, progress: @Sendable (StackChange) -> Void) async throws -> [StackChange] {
        var changes: [StackChange] = []
        func note(_ c: StackChange) { changes.append(c); progress(c) }
        let doc = outputs.document
        func gone(_ error: any Error) -> Bool {
            guard let e = error as? AWSServiceError else { return false }
            return e.httpStatus == 404 || ["QueueDoesNotExist", "NotFound", "ResourceNotFoundException", "ResourceNotFound"].contains(e.code)
                || e.code.hasSuffix("NonExistentQueue")
        }
        func attempt(_ kind: String, _ name: String, _ body: () async throws -> Void) async throws {
            do {
                try await body()
                note(StackChange(kind: kind, name: name, action: .deleted))
            } catch where gone(error) {
                note(StackChange(kind: kind, name: name, action: .missing))
            }
        }
        let alarms = (doc["alarms"]?.array ?? []).compactMap(\.string)
        if !alarms.isEmpty {
            let present = Set(try await session.cloudwatch.describeAlarms(names: alarms).map(\.name))
            try await session.cloudwatch.deleteAlarms(alarms.filter(present.contains))
            for name in alarms { note(StackChange(kind: "alarm", name: name, action: present.contains(name) ? .deleted : .missing)) }
        }
        for q in doc["queues"]?.array ?? [] {
            if let sub = q["subscription_arn"]?.string, !sub.isEmpty {
                try await attempt("subscription", q["name"]?.string ?? sub) { try await session.sns.unsubscribe(sub) }
            }
        }
        if let topic = doc["sns_topic_arn"]?.string {
            try await attempt("topic", QueueURL.nameFromArn(topic)) { try await session.sns.deleteTopic(topic) }
        }
        for key in ["queues", "dlqs"] {
            for q in doc[key]?.array ?? [] {
                guard let url = q["url"]?.string ?? q.string else { continue }
                try await attempt(key == "queues" ? "queue" : "dlq", QueueURL.name(url)) {
                    _ = try await session.sqs.getQueueAttributes(url, names: ["QueueArn"])
                    try await session.sqs.deleteQueue(url)
                }
            }
        }
        if let table = doc["dynamodb_table_name"]?.string {
            try await attempt("table", table) { try await session.dynamodb.deleteTable(table) }
        }
        return changes
    }
}

/// Whether one resource that outputs.json names exists, from `Stack.status`.
public struct StackResourceStatus: Sendable, Equatable {
    /// "topic", "queue", "dlq", "table" or "alarm".
    public var kind: String
    public var name: String
    public var exists: Bool
    /// What was found: a queue's depths, an alarm's state; nil for the topic and the table.
    public var detail: String?

    public init(kind: String, name: String, exists: Bool, detail: String? = nil) {
        self.kind = kind
        self.name = name
        self.exists = exists
        self.detail = detail
    }
}

extension Stack {
    /// Checks every resource outputs.json names (topic, queues, DLQs, table, alarms), with queue depths and
    /// alarm states, in that order. A resource outputs.json does not name is left out; one that does not answer
    /// is reported missing.
    public func status(_ outputs: TerraformOutputs) async throws -> [StackResourceStatus] {
        let queues = (try? outputs.strings(.queues)) ?? []
        let dlqs = (try? outputs.strings(.dlqs)) ?? []
        var resources: [StackResourceStatus] = []
        if let topic = try? outputs.string(.topic) {
            let exists = (try? await session.sns.getTopicAttributes(topic)) != nil
            resources.append(StackResourceStatus(kind: "topic", name: QueueURL.nameFromArn(topic), exists: exists))
        }
        for (url, isDLQ) in queues.map({ ($0, false) }) + dlqs.map({ ($0, true) }) {
            let kind = isDLQ ? "dlq" : "queue"
            do {
                let s = QueueSnapshot(url: url, isDLQ: isDLQ, attributes: try await session.sqs.getQueueAttributes(url, names: QueueSnapshot.attributeNames))
                resources.append(StackResourceStatus(kind: kind, name: s.name, exists: true,
                                                     detail: "\(s.delayed) delayed, \(s.inFlight) in flight, \(s.visible) visible"))
            } catch {
                resources.append(StackResourceStatus(kind: kind, name: QueueURL.name(url), exists: false))
            }
        }
        if let table = try? outputs.string(.table) {
            let exists = (try? await session.dynamodb.describeTable(table)) != nil
            resources.append(StackResourceStatus(kind: "table", name: table, exists: exists))
        }
        let alarms = (outputs.document["alarms"]?.array ?? []).compactMap(\.string)
        if !alarms.isEmpty {
            let present = Dictionary(try await session.cloudwatch.describeAlarms(names: alarms).map { ($0.name, $0.state) }) { first, _ in first }
            for name in alarms {
                resources.append(StackResourceStatus(kind: "alarm", name: name, exists: present[name] != nil, detail: present[name]))
            }
        }
        return resources
    }
}
