import Foundation

/// Who the credentials belong to (GetCallerIdentity).
public struct CallerIdentity: Sendable, Equatable {
    public var account: String
    public var arn: String
    public var userId: String
}

/// AWS STS over the query protocol.
public struct STSClient: Sendable {
    public let client: AWSClient
    static let version = "2011-06-15"

    public init(_ client: AWSClient) { self.client = client }

    public func getCallerIdentity() async throws -> CallerIdentity {
        let xml = try await client.query(action: "GetCallerIdentity", version: Self.version, [])
        let result = xml.find("GetCallerIdentityResult")
        return CallerIdentity(account: result?.text("Account") ?? "", arn: result?.text("Arn") ?? "", userId: result?.text("UserId") ?? "")
    }

    /// AssumeRole; the answer's credentials carry their expiration.
    public func assumeRole(roleArn: String, sessionName: String, externalId: String?, durationSeconds: Int?) async throws -> Credentials {
        var params = [("RoleArn", roleArn), ("RoleSessionName", sessionName)]
        if let externalId { params.append(("ExternalId", externalId)) }
        if let durationSeconds { params.append(("DurationSeconds", String(durationSeconds))) }
        let xml = try await client.query(action: "AssumeRole", version: Self.version, params)
        guard let creds = xml.find("Credentials"), let key = creds.text("AccessKeyId"), let secret = creds.text("SecretAccessKey") else {
            throw FanoutError.network("STS AssumeRole: the answer holds no credentials")
        }
        return Credentials(accessKeyId: key, secretAccessKey: secret, sessionToken: creds.text("SessionToken"),
                           expiration: creds.text("Expiration").flatMap(ISO8601.parse))
    }
}

/// ISO 8601 timestamps as AWS writes them, with or without fractional seconds.
public enum ISO8601 {
    public static func parse(_ text: String) -> Date? {
        let plain = ISO8601DateFormatter()
        if let d = plain.date(from: text) { return d }
        let fractional = ISO8601DateFormatter()
        fractional.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return fractional.date(from: text)
    }

    public static func format(_ date: Date) -> String { ISO8601DateFormatter().string(from: date) }
}
