import Foundation

/// An AWS access key pair, with the session token and expiry that temporary (STS) credentials carry.
///
/// Printing, `String(reflecting:)` and `dump` never show the secret key or the session token.
public struct Credentials: Sendable, Equatable {
    public var accessKeyId: String
    public var secretAccessKey: String
    public var sessionToken: String?
    public var expiration: Date?

    public init(accessKeyId: String, secretAccessKey: String, sessionToken: String? = nil, expiration: Date? = nil) {
        self.accessKeyId = accessKeyId
        self.secretAccessKey = secretAccessKey
        self.sessionToken = sessionToken
        self.expiration = expiration
    }

    /// The access key id with its middle elided (`ASIA…MPLE`): the prefix tells long-term (AKIA) from
    /// temporary (ASIA) keys, the suffix tells keys apart, as `aws configure list` does.
    var maskedAccessKeyId: String {
        guard accessKeyId.count > 8 else { return accessKeyId }
        return "\(accessKeyId.prefix(4))…\(accessKeyId.suffix(4))"
    }
}

extension Credentials: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    public var description: String {
        var text = "Credentials(\(maskedAccessKeyId), secret: <redacted>"
        if sessionToken != nil { text += ", sessionToken: <redacted>" }
        if let expiration { text += ", expires: \(expiration)" }
        return text + ")"
    }

    public var debugDescription: String { description }

    /// Keeps `dump` and debugger views from walking the stored properties.
    public var customMirror: Mirror {
        Mirror(self, children: [
            "accessKeyId": maskedAccessKeyId,
            "secretAccessKey": "<redacted>",
            "sessionToken": sessionToken == nil ? "nil" : "<redacted>",
            "expiration": expiration as Any,
        ])
    }
}
