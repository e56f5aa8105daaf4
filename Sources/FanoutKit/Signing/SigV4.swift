import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// AWS Signature Version 4 (header signing, `AWS4-HMAC-SHA256`) for one set of credentials, region and service.
///
/// A pure value: the signing time comes in as `date:`, nothing is read from the clock or the environment.
/// Paths follow the rules for every service but S3: dot segments and duplicate slashes are removed and the
/// path is URI-encoded once more (an already-encoded `%20` signs as `%2520`).
public struct SigV4Signer: Sendable {
    public static let algorithm = "AWS4-HMAC-SHA256"
    /// Hex SHA-256 of an empty payload.
    public static let emptyPayloadHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    /// Lower-case names never signed: the signature itself, and headers that transports or proxies add or
    /// rewrite after signing.
    static let unsignedHeaderNames: Set<String> = ["authorization", "user-agent", "expect", "x-amzn-trace-id"]

    public var credentials: Credentials
    public var region: String
    public var service: String

    public init(credentials: Credentials, region: String, service: String) {
        self.credentials = credentials
        self.region = region
        self.service = service
    }

    /// The result of Task 1: the canonical request text and the `SignedHeaders` list it names.
    public struct CanonicalRequest: Sendable, Equatable {
        public var text: String
        /// Lower-case header names joined with ';', e.g. `content-type;host;x-amz-date`.
        public var signedHeaders: String
    }

    /// Returns `request` ready to send: `Host` (when absent), `X-Amz-Date`, `X-Amz-Content-Sha256` (when asked
    /// for), `X-Amz-Security-Token` (when the credentials have one; it is signed) and `Authorization`.
    public func sign(_ request: HTTPRequest, date: Date, includeContentSHA256: Bool = false) -> HTTPRequest {
        signWithSteps(request, date: date, includeContentSHA256: includeContentSHA256).request
    }

    /// `sign`, also returning every intermediate string, for tests and `--debug`.
    public func signWithSteps(
        _ request: HTTPRequest, date: Date, includeContentSHA256: Bool = false
    ) -> (request: HTTPRequest, steps: SigV4Steps) {
        let time = SigV4Time(date)
        let url = request.components
        var signed = request
        // A request signed before (a retry) must not carry, or sign, its old Authorization.
        signed.headers.remove("Authorization")
        if signed.headers["Host"] == nil { signed.headers.add("Host", url.hostHeader) }
        signed.headers.set("X-Amz-Date", time.amzDate)
        let payloadHash = Digest.sha256(signed.body).hex
        if includeContentSHA256 { signed.headers.set("X-Amz-Content-Sha256", payloadHash) }
        if let token = credentials.sessionToken { signed.headers.set("X-Amz-Security-Token", token) }

        let canonical = canonicalRequest(
            method: signed.method, path: url.path, query: url.query, headers: signed.headers, payloadHash: payloadHash)
        let scope = credentialScope(dateStamp: time.dateStamp)
        let toSign = stringToSign(canonicalRequest: canonical.text, amzDate: time.amzDate, credentialScope: scope)
        let signatureHex = signature(stringToSign: toSign, signingKey: signingKey(dateStamp: time.dateStamp))
        let authorization = "\(Self.algorithm) Credential=\(credentials.accessKeyId)/\(scope), "
            + "SignedHeaders=\(canonical.signedHeaders), Signature=\(signatureHex)"
        signed.headers.set("Authorization", authorization)

        let steps = SigV4Steps(
            canonicalRequest: canonical.text, signedHeaders: canonical.signedHeaders, payloadHash: payloadHash,
            credentialScope: scope, stringToSign: toSign, signature: signatureHex, authorization: authorization)
        return (signed, steps)
    }

    // MARK: - The spec's stages

    /// Task 1: Create a canonical request for Signature Version 4.
    /// `path` and `query` are as they appear in the URL; `payloadHash` is the hex SHA-256 of the body.
    public func canonicalRequest(
        method: String, path: String, query: String?, headers: HTTPHeaders, payloadHash: String
    ) -> CanonicalRequest {
        let (headerBlock, signedHeaders) = Self.canonicalHeaders(headers)
        let text = [method, Self.canonicalURI(path), Self.canonicalQuery(query), headerBlock, signedHeaders, payloadHash]
            .joined(separator: "\n")
        return CanonicalRequest(text: text, signedHeaders: signedHeaders)
    }

