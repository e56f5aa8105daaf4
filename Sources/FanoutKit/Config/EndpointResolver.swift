import Foundation

/// The AWS services fanout calls, with the names each one goes by in configuration.
public enum AWSService: String, Sendable, CaseIterable {
    case sns, sqs, dynamodb, cloudwatch, sts

    /// The service id upper-cased as in `AWS_ENDPOINT_URL_<ID>`: SNS, SQS, DYNAMODB, CLOUDWATCH, STS.
    public var environmentID: String { rawValue.uppercased() }

    /// The key in a `[services name]` section: the service id in snake case (sns, sqs, dynamodb, cloudwatch, sts).
    public var configKey: String { rawValue }

    /// The host prefix of the public endpoint, which is also the SigV4 signing name of these five services
    /// (CloudWatch's is `monitoring`).
    public var endpointPrefix: String {
        switch self {
        case .cloudwatch: return "monitoring"
        default: return rawValue
        }
    }

    /// The upper-case id used in messages and logs (`SQS`).
    public var id: String { environmentID }

    /// The service name in the SigV4 credential scope.
    public var signingName: String { endpointPrefix }
}

/// An endpoint URL, where it came from, and the region requests to it are signed for.
public struct ResolvedEndpoint: Sendable, Equatable, CustomStringConvertible {
    /// Where an endpoint URL came from, for `--debug` and `fanout whoami`.
    public enum Source: Sendable, Equatable, CustomStringConvertible {
        case flag
        case environment(variable: String)
        /// `<service> =` / `  endpoint_url = …` in the `[services name]` section the profile points to.
        case servicesSection(name: String, profile: String)
        /// `endpoint_url` at the top level of the profile.
        case profile(name: String)
        /// The public AWS endpoint of the region.
        case publicEndpoint

        public var description: String {
            switch self {
            case .flag: return "--endpoint-url"
            case .environment(let variable): return variable
            case .servicesSection(let name, let profile): return "[services \(name)] of profile \(profile)"
            case .profile(let name): return "endpoint_url of profile \(name)"
            case .publicEndpoint: return "public AWS endpoint"
            }
        }
    }

    public var service: AWSService
    public var url: String
    public var source: Source
    /// The resolved region; configured endpoints (LocalStack, moto) are signed for it too.
    public var signingRegion: String

    public init(service: AWSService, url: String, source: Source, signingRegion: String) {
        self.service = service
        self.url = url
        self.source = source
        self.signingRegion = signingRegion
    }

    public var description: String { "\(url) (from \(source))" }
}

/// Finds a service's endpoint as the AWS CLI does (botocore's `ConfiguredEndpointProvider`):
///
/// 1. `--endpoint-url`;
/// 2. `AWS_ENDPOINT_URL_<SERVICE>`;
/// 3. `AWS_ENDPOINT_URL`;
/// 4. the `[services name]` section named by the profile's `services`: `<service> =` / `  endpoint_url = …`;
/// 5. the profile's top-level `endpoint_url`;
/// 6. the region's public endpoint.
///
/// `AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true`, or `ignore_configured_endpoint_urls = true` in the profile,
/// skips 2–5; the environment variable, when set, overrides the profile setting either way.
public struct EndpointResolver: Sendable {
    public var config: AWSConfigContext

    public init(config: AWSConfigContext) {
        self.config = config
    }

    /// Whether configured endpoints (everything but `--endpoint-url`) are switched off; like botocore's
    /// `ensure_boolean`, only a case-insensitive "true" counts as true.
    public var ignoresConfiguredEndpoints: Bool {
        let setting = config.environment["AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"]
            ?? config.profileSettings["ignore_configured_endpoint_urls"]
        return setting?.lowercased() == "true"
    }

    public func resolve(_ service: AWSService, region: String, explicitURL: String? = nil) throws
        -> ResolvedEndpoint
    {
        func found(_ url: String, _ source: ResolvedEndpoint.Source) throws -> ResolvedEndpoint {
            let trimmed = url.trimmingCharacters(in: .whitespaces)
            try Self.validate(trimmed, service: service, source: source)
            return ResolvedEndpoint(service: service, url: trimmed, source: source, signingRegion: region)
        }

        if let explicitURL, !explicitURL.isEmpty { return try found(explicitURL, .flag) }
        if !ignoresConfiguredEndpoints {
            let serviceVariable = "AWS_ENDPOINT_URL_\(service.environmentID)"
            if let url = config.environment[serviceVariable] {
                return try found(url, .environment(variable: serviceVariable))
            }
            if let url = config.environment["AWS_ENDPOINT_URL"] {
                return try found(url, .environment(variable: "AWS_ENDPOINT_URL"))
            }
            let profile = config.profile.name
            if let (sectionName, section) = try servicesSection(),
                let url = section.subsections[service.configKey]?["endpoint_url"], !url.isEmpty
            {
                return try found(url, .servicesSection(name: sectionName, profile: profile))
            }
            if let url = config.profileSettings["endpoint_url"], !url.isEmpty {
                return try found(url, .profile(name: profile))
            }
        }
        return ResolvedEndpoint(
            service: service, url: Self.publicEndpoint(service, region: region), source: .publicEndpoint,
            signingRegion: region)
    }

    /// The region's public endpoint: `https://{prefix}.{region}.amazonaws.com`, or `.amazonaws.com.cn` in the
    /// China regions. STS is always regional (the AWS CLI v2 default). GovCloud (`us-gov-*`) uses the aws
    /// partition's suffix, which is right; the ISO partitions would need their own suffixes, and fanout does
    /// not target them.
    public static func publicEndpoint(_ service: AWSService, region: String) -> String {
        let suffix = region.hasPrefix("cn-") ? "amazonaws.com.cn" : "amazonaws.com"
        return "https://\(service.endpointPrefix).\(region).\(suffix)"
    }

    /// The profile's `services` section, if it names one; botocore refuses a name with no such section.
    private func servicesSection() throws -> (String, ConfigSection)? {
        guard let name = config.profileSettings["services"] else { return nil }
        guard let section = config.files.servicesSections[name] else {
            throw FanoutError.configuration(
                "Profile \(config.profile.name) sets services = \(name), but \(config.files.configFileDisplayPath) "
                    + "has no [services \(name)] section",
                hint: "add [services \(name)] to \(config.files.configFileDisplayPath), or remove services from the "
                    + "profile")
        }
        return (name, section)
    }

    /// An endpoint must be an absolute http(s) URL with a host.
    private static func validate(_ url: String, service: AWSService, source: ResolvedEndpoint.Source) throws {
        let lower = url.lowercased()
        let hasScheme = lower.hasPrefix("http://") || lower.hasPrefix("https://")
        let host = URLComponents(string: url)?.host ?? ""
        guard hasScheme, !host.isEmpty else {
            throw FanoutError.configuration(
                "Invalid endpoint URL '\(url)' for \(service.environmentID) (from \(source)): it must start with "
                    + "http:// or https:// and name a host",
                hint: "for example http://localhost:4566")
        }
    }
}
