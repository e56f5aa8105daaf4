/// Assumes roles for assume-role profiles through STS AssumeRole, signed with the source profile's credentials.
public struct STSRoleAssumer: RoleAssumer {
    public let transport: any HTTPTransport
    public let endpoint: String
    public let retry: RetryPolicy
    public let timeouts: HTTPTimeouts
    public let log: DebugLog?

    public init(transport: any HTTPTransport, endpoint: String, retry: RetryPolicy, timeouts: HTTPTimeouts, log: DebugLog?) {
        self.transport = transport
        self.endpoint = endpoint
        self.retry = retry
        self.timeouts = timeouts
        self.log = log
    }

    public func assumeRole(sourceCredentials: Credentials, region: String, request: AssumeRoleRequest) async throws -> Credentials {
        let config = AWSClientConfig(transport: transport, credentials: { sourceCredentials }, region: region, retry: retry,
                                     timeouts: timeouts, log: log)
        let sts = STSClient(AWSClient(service: .sts, endpoint: endpoint, config: config))
        return try await sts.assumeRole(roleArn: request.roleArn, sessionName: request.roleSessionName,
                                        externalId: request.externalId, durationSeconds: request.durationSeconds)
    }
}
