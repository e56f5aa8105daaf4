import FanoutKit

/// `--output`: a table for people, JSON (NDJSON for streams) for scripts.
public enum OutputFormat: String, Sendable, Equatable { case table, json }

/// The options every command accepts (`FanoutCommand.globalOptions`), typed, parsed once per run.
public struct GlobalOptions: Sendable, Equatable {
    public var region: String?
    public var profile: String?
    public var endpointURL: String?
    /// --outputs as given; nil means FANOUT_OUTPUTS, else terraform/outputs.json.
    public var outputs: String?
    public var format: OutputFormat
    public var noColor: Bool
    public var debug: Bool
    public var quiet: Bool

    public init(region: String? = nil, profile: String? = nil, endpointURL: String? = nil, outputs: String? = nil,
                format: OutputFormat = .table, noColor: Bool = false, debug: Bool = false, quiet: Bool = false)
    {
        self.region = region
        self.profile = profile
        self.endpointURL = endpointURL
        self.outputs = outputs
        self.format = format
        self.noColor = noColor
        self.debug = debug
        self.quiet = quiet
    }

    /// The parse step. An empty --region, --profile or --endpoint-url is a usage error, never a silent fall-back.
    public init(_ args: ParsedArguments) throws {
        region = try args.nonEmpty("region")
        profile = try args.nonEmpty("profile")
        endpointURL = try args.nonEmpty("endpoint-url")
        outputs = args.has("outputs") ? try args.nonEmpty("outputs") : nil
        format = OutputFormat(rawValue: args.string("output") ?? "table") ?? .table
        noColor = args.flag("no-color")
        debug = args.flag("debug")
        quiet = args.flag("quiet")
        if let endpointURL, !(endpointURL.hasPrefix("http://") || endpointURL.hasPrefix("https://")) {
            throw args.invalidValue(endpointURL, "endpoint-url", expected: "an http:// or https:// URL")
        }
    }
}
