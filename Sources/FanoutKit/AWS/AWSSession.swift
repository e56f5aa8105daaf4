/// Everything one command needs to call AWS: resolved region, endpoints, credentials and one client per service,
/// all sharing one transport (so connections are reused).
public struct AWSSession: Sendable {
    public let region: ResolvedRegion
    public let endpoints: [AWSService: ResolvedEndpoint]
    public let credentialProvider: CredentialProvider
    public let clientConfig: AWSClientConfig

    /// Resolves region, endpoints and the credential chain as the AWS CLI does. Credentials themselves are
    /// fetched on the first call.
    public init(environment: Environment, profile: String?, region regionFlag: String?, endpointURL: String?,
                transport: any HTTPTransport, log: DebugLog?) throws
    {
        let config = try AWSConfigContext.load(profileFlag: profile, environment: environment)
        let region = try RegionResolver(config: config).resolve(flag: regionFlag)
        let resolver = EndpointResolver(config: config)
        var endpoints: [AWSService: ResolvedEndpoint] = [:]
        for service in AWSService.allCases {
            endpoints[service] = try resolver.resolve(service, region: region.name, explicitURL: endpointURL)
        }
        let retry = RetryPolicy(maxAttempts: try Self.maxAttempts(config))
        let timeouts = HTTPTimeouts(connect: Double(environment["FANOUT_CONNECT_TIMEOUT"] ?? "") ?? 10,
                                    total: Double(environment["FANOUT_READ_TIMEOUT"] ?? "") ?? 60)
        let assumer = STSRoleAssumer(transport: transport, endpoint: endpoints[.sts]?.url ?? EndpointResolver.publicEndpoint(.sts, region: region.name),
                                     retry: retry, timeouts: timeouts, log: log)
        let provider = CredentialProvider(chain: .standard(config), assumer: assumer, region: region.name)
        self.region = region
        self.endpoints = endpoints
        self.credentialProvider = provider
        self.clientConfig = AWSClientConfig(transport: transport, credentials: { try await provider.credentials() },
                                            region: region.name, retry: retry, timeouts: timeouts, log: log)
    }

    /// AWS_MAX_ATTEMPTS, else the profile's max_attempts, else 3.
    static func maxAttempts(_ config: AWSConfigContext) throws -> Int {
        let (text, source): (String?, String) = config.environment["AWS_MAX_ATTEMPTS"].map { ($0, "AWS_MAX_ATTEMPTS") }
            ?? (config.profileSettings["max_attempts"], "max_attempts in profile \(config.profile.name)")
        guard let text else { return 3 }
        guard let n = Int(text), n >= 1 else {
            throw FanoutError.configuration("Invalid \(source) '\(text)': expected a whole number of at least 1")
        }
        return n
    }

    public func client(_ service: AWSService) -> AWSClient {
        AWSClient(service: service, endpoint: endpoints[service]?.url ?? EndpointResolver.publicEndpoint(service, region: region.name),
                  config: clientConfig)
    }

    public var sqs: SQSClient { SQSClient(client(.sqs)) }
    public var sns: SNSClient { SNSClient(client(.sns)) }
    public var dynamodb: DynamoDBClient { DynamoDBClient(client(.dynamodb)) }
    public var cloudwatch: CloudWatchClient { CloudWatchClient(client(.cloudwatch)) }
    public var sts: STSClient { STSClient(client(.sts)) }

    /// Where the credentials came from, once they have been resolved.
    public var credentialSource: String {
        get async { await credentialProvider.sourceDescription ?? "not resolved yet" }
    }
}
