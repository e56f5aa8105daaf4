import CCurl
import Foundation

/// HTTP over libcurl's multi interface: one event-loop thread drives every transfer of the process, so
/// connections are reused across calls (one shared connection cache, keep-alive) and several requests are in
/// flight at once, bounded by `maxConnections`. The only user of CCurl, and the only transport in the product.
public final class CurlTransport: HTTPTransport, @unchecked Sendable {
    /// How the transport is set up: TLS, proxies and the connection bound.
    public struct Options: Sendable {
        public var maxConnections: Int
        /// AWS_CA_BUNDLE: a PEM file of trusted CAs; nil uses the system store.
        public var caBundle: String?
        /// Explicit proxies by scheme ("http", "https"), and hosts that bypass them.
        public var proxies: [String: String]
        public var noProxy: String?
        public var userAgent: String

        public init(maxConnections: Int = 32, caBundle: String? = nil, proxies: [String: String] = [:], noProxy: String? = nil,
                    userAgent: String = "fanout")
        {
            self.maxConnections = maxConnections
            self.caBundle = caBundle
            self.proxies = proxies
            self.noProxy = noProxy
            self.userAgent = userAgent
        }

        /// Reads AWS_CA_BUNDLE and the usual proxy variables (HTTPS_PROXY/https_proxy, HTTP_PROXY/http_proxy,
        /// ALL_PROXY, NO_PROXY/no_proxy).
        public static func from(_ env: Environment, userAgent: String = "fanout") -> Options {
            var proxies: [String: String] = [:]
            let all = env["ALL_PROXY"] ?? env["all_proxy"]
            if let p = env["HTTPS_PROXY"] ?? env["https_proxy"] ?? all { proxies["https"] = p }
            if let p = env["HTTP_PROXY"] ?? env["http_proxy"] ?? all { proxies["http"] = p }
            return Options(caBundle: env["AWS_CA_BUNDLE"].map(env.expandingTilde), proxies: proxies,
                           noProxy: env["NO_PROXY"] ?? env["no_proxy"], userAgent: userAgent)
        }
    }

    private let options: Options
    private let multi: UnsafeMutableRawPointer
    private let lock = NSLock()
    private var pending: [Transfer] = []
    private var cancelled: [Transfer] = []
    private var active: [UnsafeMutableRawPointer: Transfer] = [:]
    private var idleHandles: [UnsafeMutableRawPointer] = []
    private var loopStarted = false

    private static let globalInit: Void = { curl_global_init(Int(CURL_GLOBAL_DEFAULT)) }()

    public init(options: Options = Options()) {
        _ = CurlTransport.globalInit
        self.options = options
        // curl_multi_init returns NULL only when out of memory; nothing sensible can follow that.
        guard let m = curl_multi_init() else { fatalError("curl_multi_init failed: out of memory") }
        multi = m
        _ = fanout_multi_setopt_long(multi, CURLMOPT_MAX_TOTAL_CONNECTIONS, options.maxConnections)
        _ = fanout_multi_setopt_long(multi, CURLMOPT_MAXCONNECTS, options.maxConnections)
    }

    deinit {
        for handle in idleHandles { curl_easy_cleanup(handle) }
        curl_multi_cleanup(multi)
    }

