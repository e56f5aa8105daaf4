import Foundation

/// What every AWS call of one process shares: the transport, credentials, region, retries, timeouts and the
/// debug log.
public struct AWSClientConfig: Sendable {
    public var transport: any HTTPTransport
    public var credentials: @Sendable () async throws -> Credentials
    public var region: String
    public var retry: RetryPolicy
    public var timeouts: HTTPTimeouts
    public var log: DebugLog?

    public init(transport: any HTTPTransport, credentials: @escaping @Sendable () async throws -> Credentials, region: String,
                retry: RetryPolicy = RetryPolicy(), timeouts: HTTPTimeouts = HTTPTimeouts(), log: DebugLog? = nil)
    {
        self.transport = transport
        self.credentials = credentials
        self.region = region
        self.retry = retry
        self.timeouts = timeouts
        self.log = log
    }
}

/// One AWS service at one endpoint: signs, sends, retries and decodes errors for the JSON 1.0 and query protocols.
public struct AWSClient: Sendable {
    public let service: AWSService
    public let endpoint: String
    public let config: AWSClientConfig

    public init(service: AWSService, endpoint: String, config: AWSClientConfig) {
        self.service = service
        self.endpoint = endpoint
        self.config = config
    }

    // MARK: protocols

    /// A JSON 1.0 call (`X-Amz-Target: <targetPrefix>.<action>`), as SQS and DynamoDB speak it.
    public func json(targetPrefix: String, action: String, _ body: JSONValue, timeouts: HTTPTimeouts? = nil) async throws -> JSONValue {
        var headers = HTTPHeaders()
        headers.add("Content-Type", "application/x-amz-json-1.0")
        headers.add("X-Amz-Target", "\(targetPrefix).\(action)")
        let request = HTTPRequest(method: "POST", url: endpoint, headers: headers, body: body.serializedBytes())
        let response = try await send(request, action: action, timeouts: timeouts)
        if response.body.isEmpty { return .object([]) }
        do {
            return try JSONValue.parse(response.body)
        } catch {
            throw FanoutError.network("\(service.id) \(action): the response is not JSON (\(error))")
        }
    }

