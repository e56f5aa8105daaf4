import Foundation

/// One call on its way through the steps of an `AWSClient`: what it is and the settings that apply to it.
/// Steps read it; the retry step sets `attempt`.
public struct AWSCallContext: Sendable {
    public var service: AWSService
    public var endpoint: String
    public var action: String
    public var retry: RetryPolicy
    public var timeouts: HTTPTimeouts
    public var log: DebugLog?
    /// 1 for the first attempt.
    public var attempt: Int

    public init(service: AWSService, endpoint: String, action: String, retry: RetryPolicy, timeouts: HTTPTimeouts,
                log: DebugLog? = nil, attempt: Int = 1)
    {
        self.service = service
        self.endpoint = endpoint
        self.action = action
        self.retry = retry
        self.timeouts = timeouts
        self.log = log
        self.attempt = attempt
    }
}

/// The rest of the chain as a step sees it: takes a request, answers with the raw response.
public typealias AWSHandler = @Sendable (HTTPRequest, AWSCallContext) async throws -> HTTPResponse

/// One step between a built request and its raw response, after soto-core's middleware: it may change the
/// request, act on the response or the error, or call the rest of the chain more than once.
public protocol AWSMiddleware: Sendable {
    func handle(_ request: HTTPRequest, _ context: AWSCallContext, next: AWSHandler) async throws -> HTTPResponse
}

/// Composes steps in order (the first is outermost) in front of a final handler, usually the transport.
public enum AWSMiddlewareChain {
    public static func handler(_ steps: [any AWSMiddleware], then last: @escaping AWSHandler) -> AWSHandler {
        steps.reversed().reduce(last) { next, step in
            { request, context in try await step.handle(request, context, next: next) }
        }
    }
}

/// Retries the rest of the chain as `context.retry` says (SDK standard mode), logging each retry.
public struct RetryStep: AWSMiddleware {
    public init() {}

    public func handle(_ request: HTTPRequest, _ context: AWSCallContext, next: AWSHandler) async throws -> HTTPResponse {
        let policy = context.retry
        var context = context
        while true {
            try Task.checkCancellation()
            do {
                return try await next(request, context)
            } catch let error where policy.isRetryable(error) && context.attempt < policy.maxAttempts {
                let delay = policy.delay(beforeRetry: context.attempt - 1)
                context.log?("  retrying \(context.service.id).\(context.action) in \(String(format: "%.2f", delay)) s after "
                    + "\(Self.reason(error)) (attempt \(context.attempt + 1)/\(policy.maxAttempts) next)")
                try await Task.sleep(nanoseconds: UInt64(delay * 1e9))
                context.attempt += 1
            }
        }
    }

    static func reason(_ error: any Error) -> String {
        if let e = error as? AWSServiceError { return "HTTP \(e.httpStatus) \(e.code)" }
        if let e = error as? TransportError { return e.message }
        return "\(error)"
    }
}

/// Signs each attempt with SigV4, fetching the credentials anew for it (they may have been refreshed).
public struct SigningStep: AWSMiddleware {
    public let credentials: @Sendable () async throws -> Credentials
    public let region: String

    public init(credentials: @escaping @Sendable () async throws -> Credentials, region: String) {
        self.credentials = credentials
        self.region = region
    }

    public func handle(_ request: HTTPRequest, _ context: AWSCallContext, next: AWSHandler) async throws -> HTTPResponse {
        let current: Credentials
        do {
            current = try await credentials()
        } catch {
            // The credential source made its own attempts (STS retries itself): this call does not retry it.
            throw CredentialsUnavailable(underlying: error)
        }
        let signer = SigV4Signer(credentials: current, region: region, service: context.service.signingName)
        return try await next(signer.sign(request, date: Date()), context)
    }
}

/// Carries a credential-source failure past the retry step (which never retries it); `AWSClient.send` rethrows
/// the underlying error unchanged.
public struct CredentialsUnavailable: Error, Sendable {
    public var underlying: any Error
}

/// Turns a non-2xx answer into the `AWSServiceError` its body describes, and logs it.
public struct ErrorDecodingStep: AWSMiddleware {
    public init() {}

    public func handle(_ request: HTTPRequest, _ context: AWSCallContext, next: AWSHandler) async throws -> HTTPResponse {
        let response = try await next(request, context)
        if (200..<300).contains(response.status) { return response }
        let error = AWSErrorDecoder.decode(response, service: context.service)
        context.log?("  error: \(error.code): \(error.message)")
        throw error
    }
}

/// The `--debug` lines of one attempt: the signed request (headers and body), then status, timing, request id
/// and a successful answer's body. Everything goes through `DebugLog`, which redacts secrets and signatures.
public struct DebugLogStep: AWSMiddleware {
    public init() {}

    public func handle(_ request: HTTPRequest, _ context: AWSCallContext, next: AWSHandler) async throws -> HTTPResponse {
        guard let log = context.log else { return try await next(request, context) }
        let name = "\(context.service.id).\(context.action)"
        log("→ \(request.method) \(request.url) \(name) (attempt \(context.attempt)/\(context.retry.maxAttempts))")
        for field in request.headers { log("  \(field.name): \(field.value)") }
        if !request.body.isEmpty { log("  body: \(Self.preview(request.body))") }
        let started = DispatchTime.now().uptimeNanoseconds
        let response = try await next(request, context)
        let ms = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e6
        log("← \(response.status) \(name) in \(String(format: "%.1f", ms)) ms"
            + (AWSErrorDecoder.requestId(response).map { " request-id \($0)" } ?? ""))
        if (200..<300).contains(response.status), !response.body.isEmpty { log("  body: \(Self.preview(response.body))") }
        return response
    }

    /// At most 2,000 characters of a body.
    static func preview(_ body: [UInt8]) -> String {
        let text = String(decoding: body.prefix(2000), as: UTF8.self)
        return body.count > 2000 ? text + "… (\(body.count) bytes)" : text
    }
}

/// Reads an AWS error answer: JSON 1.0 (`__type`, `message`), query XML (`<Error><Code>`), or anything else by status.
public enum AWSErrorDecoder {
    public static func decode(_ response: HTTPResponse, service: AWSService) -> AWSServiceError {
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
            message = htmlSummary(trimmed)
        } else {
            message = String(trimmed.prefix(200))
        }
        if code.isEmpty, let queryError = response.headers["x-amzn-query-error"] {
            code = String(queryError.split(separator: ";").first ?? "")
        }
        if code.isEmpty { code = "HTTP\(response.status)" }
        return AWSServiceError(service: service.id, code: code, message: message, requestId: requestId, httpStatus: response.status)
    }

    static func requestId(_ response: HTTPResponse) -> String? {
        response.headers["x-amzn-RequestId"] ?? response.headers["x-amz-request-id"]
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