    public func send(_ request: HTTPRequest, timeouts: HTTPTimeouts) async throws -> HTTPResponse {
        let transfer = Transfer(request: request, timeouts: timeouts)
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<HTTPResponse, any Error>) in
                transfer.continuation = continuation
                lock.lock()
                if transfer.cancelRequested {
                    lock.unlock()
                    transfer.finish(.failure(CancellationError()))
                    return
                }
                pending.append(transfer)
                let start = !loopStarted
                loopStarted = true
                lock.unlock()
                if start { startLoop() }
                curl_multi_wakeup(multi)
            }
        } onCancel: {
            lock.lock()
            transfer.cancelRequested = true
            if transfer.continuation != nil { cancelled.append(transfer) }
            lock.unlock()
            curl_multi_wakeup(multi)
        }
    }

    private func startLoop() {
        let thread = Thread { [unowned self] in self.runLoop() }
        thread.name = "fanout-curl"
        thread.start()
    }

    /// The event loop: adds new transfers, drives curl, completes finished ones, sleeps in curl_multi_poll.
    private func runLoop() {
        var running: Int32 = 0
        while true {
            lock.lock()
            let newTransfers = pending
            pending.removeAll()
            let toCancel = cancelled
            cancelled.removeAll()
            lock.unlock()

            for transfer in newTransfers where !transfer.cancelRequested {
                start(transfer)
            }
            for transfer in newTransfers where transfer.cancelRequested {
                transfer.finish(.failure(CancellationError()))
            }
            for transfer in toCancel {
                if let handle = transfer.handle, active[handle] != nil {
                    active[handle] = nil
                    curl_multi_remove_handle(multi, handle)
                    recycle(handle)
                    transfer.finish(.failure(CancellationError()))
                }
            }

            curl_multi_perform(multi, &running)
            var left: Int32 = 0
            while let message = curl_multi_info_read(multi, &left) {
                guard message.pointee.msg == CURLMSG_DONE, let handle = message.pointee.easy_handle,
                      let transfer = active[handle] else { continue }
                let code = message.pointee.data.result
                active[handle] = nil
                curl_multi_remove_handle(multi, handle)
                transfer.complete(handle: handle, code: code)
                recycle(handle)
            }
            var fds: Int32 = 0
            curl_multi_poll(multi, nil, 0, active.isEmpty ? 5000 : 100, &fds)
        }
    }

    private func recycle(_ handle: UnsafeMutableRawPointer) {
        curl_easy_reset(handle)
        idleHandles.append(handle)
    }

    private func start(_ transfer: Transfer) {
        guard let handle = idleHandles.popLast() ?? curl_easy_init() else {
            transfer.finish(.failure(TransportError(code: -1, message: "curl_easy_init failed", url: transfer.request.url)))
            return
        }
        if let failure = transfer.configure(handle, options: options) {
            recycle(handle)
            transfer.finish(.failure(failure))
            return
        }
        active[handle] = transfer
        transfer.handle = handle
        let code = curl_multi_add_handle(multi, handle)
        if code != CURLM_OK {
            active[handle] = nil
            recycle(handle)
            transfer.finish(.failure(TransportError(code: Int(code.rawValue), message: "curl_multi_add_handle failed", url: transfer.request.url)))
        }
    }
}

/// One request's state while libcurl carries it: the request, its header list and the response buffers.
private final class Transfer: @unchecked Sendable {
    let request: HTTPRequest
    let timeouts: HTTPTimeouts
    var continuation: CheckedContinuation<HTTPResponse, any Error>?
    var cancelRequested = false
    var handle: UnsafeMutableRawPointer?
    var headerList: UnsafeMutablePointer<curl_slist>?
    var body: [UInt8] = []
    var headerLines: [String] = []
    var errorBuffer = [CChar](repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)

    init(request: HTTPRequest, timeouts: HTTPTimeouts) {
        self.request = request
        self.timeouts = timeouts
    }

    deinit { curl_slist_free_all(headerList) }

    /// Resumes the waiting task once.
    func finish(_ result: Result<HTTPResponse, any Error>) {
        guard let c = continuation else { return }
        continuation = nil
        c.resume(with: result)
    }

