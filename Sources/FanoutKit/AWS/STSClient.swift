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
        try Self.decodeCallerIdentity(try await client.query(action: "GetCallerIdentity", version: Self.version, []),
                                      DecodeContext(client.service, "GetCallerIdentity"))
    }

    /// AssumeRole; the answer's credentials carry their expiration.
    public func assumeRole(roleArn: String, sessionName: String, externalId: String?, durationSeconds: Int?) async throws -> Credentials {
        var params = [("RoleArn", roleArn), ("RoleSessionName", sessionName)]
        if let externalId { params.append(("ExternalId", externalId)) }
        if let durationSeconds { params.append(("DurationSeconds", String(durationSeconds))) }
        return try Self.decodeCredentials(try await client.query(action: "AssumeRole", version: Self.version, params),
                                          DecodeContext(client.service, "AssumeRole"))
    }

    static func decodeCallerIdentity(_ xml: XMLNode, _ context: DecodeContext) throws -> CallerIdentity {
        let result = try xml.requiredElement("GetCallerIdentityResult", context)
        return CallerIdentity(account: try result.requiredText("Account", context), arn: try result.requiredText("Arn", context),
                              userId: try result.requiredText("UserId", context))
    }

    /// AssumeRole's `Credentials`: key, secret, session token and a readable expiration are all required.
    static func decodeCredentials(_ xml: XMLNode, _ context: DecodeContext) throws -> Credentials {
        let creds = try xml.requiredElement("Credentials", context)
        let expiration = try creds.requiredText("Expiration", context, at: "Credentials")
        guard let expires = ISO8601.parse(expiration) else {
            throw context.invalid("Credentials.Expiration", "is not an ISO 8601 time ('\(expiration)')")
        }
        return Credentials(accessKeyId: try creds.requiredText("AccessKeyId", context, at: "Credentials"),
                           secretAccessKey: try creds.requiredText("SecretAccessKey", context, at: "Credentials"),
                           sessionToken: try creds.requiredText("SessionToken", context, at: "Credentials"), expiration: expires)
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
