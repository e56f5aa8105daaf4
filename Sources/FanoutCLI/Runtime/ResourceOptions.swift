import FanoutKit

/// The options that point a command at the stack's resources (`--topic`, `--queue`, `--dlq`, `--table`, `--api`),
/// each overriding the outputs.json filter of its role, and the filters themselves (`--<role>-filter`).
public struct ResourceOptions: Sendable, Equatable {
    public var topic: String?
    public var queues: [String]
    public var dlqs: [String]
    public var table: String?
    public var api: String?
    /// Filters given on the command line, by role; the defaults are `OutputRole.defaultFilter`.
    public var filters: [OutputRole: String]
    /// The roles this command declares: only their filters are prefetched from outputs.json.
    public var roles: [OutputRole]

    public init(topic: String? = nil, queues: [String] = [], dlqs: [String] = [], table: String? = nil, api: String? = nil,
                filters: [OutputRole: String] = [:], roles: [OutputRole] = OutputRole.allCases)
    {
        self.topic = topic
        self.queues = queues
        self.dlqs = dlqs
        self.table = table
        self.api = api
        self.filters = filters
        self.roles = roles
    }

    /// The parse step for the resource options of `roles` (as declared by `FanoutCommand.resourceOptions`).
    /// `overrides: false` for a role whose override option the command declares itself (consume's `--queue`).
    public init(_ args: ParsedArguments, roles: [OutputRole], overrides: Set<OutputRole>? = nil) throws {
        self.init(roles: roles)
        let overrides = overrides ?? Set(roles)
        for role in roles {
            if args.has("\(role.rawValue)-filter") { filters[role] = try args.nonEmpty("\(role.rawValue)-filter") }
            guard overrides.contains(role) else { continue }
            switch role {
            case .topic: topic = try args.nonEmpty("topic")
            case .queues: queues = try args.nonEmptyStrings("queue")
            case .dlqs: dlqs = try args.nonEmptyStrings("dlq")
            case .table: table = try args.nonEmpty("table")
            case .api: api = try args.nonEmpty("api")
            }
        }
    }

    /// The filter given for a role, or nil for the default.
    public func filter(_ role: OutputRole) -> String? { filters[role] }
}

/// Finds the stack's resources for one command: from the override options, else outputs.json through its
/// jq filters (all of them compiled as one libjq program, the first time outputs.json is needed).
///
/// A class so outputs.json is read at most once, and only when an override option does not answer first; it is
/// used by one command's task and never shared between tasks.
public final class StackResources {
    public let options: ResourceOptions
    public let outputsPath: String
    private var loaded: TerraformOutputs?

    public init(_ options: ResourceOptions, outputsPath: String) {
        self.options = options
        self.outputsPath = outputsPath
    }

    /// Whether the consumer ids and the DLQ presence filters are read along with the role filters.
    static let dlqsPresent = ".dlqs"
    static let consumerIds = "[.queues[]?.consumer_id]"

    public func outputs() throws -> TerraformOutputs {
        if let loaded { return loaded }
        let outputs = try TerraformOutputs.load(path: outputsPath)
        let roles = options.roles.map { options.filters[$0] ?? $0.defaultFilter }
        outputs.prefetch(roles + [Self.dlqsPresent, Self.consumerIds])
        loaded = outputs
        return outputs
    }

    public func topicArn() throws -> String {
        if let topic = options.topic { return topic }
        return try outputs().string(.topic, filter: options.filter(.topic))
    }

    public func tableName() throws -> String {
        if let table = options.table { return table }
        return try outputs().string(.table, filter: options.filter(.table))
    }

    public func apiEndpoint() throws -> String {
        if let api = options.api { return api }
        return try outputs().string(.api, filter: options.filter(.api))
    }

    /// The seed's consumer ids (`queues[].consumer_id`), in queue order; empty when outputs.json has none.
    public func consumerIds() -> [String] {
        (try? outputs().evaluate(Self.consumerIds, role: .queues).first?.array?.compactMap(\.string)) ?? []
    }

    /// Main queue URLs from outputs.json alone.
    public func outputQueueURLs() throws -> [String] {
        try outputs().strings(.queues, filter: options.filter(.queues))
    }

    /// Main queue URLs: --queue (URLs, or names resolved with GetQueueUrl), else outputs.json.
    public func queueURLs(_ sqs: SQSClient) async throws -> [String] {
        if !options.queues.isEmpty { return try await Self.resolve(options.queues, sqs) }
        return try outputQueueURLs()
    }

    /// DLQ URLs: --dlq, else outputs.json. When not required, a missing, null or empty `dlqs` output means none.
    public func dlqURLs(_ sqs: SQSClient, required: Bool = true) async throws -> [String] {
        if !options.dlqs.isEmpty { return try await Self.resolve(options.dlqs, sqs) }
        if !options.queues.isEmpty && options.filter(.dlqs) == nil && !required { return [] }
        let outputs = try outputs()
        if !required, options.filter(.dlqs) == nil,
           (try? outputs.evaluate(Self.dlqsPresent, role: .dlqs))?.first.map({ $0.isNull || $0.array?.isEmpty == true }) ?? true { return [] }
        return try outputs.strings(.dlqs, filter: options.filter(.dlqs))
    }

    /// Queue names become URLs through GetQueueUrl; URLs pass through.
    public static func resolve(_ values: [String], _ sqs: SQSClient) async throws -> [String] {
        var urls: [String] = []
        for value in values {
            if value.hasPrefix("http://") || value.hasPrefix("https://") { urls.append(value) } else {
                urls.append(try await sqs.getQueueUrl(value))
            }
        }
        return urls
    }
}
