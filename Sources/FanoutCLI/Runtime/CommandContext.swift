import FanoutKit

/// `--output`: a table for people, JSON (NDJSON for streams) for scripts.
public enum OutputFormat: String, Sendable { case table, json }

/// What a running command has at hand: its parsed arguments, the global options, the terminal, and lazily the
/// AWS session and outputs.json. Commands read as parse → resolve → call → render.
public final class CommandContext: @unchecked Sendable {
    public let args: ParsedArguments
    public let environment: Environment
    public let terminal: Terminal
    public let format: OutputFormat
    public let quiet: Bool
    public let log: DebugLog?
    private var cachedSession: AWSSession?
    private var cachedOutputs: TerraformOutputs?

    /// One transport per process: every client shares its connection cache.
    static let transport = CurlTransport(options: .from(.process, userAgent: FanoutVersion.userAgent))

    public init(_ args: ParsedArguments, environment: Environment = .process) throws {
        self.args = args
        self.environment = environment
        let noColor = args.flag("no-color")
        let terminal = Terminal(noColor: noColor, environment: environment)
        self.terminal = terminal
        format = OutputFormat(rawValue: args.string("output") ?? "table") ?? .table
        quiet = args.flag("quiet")
        log = args.flag("debug") ? DebugLog { line in terminal.err("[debug] \(line)\n") } : nil
    }

    /// The AWS session: region, endpoints and credentials resolved once per command.
    public func session() async throws -> AWSSession {
        if let cachedSession { return cachedSession }
        let session = try AWSSession(environment: environment, profile: args.string("profile"), region: args.string("region"),
                                     endpointURL: args.string("endpoint-url"), transport: Self.transport, log: log)
        if let log {
            log("region \(session.region)")
            for service in AWSService.allCases { if let e = session.endpoints[service] { log("endpoint \(service.id) \(e)") } }
        }
        cachedSession = session
        return session
    }

    // MARK: outputs.json

    /// --outputs, else FANOUT_OUTPUTS, else terraform/outputs.json.
    public var outputsPath: String {
        if args.has("outputs"), let p = args.string("outputs") { return environment.expandingTilde(p) }
        if let p = environment["FANOUT_OUTPUTS"] { return environment.expandingTilde(p) }
        return "terraform/outputs.json"
    }

    public func outputs() throws -> TerraformOutputs {
        if let cachedOutputs { return cachedOutputs }
        let outputs = try TerraformOutputs.load(path: outputsPath)
        // Every filter this command may ask for, compiled as one libjq program.
        let roles = OutputRole.allCases.compactMap { role in args.string("\(role.rawValue)-filter") }
        outputs.prefetch(roles + [Self.dlqsPresent, Self.consumerIds])
        cachedOutputs = outputs
        return outputs
    }

    /// Whether outputs.json has DLQs at all, and the seed's consumer ids: read with the role filters.
    static let dlqsPresent = ".dlqs"
    public static let consumerIds = "[.queues[]?.consumer_id]"

    /// The filter given for a role, or nil for the default.
    public func filter(_ role: OutputRole) -> String? {
        args.has("\(role.rawValue)-filter") ? args.string("\(role.rawValue)-filter") : nil
    }

    public func topicArn() throws -> String {
        if args.has("topic"), let arn = args.string("topic") { return arn }
        return try outputs().string(.topic, filter: filter(.topic))
    }

    public func tableName() throws -> String {
        if args.has("table"), let name = args.string("table") { return name }
        return try outputs().string(.table, filter: filter(.table))
    }

    public func apiEndpoint() throws -> String {
        if args.has("api"), let url = args.string("api") { return url }
        return try outputs().string(.api, filter: filter(.api))
    }

    /// Main queue URLs: --queue (URLs, or names resolved with GetQueueUrl), else outputs.json.
    public func queueURLs(_ session: AWSSession) async throws -> [String] {
        if args.has("queue") { return try await resolveQueues(args.strings("queue"), session) }
        return try outputs().strings(.queues, filter: filter(.queues))
    }

    /// DLQ URLs: --dlq, else outputs.json. When not required, a missing, null or empty `dlqs` output means none.
    public func dlqURLs(_ session: AWSSession, required: Bool = true) async throws -> [String] {
        if args.has("dlq") { return try await resolveQueues(args.strings("dlq"), session) }
        if args.has("queue") && !args.has("dlqs-filter") && !required { return [] }
        let outputs = try outputs()
        if !required, filter(.dlqs) == nil,
           (try? outputs.evaluate(Self.dlqsPresent, role: .dlqs))?.first.map({ $0.isNull || $0.array?.isEmpty == true }) ?? true { return [] }
        return try outputs.strings(.dlqs, filter: filter(.dlqs))
    }

    /// Queue names become URLs through GetQueueUrl; URLs pass through.
    public func resolveQueues(_ values: [String], _ session: AWSSession) async throws -> [String] {
        var urls: [String] = []
        for value in values {
            if value.hasPrefix("http://") || value.hasPrefix("https://") { urls.append(value) } else {
                urls.append(try await session.sqs.getQueueUrl(value))
            }
        }
        return urls
    }

    // MARK: output

    /// Writes data: JSON (pretty for one document, one line per record for NDJSON) or the rendered table.
    public func emit(json: @autoclosure () -> JSONValue, ndjson: Bool, table: () -> String) {
        switch format {
        case .json: terminal.out((ndjson ? json().serialized() : json().pretty()) + "\n")
        case .table: terminal.out(table())
        }
    }

    /// A status line on stderr, unless --quiet.
    public func status(_ line: String) {
        if !quiet { terminal.err(line + "\n") }
    }

    public func warn(_ line: String) {
        terminal.err(terminal.yellow("warning:") + " " + line + "\n")
    }
}
