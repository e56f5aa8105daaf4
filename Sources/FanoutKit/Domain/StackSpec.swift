/// The topology `fanout stack up` provisions: seed 000's Terraform, as data. Read from a JSON spec file; every
/// field has the seed's default.
public struct StackSpec: Sendable, Equatable {
    /// One main queue with its DLQ and subscription.
    public struct Queue: Sendable, Equatable {
        public var name: String
        public var delaySeconds: Int
        public var visibilityTimeout: Int
        public var receiveWaitTimeSeconds: Int
        public var maxReceiveCount: Int
        public var rawMessageDelivery: Bool
        /// A subscription filter policy (JSON object), or nil.
        public var filterPolicy: JSONValue?
        public var filterPolicyScope: String?
        /// A subscription-level redrive policy: messages SNS cannot deliver to the queue go to their own DLQ.
        public var subscriptionDLQ: Bool = false
        public var dlqName: String { Self.suffixed(name, "-dlq") }
        public var subscriptionDLQName: String { Self.suffixed(name, "-sns-dlq") }

        /// `orders.fifo` + `-dlq` → `orders-dlq.fifo`.
        static func suffixed(_ name: String, _ suffix: String) -> String {
            name.hasSuffix(".fifo") ? String(name.dropLast(5)) + suffix + ".fifo" : name + suffix
        }
    }

    public var name: String
    public var topicName: String
    public var fifo: Bool
    public var tableName: String
    public var queues: [Queue]
    public var dlqRetentionSeconds: Int
    public var alarms: Bool
    /// FIFO: deduplicate by a SHA-256 of the body when no MessageDeduplicationId is given (topic and queues).
    public var contentBasedDeduplication: Bool = true
    /// FIFO: high-throughput mode (queues deduplicate and are limited per message group).
    public var highThroughput: Bool = false

    /// Seed 000: one topic, three queues with a 60 s delay, 30 s visibility, 20 s long polling, DLQs after three
    /// receives kept 14 days, the consumers' table and one alarm per DLQ.
    public static func seed(name: String = "fanout", queueCount: Int = 3, delaySeconds: Int = 60) -> StackSpec {
        StackSpec(name: name, topicName: "\(name)-topic", fifo: false, tableName: "\(name)-messages",
                  queues: (1...max(1, queueCount)).map {
                      Queue(name: "\(name)-queue-\($0)", delaySeconds: delaySeconds, visibilityTimeout: 30, receiveWaitTimeSeconds: 20,
                            maxReceiveCount: 3, rawMessageDelivery: false, filterPolicy: nil, filterPolicyScope: nil)
                  },
                  dlqRetentionSeconds: 14 * 24 * 3600, alarms: true)
    }

