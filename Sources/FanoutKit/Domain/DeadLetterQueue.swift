/// A DLQ with what fanout needs to know about it: its depth and the queues whose RedrivePolicy points here.
public struct DeadLetterQueue: Sendable, Equatable {
    public var url: String
    public var name: String
    public var arn: String
    public var visible: Int
    public var inFlight: Int
    /// The queues whose RedrivePolicy points here (ListDeadLetterSourceQueues); empty for an SNS subscription DLQ.
    public var sources: [String]

    public init(url: String, name: String, arn: String, visible: Int, inFlight: Int, sources: [String]) {
        self.url = url
        self.name = name
        self.arn = arn
        self.visible = visible
        self.inFlight = inFlight
        self.sources = sources
    }

    public var isFIFO: Bool { name.hasSuffix(".fifo") }

    /// The DLQ `chosen` names — its number among `all` (1…), a queue name or a URL — or, when nil, every DLQ in `all`,
    /// each with its attributes and source queues.
    /// - Parameters:
    ///   - all: the stack's DLQ URLs in order; asked for only when needed.
    ///   - resolve: a queue name or URL → its URL.
    public static func fetch(sqs: SQSClient, chosen: String?, all: () async throws -> [String],
                             resolve: (String) async throws -> String) async throws -> [DeadLetterQueue]
    {
        let urls: [String]
        if let chosen {
            if let n = Int(chosen) {
                let every = try await all()
                guard n >= 1 && n <= every.count else {
                    throw FanoutError.usage("DLQ \(n): there are \(every.count) DLQ(s)", subject: .input("queue"))
                }
                urls = [every[n - 1]]
            } else {
                urls = [try await resolve(chosen)]
            }
        } else {
            urls = try await all()
        }
        return try await fetch(sqs: sqs, urls: urls)
    }

    /// Each DLQ's attributes and source queues, fetched concurrently, in the order of `urls`.
    public static func fetch(sqs: SQSClient, urls: [String]) async throws -> [DeadLetterQueue] {
        try await withThrowingTaskGroup(of: (Int, DeadLetterQueue).self) { group in
            for (i, url) in urls.enumerated() {
                group.addTask {
                    async let attributes = sqs.getQueueAttributes(url, names: ["QueueArn", "ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"])
                    async let sources = sqs.listDeadLetterSourceQueues(url)
                    let a = try await attributes
                    return (i, DeadLetterQueue(url: url, name: QueueURL.name(url), arn: a["QueueArn"] ?? "",
                                               visible: Int(a["ApproximateNumberOfMessages"] ?? "") ?? 0,
                                               inFlight: Int(a["ApproximateNumberOfMessagesNotVisible"] ?? "") ?? 0, sources: try await sources))
                }
            }
            var out = [DeadLetterQueue?](repeating: nil, count: urls.count)
            for try await (i, d) in group { out[i] = d }
            return out.compactMap { $0 }
        }
    }
}
