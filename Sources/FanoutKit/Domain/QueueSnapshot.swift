/// The depth of one queue at one moment, as `queues` and `poll` show it.
public struct QueueSnapshot: Sendable, Equatable {
    public var url: String
    public var name: String
    public var arn: String?
    public var isDLQ: Bool
    /// ApproximateNumberOfMessages.
    public var visible: Int
    /// ApproximateNumberOfMessagesNotVisible.
    public var inFlight: Int
    /// ApproximateNumberOfMessagesDelayed.
    public var delayed: Int
    /// For a main queue with a RedrivePolicy: its DLQ's name and ARN and the maxReceiveCount.
    public var dlqName: String?
    public var dlqArn: String?
    public var maxReceiveCount: Int?
    public var isFIFO: Bool { name.hasSuffix(".fifo") }
    public var total: Int { visible + inFlight + delayed }

    public init(url: String, name: String, arn: String?, isDLQ: Bool, visible: Int, inFlight: Int, delayed: Int,
                dlqName: String? = nil, dlqArn: String? = nil, maxReceiveCount: Int? = nil)
    {
        self.url = url
        self.name = name
        self.arn = arn
        self.isDLQ = isDLQ
        self.visible = visible
        self.inFlight = inFlight
        self.delayed = delayed
        self.dlqName = dlqName
        self.dlqArn = dlqArn
        self.maxReceiveCount = maxReceiveCount
    }

    /// The attribute names a snapshot needs; one GetQueueAttributes call per queue.
    public static let attributeNames = ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible",
                                        "ApproximateNumberOfMessagesDelayed", "QueueArn", "RedrivePolicy"]

    public init(url: String, isDLQ: Bool, attributes: [String: String]) {
        self.init(url: url, name: QueueURL.name(url), arn: attributes["QueueArn"], isDLQ: isDLQ,
                  visible: Int(attributes["ApproximateNumberOfMessages"] ?? "") ?? 0,
                  inFlight: Int(attributes["ApproximateNumberOfMessagesNotVisible"] ?? "") ?? 0,
                  delayed: Int(attributes["ApproximateNumberOfMessagesDelayed"] ?? "") ?? 0)
        if let policy = attributes["RedrivePolicy"].flatMap({ try? JSONValue.parse($0) }) {
            dlqArn = policy["deadLetterTargetArn"]?.string
            dlqName = dlqArn.map(QueueURL.nameFromArn)
            maxReceiveCount = policy["maxReceiveCount"]?.int
        }
    }

    /// Snapshots of every queue and DLQ, fetched concurrently; results keep the order given (queues, then DLQs).
    public static func fetch(sqs: SQSClient, queues: [String], dlqs: [String]) async throws -> [QueueSnapshot] {
        let all = queues.map { ($0, false) } + dlqs.map { ($0, true) }
        return try await withThrowingTaskGroup(of: (Int, QueueSnapshot).self) { group in
            for (index, (url, isDLQ)) in all.enumerated() {
                group.addTask {
                    let attributes = try await sqs.getQueueAttributes(url, names: attributeNames)
                    return (index, QueueSnapshot(url: url, isDLQ: isDLQ, attributes: attributes))
                }
            }
            var results = [QueueSnapshot?](repeating: nil, count: all.count)
            for try await (index, snapshot) in group { results[index] = snapshot }
            return results.compactMap { $0 }
        }
    }

    /// A stable JSON shape for scripts.
    public var json: JSONValue {
        var members: [(String, JSONValue)] = [
            ("name", .string(name)), ("url", .string(url)), ("arn", arn.map(JSONValue.string) ?? .null),
            ("kind", isDLQ ? "dlq" : "queue"), ("visible", .number(Double(visible))), ("inFlight", .number(Double(inFlight))),
            ("delayed", .number(Double(delayed))),
        ]
        if !isDLQ {
            members.append(("dlq", dlqName.map(JSONValue.string) ?? .null))
            members.append(("maxReceiveCount", maxReceiveCount.map { .number(Double($0)) } ?? .null))
        }
        return .object(members)
    }
}

/// Names from SQS queue URLs and ARNs.
public enum QueueURL {
    /// The last path segment of a queue URL.
    public static func name(_ url: String) -> String {
        let path = URLParts(url).path
        return String(path.split(separator: "/").last ?? Substring(url))
    }

    /// `arn:aws:sqs:eu-west-1:123456789012:orders-dlq` → `orders-dlq`.
    public static func nameFromArn(_ arn: String) -> String {
        String(arn.split(separator: ":").last ?? Substring(arn))
    }

    /// The region and account of an SQS ARN.
    public static func arnParts(_ arn: String) -> (region: String, account: String, name: String)? {
        let parts = arn.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count >= 6, parts[0] == "arn", parts[2] == "sqs" else { return nil }
        return (String(parts[3]), String(parts[4]), String(parts[5]))
    }
}
