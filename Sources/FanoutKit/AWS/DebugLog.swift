/// Where --debug lines go (stderr in the CLI). Everything written through it is redacted first.
public struct DebugLog: Sendable {
    private let sink: @Sendable (String) -> Void

    public init(_ sink: @escaping @Sendable (String) -> Void) { self.sink = sink }

    public func callAsFunction(_ line: @autoclosure () -> String) { sink(Redaction.redact(line())) }
}

/// Removes secrets from text bound for --debug: request signatures, secret keys and session tokens,
/// in headers, JSON bodies and XML bodies.
public enum Redaction {
    public static let mask = "<redacted>"

    /// Names whose values are secret wherever they appear (header, JSON key, XML element, form field).
    static let secretNames = ["SecretAccessKey", "secretAccessKey", "aws_secret_access_key", "SessionToken", "sessionToken",
                              "aws_session_token", "X-Amz-Security-Token", "x-amz-security-token", "Token"]

    public static func redact(_ text: String) -> String {
        var out = text
        // Authorization: … Signature=<hex>
        out = replaceValue(in: out, after: "Signature=", stopAt: [",", " ", "\n", "&", "\""])
        for name in secretNames {
            out = replaceValue(in: out, after: "\(name): ", stopAt: ["\n"])              // header
            out = replaceValue(in: out, after: "\"\(name)\":\"", stopAt: ["\""])         // compact JSON
            out = replaceValue(in: out, after: "\"\(name)\": \"", stopAt: ["\""])        // pretty JSON
            out = replaceValue(in: out, after: "<\(name)>", stopAt: ["<"])               // XML
            out = replaceValue(in: out, after: "\(name)=", stopAt: ["&", "\n", " "])     // form body
        }
        return out
    }

    /// Replaces what follows each `marker` up to the first stop character with the mask.
    static func replaceValue(in text: String, after marker: String, stopAt stops: Set<Character>) -> String {
        guard text.contains(marker) else { return text }
        var result = ""
        var rest = Substring(text)
        while let range = rest.range(of: marker) {
            result += rest[..<range.upperBound]
            let tail = rest[range.upperBound...]
            let end = tail.firstIndex { stops.contains($0) } ?? tail.endIndex
            if end > tail.startIndex { result += mask }
            rest = tail[end...]
        }
        return result + rest
    }
}