    /// Reads a spec: `{"name", "topic", "fifo", "table", "queueCount" | "queues": [{"name", "delaySeconds", …}],
    /// "delaySeconds", "visibilityTimeout", "maxReceiveCount", "dlqRetentionSeconds", "alarms"}`.
    public static func parse(_ json: JSONValue, source: String) throws -> StackSpec {
        func fail(_ message: String) -> FanoutError { .configuration("stack spec \(source): \(message)") }
        guard case .object(let members) = json else { throw fail("expected a JSON object") }
        let known: Set<String> = ["name", "topic", "fifo", "table", "queueCount", "queues", "delaySeconds", "visibilityTimeout",
                                  "receiveWaitTimeSeconds", "maxReceiveCount", "dlqRetentionSeconds", "alarms", "contentBasedDeduplication",
                                  "highThroughput", "comment", "//"]
        if let unknown = members.first(where: { !known.contains($0.0) }) { throw fail("unknown field '\(unknown.0)'") }
        func int(_ key: String, in value: JSONValue, default d: Int, range: ClosedRange<Int>) throws -> Int {
            guard let v = value[key] else { return d }
            guard let n = v.int, range.contains(n) else { throw fail("'\(key)' must be a whole number in \(range.lowerBound)...\(range.upperBound)") }
            return n
        }
        let name = json["name"]?.string ?? "fanout"
        guard name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }), !name.isEmpty, name.count <= 60 else {
            throw fail("'name' may hold letters, digits, '-' and '_' only (at most 60)")
        }
        let fifo = json["fifo"]?.bool ?? false
        var spec = seed(name: name, queueCount: try int("queueCount", in: json, default: 3, range: 1...50),
                        delaySeconds: try int("delaySeconds", in: json, default: 60, range: 0...900))
        spec.fifo = fifo
        spec.topicName = json["topic"]?.string ?? spec.topicName
        spec.tableName = json["table"]?.string ?? spec.tableName
        spec.dlqRetentionSeconds = try int("dlqRetentionSeconds", in: json, default: spec.dlqRetentionSeconds, range: 60...1_209_600)
        spec.alarms = json["alarms"]?.bool ?? true
        spec.contentBasedDeduplication = json["contentBasedDeduplication"]?.bool ?? true
        spec.highThroughput = json["highThroughput"]?.bool ?? false
        if !fifo && (json["contentBasedDeduplication"] != nil || spec.highThroughput) {
            throw fail("'contentBasedDeduplication' and 'highThroughput' apply to FIFO stacks (\"fifo\": true)")
        }
        let defaultVisibility = try int("visibilityTimeout", in: json, default: 30, range: 0...43200)
        let defaultWait = try int("receiveWaitTimeSeconds", in: json, default: 20, range: 0...20)
        let defaultMax = try int("maxReceiveCount", in: json, default: 3, range: 1...1000)
        let defaultDelay = try int("delaySeconds", in: json, default: 60, range: 0...900)
        if let list = json["queues"] {
            guard let items = list.array, !items.isEmpty else { throw fail("'queues' must be a non-empty array") }
            let queueFields: Set<String> = ["name", "delaySeconds", "visibilityTimeout", "receiveWaitTimeSeconds", "maxReceiveCount",
                                             "rawMessageDelivery", "filterPolicy", "filterPolicyScope", "subscriptionDLQ", "comment"]
            spec.queues = try items.enumerated().map { i, item in
                if let unknown = item.object?.first(where: { !queueFields.contains($0.0) }) { throw fail("queue \(i + 1): unknown field '\(unknown.0)'") }
                let qname = item.string ?? item["name"]?.string ?? "\(name)-queue-\(i + 1)"
                var queue = Queue(name: qname, delaySeconds: try int("delaySeconds", in: item, default: defaultDelay, range: 0...900),
                             visibilityTimeout: try int("visibilityTimeout", in: item, default: defaultVisibility, range: 0...43200),
                             receiveWaitTimeSeconds: try int("receiveWaitTimeSeconds", in: item, default: defaultWait, range: 0...20),
                             maxReceiveCount: try int("maxReceiveCount", in: item, default: defaultMax, range: 1...1000),
                             rawMessageDelivery: item["rawMessageDelivery"]?.bool ?? false,
                             filterPolicy: item["filterPolicy"], filterPolicyScope: item["filterPolicyScope"]?.string)
                queue.subscriptionDLQ = item["subscriptionDLQ"]?.bool ?? false
                return queue
            }
        } else {
            for i in spec.queues.indices {
                spec.queues[i].visibilityTimeout = defaultVisibility
                spec.queues[i].receiveWaitTimeSeconds = defaultWait
                spec.queues[i].maxReceiveCount = defaultMax
            }
        }
        if fifo {
            if !spec.topicName.hasSuffix(".fifo") { spec.topicName += ".fifo" }
            for i in spec.queues.indices where !spec.queues[i].name.hasSuffix(".fifo") { spec.queues[i].name += ".fifo" }
        } else if spec.topicName.hasSuffix(".fifo") || spec.queues.contains(where: { $0.name.hasSuffix(".fifo") }) {
            throw fail("a .fifo topic or queue needs \"fifo\": true (SNS delivers to FIFO queues only from FIFO topics)")
        }
        var seen = Set<String>()
        for q in spec.queues {
            let base = q.name.hasSuffix(".fifo") ? String(q.name.dropLast(5)) : q.name
            guard !base.isEmpty, base.count <= 70, base.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }) else {
                throw fail("queue name '\(q.name)' is not a valid SQS queue name (letters, digits, '-', '_'; at most 75 characters with -dlq)")
            }
            guard seen.insert(q.name).inserted else { throw fail("queue '\(q.name)' appears twice") }
            if let scope = q.filterPolicyScope, scope != "MessageAttributes" && scope != "MessageBody" {
                throw fail("filterPolicyScope of '\(q.name)' must be MessageAttributes or MessageBody")
            }
            if let policy = q.filterPolicy {
                do {
                    _ = try FilterPolicy(policy, scope: FilterPolicyScope(rawValue: q.filterPolicyScope ?? "MessageAttributes") ?? .messageAttributes)
                } catch let e as FanoutError {
                    throw fail("filterPolicy of '\(q.name)': \(e.message)")
                }
            }
        }
        return spec
    }

    public static func load(path: String) throws -> StackSpec {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw FanoutError.configuration("stack spec \(path) does not exist or cannot be read")
        }
        do {
            return try parse(try JSONValue.parse(Array(data)), source: path)
        } catch let e as JSONParseError {
            throw FanoutError.configuration("stack spec \(path) is not valid JSON: \(e)")
        }
    }

    public func alarmName(_ queue: Queue) -> String { "dlq-messages-visible-\(queue.name.replacingOccurrences(of: ".fifo", with: ""))" }
}

import Foundation
