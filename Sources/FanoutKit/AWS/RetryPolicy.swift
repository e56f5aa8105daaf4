/// Retries as the AWS SDKs' standard mode does: up to `maxAttempts` attempts in all, exponential backoff with
/// full jitter (a random delay in [0, min(base·2^i, 20 s)]), on throttling codes, HTTP 500/502/503/504 and
/// connection failures.
public struct RetryPolicy: Sendable, Equatable {
    public var maxAttempts: Int
    public var baseDelay: Double
    public var maxDelay: Double

    public init(maxAttempts: Int = 3, baseDelay: Double = 1.0, maxDelay: Double = 20) {
        self.maxAttempts = max(1, maxAttempts)
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
    }

    /// One attempt and no retry: for a call whose failure is an answer in itself (a probe).
    public static let singleAttempt = RetryPolicy(maxAttempts: 1)

    /// Error codes the SDKs treat as throttling.
    public static let throttlingCodes: Set<String> = [
        "Throttling", "ThrottlingException", "ThrottledException", "RequestThrottledException", "TooManyRequestsException",
        "ProvisionedThroughputExceededException", "TransactionInProgressException", "RequestLimitExceeded",
        "BandwidthLimitExceeded", "LimitExceededException", "RequestThrottled", "SlowDown", "PriorRequestNotComplete",
        "EC2ThrottledException", "RequestThrottledException",
    ]
    /// Error codes the SDKs treat as transient.
    public static let transientCodes: Set<String> = ["RequestTimeout", "RequestTimeoutException", "InternalError", "ServiceUnavailable"]
    public static let transientStatuses: Set<Int> = [500, 502, 503, 504]

    public func isRetryable(_ error: any Error) -> Bool {
        if error is TransportError { return true }
        if let e = error as? AWSServiceError {
            return Self.throttlingCodes.contains(e.code) || Self.transientCodes.contains(e.code)
                || Self.transientStatuses.contains(e.httpStatus) || e.httpStatus == 429
        }
        return false
    }

    /// The delay before retry number `retry` (0 for the first retry).
    public func delay(beforeRetry retry: Int) -> Double {
        let cap = min(baseDelay * Double(1 << min(retry, 30)), maxDelay)
        return Double.random(in: 0...1) * cap
    }
}