    /// Task 2: Create a string to sign — algorithm, request date, credential scope and the canonical request's hash.
    public func stringToSign(canonicalRequest: String, amzDate: String, credentialScope: String) -> String {
        "\(Self.algorithm)\n\(amzDate)\n\(credentialScope)\n\(Digest.sha256(canonicalRequest).hex)"
    }

    /// Task 3, first half: Derive the signing key — HMAC chain over date, region, service and `aws4_request`.
    public func signingKey(date: Date) -> [UInt8] {
        signingKey(dateStamp: SigV4Time(date).dateStamp)
    }

    /// The signing key for a `yyyyMMdd` date stamp.
    func signingKey(dateStamp: String) -> [UInt8] {
        let dateKey = Digest.hmacSHA256(key: Array("AWS4\(credentials.secretAccessKey)".utf8), data: dateStamp)
        let regionKey = Digest.hmacSHA256(key: dateKey, data: region)
        let serviceKey = Digest.hmacSHA256(key: regionKey, data: service)
        return Digest.hmacSHA256(key: serviceKey, data: "aws4_request")
    }

    /// Task 3, second half: Calculate the signature — hex HMAC-SHA256 of the string to sign under the signing key.
    public func signature(stringToSign: String, signingKey: [UInt8]) -> String {
        Digest.hmacSHA256(key: signingKey, data: stringToSign).hex
    }

    /// The credential scope: `yyyyMMdd/region/service/aws4_request`.
    public func credentialScope(dateStamp: String) -> String {
        "\(dateStamp)/\(region)/\(service)/aws4_request"
    }

    // MARK: - Canonical request parts

    /// CanonicalURI: the path with `.`/`..` segments and duplicate slashes removed (a trailing slash kept),
    /// then URI-encoded with '/' left alone. `""` → `/`.
    static func canonicalURI(_ path: String) -> String {
        URIEncoding.uriEncode(normalizedPath(path), encodeSlash: false)
    }

    /// Removes dot segments and empty segments, as botocore's `remove_dot_segments`; always absolute.
    static func normalizedPath(_ path: String) -> String {
        var segments: [Substring] = []
        for segment in path.split(separator: "/", omittingEmptySubsequences: true) {
            if segment == "." { continue }
            if segment == ".." {
                _ = segments.popLast()
                continue
            }
            segments.append(segment)
        }
        if segments.isEmpty { return "/" }
        let joined = "/" + segments.joined(separator: "/")
        return path.hasSuffix("/") ? joined + "/" : joined
    }

