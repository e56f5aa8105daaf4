import Foundation

/// HTTP header fields in order, looked up case-insensitively; a name may repeat.
public struct HTTPHeaders: Sendable, Equatable, Sequence {
    public private(set) var fields: [(name: String, value: String)] = []

    public init(_ fields: [(String, String)] = []) {
        self.fields = fields.map { (name: $0.0, value: $0.1) }
    }

    public static func == (lhs: HTTPHeaders, rhs: HTTPHeaders) -> Bool {
        lhs.fields.elementsEqual(rhs.fields) { $0.name == $1.name && $0.value == $1.value }
    }

    /// The first value of the named field.
    public subscript(name: String) -> String? {
        let lower = name.lowercased()
        return fields.first { $0.name.lowercased() == lower }?.value
    }

    /// Replaces every field of that name with one field.
    public mutating func set(_ name: String, _ value: String) {
        remove(name)
        fields.append((name: name, value: value))
    }

    public mutating func add(_ name: String, _ value: String) {
        fields.append((name: name, value: value))
    }

    public mutating func remove(_ name: String) {
        let lower = name.lowercased()
        fields.removeAll { $0.name.lowercased() == lower }
    }

    public func makeIterator() -> IndexingIterator<[(name: String, value: String)]> { fields.makeIterator() }
}

/// A request as it goes on the wire. `url` is absolute and already percent-encoded
/// (`https://sqs.eu-west-1.amazonaws.com/`).
public struct HTTPRequest: Sendable {
    public var method: String
    public var url: String
    public var headers: HTTPHeaders
    public var body: [UInt8]

    public init(method: String, url: String, headers: HTTPHeaders = HTTPHeaders(), body: [UInt8] = []) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
    }

    /// The parts of `url` the signer and the transport need.
    public var components: URLParts { URLParts(url) }
}

/// A response as it came off the wire.
public struct HTTPResponse: Sendable {
    public var status: Int
    public var headers: HTTPHeaders
    public var body: [UInt8]

    public init(status: Int, headers: HTTPHeaders = HTTPHeaders(), body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    public var bodyText: String { String(decoding: body, as: UTF8.self) }
}

/// A minimal split of an absolute URL: scheme, host (with port when given), path and raw query.
/// The path and query are kept exactly as written (encoded or not).
public struct URLParts: Sendable, Equatable {
    public var scheme: String
    /// host[:port], as it goes into the Host header.
    public var authority: String
    public var path: String
    /// The text after '?', without it; nil when the URL has no '?'.
    public var query: String?

    public init(scheme: String, authority: String, path: String, query: String?) {
        self.scheme = scheme
        self.authority = authority
        self.path = path
        self.query = query
    }

    public init(_ url: String) {
        var rest = Substring(url)
        if let r = rest.range(of: "://") {
            scheme = rest[..<r.lowerBound].lowercased()
            rest = rest[r.upperBound...]
        } else {
            scheme = "https"
        }
        if let hash = rest.firstIndex(of: "#") { rest = rest[..<hash] }
        let pathStart = rest.firstIndex { $0 == "/" || $0 == "?" } ?? rest.endIndex
        authority = String(rest[..<pathStart])
        let afterAuthority = rest[pathStart...]
        if let q = afterAuthority.firstIndex(of: "?") {
            path = String(afterAuthority[..<q])
            query = String(afterAuthority[afterAuthority.index(after: q)...])
        } else {
            path = String(afterAuthority)
            query = nil
        }
        if path.isEmpty { path = "/" }
    }

    /// The host without a port, and without brackets for IPv6 literals.
    public var host: String {
        if authority.hasPrefix("["), let end = authority.firstIndex(of: "]") {
            return String(authority[authority.index(after: authority.startIndex)..<end])
        }
        if let colon = authority.lastIndex(of: ":") { return String(authority[..<colon]) }
        return authority
    }

    /// The Host header value: the authority without a default port.
    public var hostHeader: String {
        if scheme == "https", authority.hasSuffix(":443") { return String(authority.dropLast(4)) }
        if scheme == "http", authority.hasSuffix(":80") { return String(authority.dropLast(3)) }
        return authority
    }
}

/// Connect and total timeouts for one request, in seconds.
public struct HTTPTimeouts: Sendable, Equatable {
    public var connect: Double
    public var total: Double
    public init(connect: Double = 10, total: Double = 60) {
        self.connect = connect
        self.total = total
    }
}

/// All network I/O goes through this protocol. `CurlTransport` is the only implementation in the product;
/// tests may add fakes for faults a real server cannot produce.
public protocol HTTPTransport: Sendable {
    func send(_ request: HTTPRequest, timeouts: HTTPTimeouts) async throws -> HTTPResponse
}

/// A failure below HTTP: DNS, connect, TLS, timeout. Retryable.
public struct TransportError: Error, Sendable, CustomStringConvertible {
    public var code: Int
    public var message: String
    public var url: String
    public var isTimeout: Bool
    public init(code: Int, message: String, url: String, isTimeout: Bool = false) {
        self.code = code
        self.message = message
        self.url = url
        self.isTimeout = isTimeout
    }
    public var description: String { "\(message) (\(url))" }
}