    /// A query-protocol call (form-encoded POST, XML response), as SNS, CloudWatch and STS speak it.
    public func query(action: String, version: String, _ parameters: [(String, String)], timeouts: HTTPTimeouts? = nil) async throws -> XMLNode {
        var headers = HTTPHeaders()
        headers.add("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
        let pairs = [("Action", action), ("Version", version)] + parameters
        let request = HTTPRequest(method: "POST", url: endpoint, headers: headers, body: Array(FormEncoding.encode(pairs).utf8))
        let response = try await send(request, action: action, timeouts: timeouts)
        do {
            return try XMLNode.parse(response.body)
        } catch {
            throw FanoutError.network("\(service.id) \(action): the response is not XML (\(error))")
        }
    }

    // MARK: sending

    /// Signs and sends with retries; a non-2xx answer becomes an AWSServiceError.
    public func send(_ unsigned: HTTPRequest, action: String, timeouts: HTTPTimeouts? = nil) async throws -> HTTPResponse {
        let policy = config.retry
        var attempt = 1
        while true {
            try Task.checkCancellation()
            let credentials = try await config.credentials()
            let signer = SigV4Signer(credentials: credentials, region: config.region, service: service.signingName)
            let request = signer.sign(unsigned, date: Date())
            let started = DispatchTime.now().uptimeNanoseconds
            if let log = config.log {
                log("→ \(request.method) \(request.url) \(service.id).\(action) (attempt \(attempt)/\(policy.maxAttempts))")
                for field in request.headers { log("  \(field.name): \(field.value)") }
                if !request.body.isEmpty { log("  body: \(Self.preview(request.body))") }
            }
            do {
                let response = try await config.transport.send(request, timeouts: timeouts ?? config.timeouts)
                let ms = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e6
                config.log?("← \(response.status) \(service.id).\(action) in \(String(format: "%.1f", ms)) ms"
                    + (requestId(response).map { " request-id \($0)" } ?? ""))
                if (200..<300).contains(response.status) {
                    if let log = config.log, !response.body.isEmpty { log("  body: \(Self.preview(response.body))") }
                    return response
                }
                let error = decodeError(response)
                config.log?("  error: \(error.code): \(error.message)")
                throw error
            } catch let error where policy.isRetryable(error) && attempt < policy.maxAttempts {
                let delay = policy.delay(beforeRetry: attempt - 1)
                config.log?("  retrying \(service.id).\(action) in \(String(format: "%.2f", delay)) s after \(Self.reason(error)) (attempt \(attempt + 1)/\(policy.maxAttempts) next)")
                try await Task.sleep(nanoseconds: UInt64(delay * 1e9))
                attempt += 1
            } catch let error as TransportError {
                throw FanoutError.network("cannot reach \(service.id) at \(endpoint): \(error.message)",
                                          hint: error.isTimeout ? "the request timed out; check the endpoint and your network" : "check --endpoint-url / the region, and that the service is up")
            }
        }
    }

    static func reason(_ error: any Error) -> String {
        if let e = error as? AWSServiceError { return "HTTP \(e.httpStatus) \(e.code)" }
        if let e = error as? TransportError { return e.message }
        return "\(error)"
    }

    /// At most 2,000 characters of a body, for --debug.
    static func preview(_ body: [UInt8]) -> String {
        let text = String(decoding: body.prefix(2000), as: UTF8.self)
        return body.count > 2000 ? text + "… (\(body.count) bytes)" : text
    }

    func requestId(_ response: HTTPResponse) -> String? {
        response.headers["x-amzn-RequestId"] ?? response.headers["x-amz-request-id"]
    }

    /// Decodes an error answer: JSON 1.0 (`__type`, `message`), query XML (`<Error><Code>`), or anything else by status.
    public func decodeError(_ response: HTTPResponse) -> AWSServiceError {
        var code = ""
        var message = ""
        var requestId = self.requestId(response)
        let trimmed = response.bodyText.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.hasPrefix("{"), let json = try? JSONValue.parse(response.body) {
            let type = json["__type"]?.string ?? json["code"]?.string ?? json["Code"]?.string ?? ""
            code = String(type.split(separator: "#").last ?? "").split(separator: ":").first.map(String.init) ?? ""
            message = json["message"]?.string ?? json["Message"]?.string ?? ""
        } else if trimmed.hasPrefix("<"), let xml = try? XMLNode.parse(response.body), let error = xml.find("Error") {
            code = error.text("Code") ?? ""
            message = error.text("Message") ?? ""
            requestId = requestId ?? xml.find("RequestId")?.text ?? xml.find("RequestID")?.text
        } else if trimmed.hasPrefix("<") {
            // An HTML page (a proxy, or an emulator's unimplemented action): keep its title or first text.
            message = Self.htmlSummary(trimmed)
        } else {
            message = String(trimmed.prefix(200))
        }
        if code.isEmpty, let queryError = response.headers["x-amzn-query-error"] {
            code = String(queryError.split(separator: ";").first ?? "")
        }
        if code.isEmpty { code = "HTTP\(response.status)" }
        return AWSServiceError(service: service.id, code: code, message: message, requestId: requestId, httpStatus: response.status)
    }

    static func htmlSummary(_ html: String) -> String {
        if let start = html.range(of: "<title>"), let end = html.range(of: "</title>", range: start.upperBound..<html.endIndex) {
            return String(html[start.upperBound..<end.lowerBound])
        }
        var text = ""
        var inTag = false
        for ch in html {
            if ch == "<" { inTag = true } else if ch == ">" { inTag = false; text += " " } else if !inTag { text.append(ch) }
        }
        return String(text.split(whereSeparator: \.isWhitespace).joined(separator: " ").prefix(200))
    }
}