    /// CanonicalQueryString: each `key=value` percent-decoded ('+' stays '+'), re-encoded with the unreserved
    /// set, sorted by key then value; a key without a value signs as `key=`.
    static func canonicalQuery(_ query: String?) -> String {
        guard let query, !query.isEmpty else { return "" }
        var pairs: [(key: [UInt8], value: [UInt8])] = []
        for item in Array(query.utf8).split(separator: UInt8(ascii: "&"), omittingEmptySubsequences: true) {
            let equals = item.firstIndex(of: UInt8(ascii: "="))
            var key: [UInt8] = []
            var value: [UInt8] = []
            URIEncoding.appendEncoded(
                URIEncoding.percentDecode(equals.map { item[..<$0] } ?? item), encodeSlash: true, to: &key)
            if let equals {
                URIEncoding.appendEncoded(
                    URIEncoding.percentDecode(item[(equals + 1)...]), encodeSlash: true, to: &value)
            }
            pairs.append((key, value))
        }
        pairs.sort { lhs, rhs in
            lhs.key == rhs.key ? lhs.value.lexicographicallyPrecedes(rhs.value) : lhs.key.lexicographicallyPrecedes(rhs.key)
        }
        var output: [UInt8] = []
        for (index, pair) in pairs.enumerated() {
            if index > 0 { output.append(UInt8(ascii: "&")) }
            output += pair.key
            output.append(UInt8(ascii: "="))
            output += pair.value
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// CanonicalHeaders and SignedHeaders: lower-case names sorted, each `name:value\n` with values trimmed and
    /// inner whitespace runs collapsed, repeated names joined with ',' in request order.
    static func canonicalHeaders(_ headers: HTTPHeaders) -> (block: String, signedHeaders: String) {
        var valuesByName: [String: [String]] = [:]
        for field in headers {
            let name = field.name.lowercased()
            if unsignedHeaderNames.contains(name) { continue }
            valuesByName[name, default: []].append(normalizedHeaderValue(field.value))
        }
        let names = valuesByName.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        var block = ""
        for name in names {
            block += "\(name):\(valuesByName[name, default: []].joined(separator: ","))\n"
        }
        return (block, names.joined(separator: ";"))
    }

    /// Trims spaces and tabs and collapses each inner run of them to one space.
    static func normalizedHeaderValue(_ value: String) -> String {
        var output: [UInt8] = []
        output.reserveCapacity(value.utf8.count)
        var pendingSpace = false
        for byte in value.utf8 {
            if byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") {
                pendingSpace = !output.isEmpty
                continue
            }
            if pendingSpace {
                output.append(UInt8(ascii: " "))
                pendingSpace = false
            }
            output.append(byte)
        }
        return String(decoding: output, as: UTF8.self)
    }
}

/// The intermediate strings of one signing, for tests and `--debug`. The signing key is not kept.
public struct SigV4Steps: Sendable, Equatable {
    /// Contains the `x-amz-security-token` value when there is one; print `canonicalRequestForDisplay` instead.
    public var canonicalRequest: String
    public var signedHeaders: String
    public var payloadHash: String
    public var credentialScope: String
    public var stringToSign: String
    public var signature: String
    /// The `Authorization` header value.
    public var authorization: String

    /// `canonicalRequest` with the session token value replaced by `<redacted>`, safe for logs.
    public var canonicalRequestForDisplay: String {
        let prefix = "x-amz-security-token:"
        return canonicalRequest.split(separator: "\n", omittingEmptySubsequences: false)
            .map { $0.hasPrefix(prefix) ? "\(prefix)<redacted>" : String($0) }
            .joined(separator: "\n")
    }
}

/// The signing time in UTC in SigV4's two forms, `20150830T123600Z` and `20150830`, computed with `gmtime_r`
/// (no DateFormatter: slow, and locale- and calendar-dependent).
struct SigV4Time: Sendable, Equatable {
    /// `yyyyMMdd'T'HHmmss'Z'`, the `X-Amz-Date` value.
    let amzDate: String
    /// `yyyyMMdd`, the credential scope date.
    let dateStamp: String

    init(_ date: Date) {
        // Clamped to years 1...9999 so the conversion to time_t cannot trap and the year keeps four digits.
        let seconds = min(max(date.timeIntervalSince1970, -62_135_596_800), 253_402_300_799).rounded(.down)
        var time = time_t(seconds)
        var fields = tm()
        // gmtime_r fails only when the year overflows an int, which the clamp above rules out.
        _ = gmtime_r(&time, &fields)
        var digits: [UInt8] = []
        digits.reserveCapacity(16)
        func append(_ value: Int32, width: Int) {
            var divisor: Int32 = 1
            for _ in 1..<width { divisor *= 10 }
            var rest = value
            while divisor > 0 {
                digits.append(UInt8(ascii: "0") + UInt8(rest / divisor))
                rest %= divisor
                divisor /= 10
            }
        }
        append(fields.tm_year + 1900, width: 4)
        append(fields.tm_mon + 1, width: 2)
        append(fields.tm_mday, width: 2)
        dateStamp = String(decoding: digits, as: UTF8.self)
        digits.append(UInt8(ascii: "T"))
        append(fields.tm_hour, width: 2)
        append(fields.tm_min, width: 2)
        append(fields.tm_sec, width: 2)
        digits.append(UInt8(ascii: "Z"))
        amzDate = String(decoding: digits, as: UTF8.self)
    }
}
