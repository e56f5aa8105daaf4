import Foundation

/// Resolves credentials through a chain once and hands out the cached result, resolving again when
/// temporary credentials (credential_process, assume-role, AWS_CREDENTIAL_EXPIRATION) are within
/// `refreshWindow` of expiring. Concurrent callers share one resolution.
public actor CredentialProvider {
    private let chain: CredentialChain
    private let context: CredentialResolutionContext
    private let refreshWindow: TimeInterval
    private var cached: ResolvedCredentials?
    private var inFlight: Task<ResolvedCredentials, any Error>?

    /// - Parameters:
    ///   - region: the resolved region, where assume-role calls STS.
    ///   - refreshWindow: how long before `expiration` to resolve again; five minutes by default.
    ///   - now: the clock, replaceable in tests.
    public init(
        chain: CredentialChain, assumer: any RoleAssumer, region: String,
        refreshWindow: TimeInterval = 300, now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.chain = chain
        self.context = CredentialResolutionContext(assumer: assumer, region: region, now: now)
        self.refreshWindow = refreshWindow
    }

    /// Where the current credentials came from ("environment", "credential_process (profile dev)", …);
    /// nil until they have been resolved.
    public var sourceDescription: String? { cached?.source }

    public func credentials() async throws -> Credentials {
        try await resolvedCredentials().credentials
    }

    /// The credentials and their source, resolving or refreshing as needed.
    ///
    /// If a refresh fails while the credentials in hand have not yet expired, those are returned and the next
    /// call tries again (botocore's advisory refresh); otherwise the error is thrown.
    public func resolvedCredentials() async throws -> ResolvedCredentials {
        if let cached, !needsRefresh(cached) { return cached }
        let task: Task<ResolvedCredentials, any Error>
        if let inFlight {
            task = inFlight
        } else {
            let chain = chain
            let context = context
            task = Task { try await chain.resolve(context) }
            inFlight = task
        }
        do {
            let fresh = try await task.value
            if inFlight == task { inFlight = nil }
            cached = fresh
            return fresh
        } catch {
            if inFlight == task { inFlight = nil }
            if let cached, let expiration = cached.credentials.expiration, expiration > context.now() {
                return cached
            }
            throw error
        }
    }

    private func needsRefresh(_ resolved: ResolvedCredentials) -> Bool {
        guard let expiration = resolved.credentials.expiration else { return false }
        return expiration.timeIntervalSince(context.now()) < refreshWindow
    }
}