    /// Sets every option for this request; returns an error when curl refuses one.
    func configure(_ h: UnsafeMutableRawPointer, options: CurlTransport.Options) -> TransportError? {
        var failed: (String, CURLcode)?
        func check(_ name: String, _ code: CURLcode) { if code != CURLE_OK && failed == nil { failed = (name, code) } }
        check("URL", fanout_easy_setopt_string(h, CURLOPT_URL, request.url))
        check("NOSIGNAL", fanout_easy_setopt_long(h, CURLOPT_NOSIGNAL, 1))
        check("CONNECTTIMEOUT", fanout_easy_setopt_long(h, CURLOPT_CONNECTTIMEOUT_MS, Int(timeouts.connect * 1000)))
        check("TIMEOUT", fanout_easy_setopt_long(h, CURLOPT_TIMEOUT_MS, Int(timeouts.total * 1000)))
        check("TCP_KEEPALIVE", fanout_easy_setopt_long(h, CURLOPT_TCP_KEEPALIVE, 1))
        check("SSL_VERIFYPEER", fanout_easy_setopt_long(h, CURLOPT_SSL_VERIFYPEER, 1))
        check("SSL_VERIFYHOST", fanout_easy_setopt_long(h, CURLOPT_SSL_VERIFYHOST, 2))
        check("USERAGENT", fanout_easy_setopt_string(h, CURLOPT_USERAGENT, options.userAgent))
        if let ca = options.caBundle { check("CAINFO", fanout_easy_setopt_string(h, CURLOPT_CAINFO, ca)) }
        let scheme = request.components.scheme
        if let proxy = options.proxies[scheme] { check("PROXY", fanout_easy_setopt_string(h, CURLOPT_PROXY, proxy)) }
        else { check("PROXY", fanout_easy_setopt_string(h, CURLOPT_PROXY, "")) }
        if let noProxy = options.noProxy { check("NOPROXY", fanout_easy_setopt_string(h, CURLOPT_NOPROXY, noProxy)) }
        check("ERRORBUFFER", errorBuffer.withUnsafeMutableBufferPointer { fanout_easy_setopt_pointer(h, CURLOPT_ERRORBUFFER, $0.baseAddress) })

        switch request.method {
        case "GET": check("HTTPGET", fanout_easy_setopt_long(h, CURLOPT_HTTPGET, 1))
        case "POST":
            check("POST", fanout_easy_setopt_long(h, CURLOPT_POST, 1))
        default:
            check("CUSTOMREQUEST", fanout_easy_setopt_string(h, CURLOPT_CUSTOMREQUEST, request.method))
        }
        if request.method != "GET" {
            check("POSTFIELDSIZE", fanout_easy_setopt_off(h, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(request.body.count)))
            // COPYPOSTFIELDS copies the bytes, so the body's storage need not outlive this call.
            check("COPYPOSTFIELDS", request.body.withUnsafeBufferPointer { buf in
                buf.withMemoryRebound(to: CChar.self) { fanout_easy_setopt_pointer(h, CURLOPT_COPYPOSTFIELDS, UnsafeMutableRawPointer(mutating: $0.baseAddress ?? UnsafePointer(bitPattern: 1))) }
            })
        }

        curl_slist_free_all(headerList)
        headerList = nil
        for field in request.headers { headerList = curl_slist_append(headerList, "\(field.name): \(field.value)") }
        // No "Expect: 100-continue" round trip, and no default Accept or Content-Type of curl's own.
        headerList = curl_slist_append(headerList, "Expect:")
        if request.headers["Accept"] == nil { headerList = curl_slist_append(headerList, "Accept:") }
        if request.headers["Content-Type"] == nil { headerList = curl_slist_append(headerList, "Content-Type:") }
        check("HTTPHEADER", fanout_easy_setopt_slist(h, CURLOPT_HTTPHEADER, headerList))

        let me = Unmanaged.passUnretained(self).toOpaque()
        check("WRITEFUNCTION", fanout_easy_setopt_write(h, CURLOPT_WRITEFUNCTION) { ptr, size, count, user in
            guard let ptr, let user else { return 0 }
            let transfer = Unmanaged<Transfer>.fromOpaque(user).takeUnretainedValue()
            let n = size * count
            ptr.withMemoryRebound(to: UInt8.self, capacity: n) { transfer.body.append(contentsOf: UnsafeBufferPointer(start: $0, count: n)) }
            return n
        })
        check("WRITEDATA", fanout_easy_setopt_pointer(h, CURLOPT_WRITEDATA, me))
        check("HEADERFUNCTION", fanout_easy_setopt_write(h, CURLOPT_HEADERFUNCTION) { ptr, size, count, user in
            guard let ptr, let user else { return 0 }
            let transfer = Unmanaged<Transfer>.fromOpaque(user).takeUnretainedValue()
            let n = size * count
            let line = ptr.withMemoryRebound(to: UInt8.self, capacity: n) { String(decoding: UnsafeBufferPointer(start: $0, count: n), as: UTF8.self) }
            transfer.headerLines.append(line)
            return n
        })
        check("HEADERDATA", fanout_easy_setopt_pointer(h, CURLOPT_HEADERDATA, me))
        if let (name, code) = failed {
            return TransportError(code: Int(code.rawValue), message: "libcurl refused option \(name): \(String(cString: curl_easy_strerror(code)))", url: request.url)
        }
        return nil
    }

    /// Builds the response (or the transport error) once curl reports the transfer done.
    func complete(handle h: UnsafeMutableRawPointer, code: CURLcode) {
        guard code == CURLE_OK else {
            let detail = errorBuffer.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }  // buffer is NUL-terminated by construction
            let text = detail.isEmpty ? String(cString: curl_easy_strerror(code)) : detail
            finish(.failure(TransportError(code: Int(code.rawValue), message: text, url: request.url,
                                           isTimeout: code == CURLE_OPERATION_TIMEDOUT)))
            return
        }
        var status = 0
        _ = fanout_easy_getinfo_long(h, CURLINFO_RESPONSE_CODE, &status)
        // Keep only the last response's headers (a proxy CONNECT or a 100 Continue adds earlier blocks).
        var headers = HTTPHeaders()
        for raw in headerLines {
            let line = raw.trimmingCharacters(in: .whitespacesAndNewlines)
            if line.hasPrefix("HTTP/") { headers = HTTPHeaders(); continue }
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers.add(String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces))
        }
        finish(.success(HTTPResponse(status: status, headers: headers, body: body)))
    }
}
