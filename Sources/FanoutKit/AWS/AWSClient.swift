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

/// One AWS service at one endpoint. A call goes through separate steps: the protocol builds the request
/// (`AWSProtocol`), the middleware chain retries, signs, decodes error answers and logs (`steps`, outermost first),
/// the transport sends, and the protocol reads the success body; the service clients then decode it strictly.
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
    /// `retry` replaces the configured policy for this call only.
    public func json(targetPrefix: String, action: String, _ body: JSONValue, timeouts: HTTPTimeouts? = nil,
                     retry: RetryPolicy? = nil) async throws -> JSONValue
    {
        let request = AWSProtocol.jsonRequest(endpoint: endpoint, targetPrefix: targetPrefix, action: action, body)
        let response = try await send(request, action: action, timeouts: timeouts, retry: retry)
        return try AWSProtocol.decodeJSON(response, service: service, action: action)
    }

    /// A query-protocol call (form-encoded POST, XML response), as SNS, CloudWatch and STS speak it.
    /// `retry` replaces the configured policy for this call only.
    public func query(action: String, version: String, _ parameters: [(String, String)], timeouts: HTTPTimeouts? = nil,
                      retry: RetryPolicy? = nil) async throws -> XMLNode
    {
        let request = AWSProtocol.queryRequest(endpoint: endpoint, action: action, version: version, parameters)
        let response = try await send(request, action: action, timeouts: timeouts, retry: retry)
        return try AWSProtocol.decodeXML(response, service: service, action: action)
    }

    // MARK: sending

    /// The steps every attempt goes through, outermost first.
    public var steps: [any AWSMiddleware] {
        [RetryStep(), SigningStep(credentials: config.credentials, region: config.region), ErrorDecodingStep(), DebugLogStep()]
    }

    /// Sends `unsigned` through `steps` and the transport; a non-2xx answer becomes an AWSServiceError, and a
    /// transport failure that outlasted the retries a FanoutError about the endpoint.
    public func send(_ unsigned: HTTPRequest, action: String, timeouts: HTTPTimeouts? = nil, retry: RetryPolicy? = nil) async throws -> HTTPResponse {
        let context = AWSCallContext(service: service, endpoint: endpoint, action: action, retry: retry ?? config.retry,
                                     timeouts: timeouts ?? config.timeouts, log: config.log)
        let transport = config.transport
        let handler = AWSMiddlewareChain.handler(steps) { request, context in
            try await transport.send(request, timeouts: context.timeouts)
        }
        do {
            return try await handler(unsigned, context)
        } catch let error as CredentialsUnavailable {
            throw error.underlying
        } catch let error as TransportError {
            throw FanoutError.network("cannot reach \(service.id) at \(endpoint): \(error.message)",
                                      hint: error.isTimeout ? "the request timed out; check the endpoint and your network"
                                          : "check the endpoint and the region, and that the service is up",
                                      subject: .endpoint)
        }
    }

    /// Decodes an error answer of this client's service (see `AWSErrorDecoder`).
    public func decodeError(_ response: HTTPResponse) -> AWSServiceError {
        AWSErrorDecoder.decode(response, service: service)
    }
}

/// The two wire protocols: how a call becomes an unsigned request, and how a success body is read.
public enum AWSProtocol {
    /// JSON 1.0: a POST of the JSON body with `X-Amz-Target`.
    public static func jsonRequest(endpoint: String, targetPrefix: String, action: String, _ body: JSONValue) -> HTTPRequest {
        var headers = HTTPHeaders()
        headers.add("Content-Type", "application/x-amz-json-1.0")
        headers.add("X-Amz-Target", "\(targetPrefix).\(action)")
        return HTTPRequest(method: "POST", url: endpoint, headers: headers, body: body.serializedBytes())
    }

    /// Query: a form-encoded POST of `Action`, `Version` and the parameters (`FormEncoding`).
    public static func queryRequest(endpoint: String, action: String, version: String, _ parameters: [(String, String)]) -> HTTPRequest {
        var headers = HTTPHeaders()
        headers.add("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
        let pairs = [("Action", action), ("Version", version)] + parameters
        return HTTPRequest(method: "POST", url: endpoint, headers: headers, body: Array(FormEncoding.encode(pairs).utf8))
    }

    /// A JSON 1.0 success body; an empty one is an empty object.
    public static func decodeJSON(_ response: HTTPResponse, service: AWSService, action: String) throws -> JSONValue {
        if response.body.isEmpty { return .object([]) }
        do {
            return try JSONValue.parse(response.body)
        } catch {
            throw FanoutError.network("\(service.id) \(action): the response is not JSON (\(error))")
        }
    }

    /// A query success body (XML).
    public static func decodeXML(_ response: HTTPResponse, service: AWSService, action: String) throws -> XMLNode {
        do {
            return try XMLNode.parse(response.body)
        } catch {
            throw FanoutError.network("\(service.id) \(action): the response is not XML (\(error))")
        }
    }
}
