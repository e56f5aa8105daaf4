import FanoutKit

/// What a running command is given by the process (or by a test): the global options, the environment, the
/// terminal's streams, the HTTP transport and the debug log. Immutable, and so safely shared by a command's tasks.
/// Commands read as parse → resolve → call → render.
public struct CommandContext: Sendable {
    public let globals: GlobalOptions
    public let environment: Environment
    public let terminal: Terminal
    public let transport: any HTTPTransport
    public let log: DebugLog?

    public init(globals: GlobalOptions, environment: Environment, terminal: Terminal, transport: any HTTPTransport) {
        self.globals = globals
        self.environment = environment
        self.terminal = terminal
        self.transport = transport
        log = globals.debug ? DebugLog { line in terminal.err("[debug] \(line)\n") } : nil
    }

    public var format: OutputFormat { globals.format }
    public var quiet: Bool { globals.quiet }

    /// The AWS session: region, endpoints and the credential chain, resolved as the AWS CLI resolves them.
    /// Each call resolves anew; a command asks once and passes the session on.
    public func session() throws -> AWSSession {
        let session = try AWSSession(environment: environment, profile: globals.profile, region: globals.region,
                                     endpointURL: globals.endpointURL, transport: transport, log: log)
        if let log {
            log("region \(session.region)")
            for service in AWSService.allCases { if let e = session.endpoints[service] { log("endpoint \(service.id) \(e)") } }
        }
        return session
    }

    /// --outputs, else FANOUT_OUTPUTS, else terraform/outputs.json.
    public var outputsPath: String {
        if let p = globals.outputs { return environment.expandingTilde(p) }
        if let p = environment["FANOUT_OUTPUTS"] { return environment.expandingTilde(p) }
        return "terraform/outputs.json"
    }

    /// The stack's resources for these options.
    public func resources(_ options: ResourceOptions) -> StackResources {
        StackResources(options, outputsPath: outputsPath)
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
