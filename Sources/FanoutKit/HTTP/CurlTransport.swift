import CCurl
import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// HTTP over libcurl's multi interface: one event-loop thread per transport drives all of its transfers, so
/// connections are reused across calls (one shared connection cache, keep-alive) and several requests are in
/// flight at once, bounded by `maxConnections`. The only user of CCurl, and the only transport in the product.
///
/// Every piece of curl state (the multi handle, the easy handles, the transfers in flight) belongs to the loop
/// thread alone. Other threads only post messages to it — start this transfer, cancel the transfer with this id —
/// through one mutex-guarded mailbox, and wake it through a pipe. A cancellation names its transfer by a unique
/// id, so it can only ever end the transfer it belongs to, even after that transfer's easy handle was recycled.
/// The thread starts with the first request and ends on `shutdown()` or when the transport is released.
public final class CurlTransport: HTTPTransport {
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

    private let loop: CurlEventLoop

    private static let globalInit: Void = { curl_global_init(Int(CURL_GLOBAL_DEFAULT)) }()

    public init(options: Options = Options()) {
        _ = CurlTransport.globalInit
        loop = CurlEventLoop(options: options)
    }

    /// Releasing the transport shuts its loop down: the thread never outlives the last reference.
    deinit { loop.shutdown() }

    /// Stops the transport: transfers in flight fail with `TransportShutDownError`, the loop thread frees every
    /// curl handle and ends, and every later `send` fails with `TransportShutDownError` at once. Returns without
    /// waiting for the thread; calling it again does nothing.
    public func shutdown() { loop.shutdown() }

    /// The kernel id of the loop thread while it runs (Linux only), so tests can watch it end.
    var loopThreadID: Int32? { loop.threadID }

    /// Whether the loop thread has been started and has not ended yet.
    var isLoopRunning: Bool { loop.isRunning }

    public func send(_ request: HTTPRequest, timeouts: HTTPTimeouts) async throws -> HTTPResponse {
        let gate = CancellationGate()
        let loop = self.loop
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<HTTPResponse, any Error>) in
                let refusal: (any Error)? = gate.phase.withLock { phase in
                    // The task was cancelled before the request was handed over: it never reaches the loop.
                    if case .cancelled = phase { return CancellationError() }
                    switch loop.submit(request, timeouts: timeouts, continuation: continuation) {
                    case .success(let id):
                        phase = .submitted(id)
                        return nil
                    case .failure(let error):
                        phase = .refused
                        return error
                    }
                }
                if let refusal { continuation.resume(throwing: refusal) }
            }
        } onCancel: {
            gate.phase.withLock { phase in
                switch phase {
                case .waiting: phase = .cancelled
                case .submitted(let id): loop.cancel(id)
                case .cancelled, .refused: break
                }
            }
        }
    }
}

/// What `send` throws once the transport was shut down, for requests made afterwards and for those still in
/// flight at that moment. Not retryable: the same transport will never carry the request.
public struct TransportShutDownError: Error, Sendable, CustomStringConvertible {
    public var url: String
    public init(url: String) { self.url = url }
    public var description: String { "the HTTP transport was shut down (\(url))" }
}

/// A transfer's identity for its whole life: ids are never reused, unlike easy handles, which are recycled.
struct TransferID: Hashable, Sendable, CustomStringConvertible {
    let value: UInt64
    var description: String { "#\(value)" }
}

/// One `send` call's handover between its task and its cancellation handler, which may run on another thread,
/// before, during or after the handover. Guarantees that a cancellation either stops the request before it
/// reaches the loop, or is posted to the loop after the start message (the mailbox keeps their order).
private final class CancellationGate: Sendable {
    enum Phase: Sendable {
        /// Not handed to the loop yet, not cancelled.
        case waiting
        /// Cancelled before the handover: the request is never submitted.
        case cancelled
        /// Handed to the loop under this id; a cancellation is sent there as a message.
        case submitted(TransferID)
        /// The loop refused it (shut down); the caller already has its error.
        case refused
    }

    let phase = Mutex(Phase.waiting)
}

/// A request as the loop receives it: its id, what to send, and the continuation to resume exactly once.
private struct TransferOrder: Sendable {
    let id: TransferID
    let request: HTTPRequest
    let timeouts: HTTPTimeouts
    let continuation: CheckedContinuation<HTTPResponse, any Error>
}

/// What other threads tell the loop thread.
private enum LoopMessage: Sendable {
    case start(TransferOrder)
    /// Cancel this transfer if it is still in flight; a transfer that already ended is left alone.
    case cancel(TransferID)
}

/// The loop thread and its mailbox. Other threads only touch the mailbox (under its mutex) and write one byte to
/// the wake-up pipe (under the same mutex, so never after the loop is gone); all curl state lives in the
/// `TransferTable` that only the loop thread sees.
private final class CurlEventLoop: Sendable {
    private enum Phase: Sendable {
        /// No thread yet: the first request starts it.
        case idle
        case running
        /// `shutdown()` was called; the loop fails what is left and ends.
        case stopping
        /// The thread has ended (or could not start); every request is refused with this error's reason.
        case stopped
    }

    private struct Mailbox: Sendable {
        var phase = Phase.idle
        var messages: [LoopMessage] = []
        var nextID: UInt64 = 1
        /// A byte is in the pipe that the loop has not consumed yet: no need to write another.
        var wakePending = false
        /// The pipe's ends while the thread may run; closed in deinit, when no thread or sender is left.
        var wakeRead: Int32 = -1
        var wakeWrite: Int32 = -1
        /// Why the loop refuses new requests, when it could not start.
        var startFailure: String?
        var threadID: Int32?
    }

    private let options: CurlTransport.Options
    private let mailbox = Mutex(Mailbox())

    init(options: CurlTransport.Options) {
        self.options = options
    }

    deinit {
        let (read, write) = mailbox.withLock { ($0.wakeRead, $0.wakeWrite) }
        if read >= 0 { close(read) }
        if write >= 0 { close(write) }
    }

    var threadID: Int32? { mailbox.withLock { $0.threadID } }

    var isRunning: Bool {
        mailbox.withLock {
            switch $0.phase {
            case .running, .stopping: return true
            case .idle, .stopped: return false
            }
        }
    }

    /// Queues a new transfer (starting the thread on first use) and returns its id, or the error to fail it with.
    func submit(_ request: HTTPRequest, timeouts: HTTPTimeouts, continuation: CheckedContinuation<HTTPResponse, any Error>)
        -> Result<TransferID, any Error>
    {
        mailbox.withLock { box -> Result<TransferID, any Error> in
            if case .idle = box.phase {
                if let failure = startThread(&box) {
                    box.phase = .stopped
                    box.startFailure = failure
                }
            }
            switch box.phase {
            case .running:
                let id = TransferID(value: box.nextID)
                box.nextID += 1
                box.messages.append(.start(TransferOrder(id: id, request: request, timeouts: timeouts, continuation: continuation)))
                wake(&box)
                return .success(id)
            case .idle, .stopping, .stopped:
                if let failure = box.startFailure {
                    return .failure(TransportError(code: -1, message: failure, url: request.url))
                }
                return .failure(TransportShutDownError(url: request.url))
            }
        }
    }

    /// Asks the loop to cancel a transfer; ignored once the loop is stopping (it fails every transfer then anyway).
    func cancel(_ id: TransferID) {
        mailbox.withLock { box in
            guard case .running = box.phase else { return }
            box.messages.append(.cancel(id))
            wake(&box)
        }
    }

    func shutdown() {
        mailbox.withLock { box in
            switch box.phase {
            case .idle: box.phase = .stopped
            case .running:
                box.phase = .stopping
                wake(&box)
            case .stopping, .stopped: break
            }
        }
    }

    /// Called under the mailbox lock while the loop runs, so the pipe is open.
    private func wake(_ box: inout Mailbox) {
        guard !box.wakePending else { return }
        box.wakePending = true
        var byte: UInt8 = 1
        // The pipe is non-blocking and holds at most this one byte, so the write cannot block or fail for space;
        // it is only retried when a signal interrupts it.
        while write(box.wakeWrite, &byte, 1) < 0 && errno == EINTR {}
    }

    /// Creates the wake-up pipe and the thread; returns why that failed, if it did. Called under the mailbox lock.
    private func startThread(_ box: inout Mailbox) -> String? {
        var ends: [Int32] = [-1, -1]
        guard pipe(&ends) == 0 else { return "cannot create the HTTP transport's wake-up pipe: \(String(cString: strerror(errno)))" }
        for fd in ends {
            // Non-blocking (the loop drains it without waiting) and close-on-exec (handler processes never inherit it).
            _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
            _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
        }
        box.wakeRead = ends[0]
        box.wakeWrite = ends[1]
        box.phase = .running
        let wakeRead = ends[0]
        let thread = Thread { [self] in run(wakeRead: wakeRead) }
        thread.name = "fanout-curl"
        thread.start()
        return nil
    }

    /// The loop thread: takes messages, drives curl, completes finished transfers, sleeps in curl_multi_poll
    /// until curl or the pipe has something. Ends once `shutdown()` was called, failing what is still in flight.
    private func run(wakeRead: Int32) {
        mailbox.withLock { $0.threadID = Self.currentThreadID() }
        guard let table = TransferTable(options: options) else {
            let orders = mailbox.withLock { box -> [TransferOrder] in
                box.phase = .stopped
                box.startFailure = "curl_multi_init failed"
                box.threadID = nil
                defer { box.messages.removeAll() }
                return box.messages.compactMap { if case .start(let order) = $0 { order } else { nil } }
            }
            for order in orders {
                order.continuation.resume(throwing: TransportError(code: -1, message: "curl_multi_init failed", url: order.request.url))
            }
            return
        }
        while true {
            Self.drain(wakeRead)
            let (messages, stopping) = mailbox.withLock { box -> ([LoopMessage], Bool) in
                box.wakePending = false
                defer { box.messages.removeAll() }
                if case .stopping = box.phase { return (box.messages, true) }
                return (box.messages, false)
            }
            for message in messages {
                switch message {
                case .start(let order):
                    if stopping {
                        order.continuation.resume(throwing: TransportShutDownError(url: order.request.url))
                    } else {
                        table.start(order)
                    }
                case .cancel(let id): table.cancel(id)
                }
            }
            if stopping { break }
            table.perform()
            table.poll(wakeFD: wakeRead)
        }
        table.close()
        mailbox.withLock { box in
            box.phase = .stopped
            box.threadID = nil
        }
    }

    /// Empties the wake-up pipe (non-blocking).
    private static func drain(_ fd: Int32) {
        var buffer = [UInt8](repeating: 0, count: 64)
        while buffer.withUnsafeMutableBytes({ read(fd, $0.baseAddress, $0.count) }) > 0 {}
    }

    /// The calling thread's kernel id, from /proc/thread-self ("<pid>/task/<tid>"); nil off Linux.
    private static func currentThreadID() -> Int32? {
        #if os(Linux)
        var buffer = [CChar](repeating: 0, count: 64)
        let count = readlink("/proc/thread-self", &buffer, buffer.count - 1)
        guard count > 0 else { return nil }
        let link = String(decoding: buffer[0..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return link.split(separator: "/").last.flatMap { Int32($0) }
        #else
        return nil
        #endif
    }
}

/// The loop thread's curl state: the multi handle, the transfers in flight by id and by easy handle, and the
/// idle easy handles kept for reuse. Never shared: only the loop thread creates, uses and closes it.
private final class TransferTable {
    private let multi: UnsafeMutableRawPointer
    private let options: CurlTransport.Options
    private var byID: [TransferID: Transfer] = [:]
    private var byHandle: [UnsafeMutableRawPointer: Transfer] = [:]
    private var idleHandles: [UnsafeMutableRawPointer] = []

    /// nil when curl_multi_init fails (out of memory).
    init?(options: CurlTransport.Options) {
        guard let multi = curl_multi_init() else { return nil }
        self.multi = multi
        self.options = options
        _ = fanout_multi_setopt_long(multi, CURLMOPT_MAX_TOTAL_CONNECTIONS, options.maxConnections)
        _ = fanout_multi_setopt_long(multi, CURLMOPT_MAXCONNECTS, options.maxConnections)
    }

    func start(_ order: TransferOrder) {
        let transfer = Transfer(order)
        guard let handle = idleHandles.popLast() ?? curl_easy_init() else {
            transfer.finish(.failure(TransportError(code: -1, message: "curl_easy_init failed", url: transfer.request.url)))
            return
        }
        if let failure = transfer.configure(handle, options: options) {
            recycle(handle)
            transfer.finish(.failure(failure))
            return
        }
        let code = curl_multi_add_handle(multi, handle)
        guard code == CURLM_OK else {
            recycle(handle)
            transfer.finish(.failure(TransportError(code: Int(code.rawValue), message: "curl_multi_add_handle failed", url: transfer.request.url)))
            return
        }
        transfer.handle = handle
        byID[transfer.id] = transfer
        byHandle[handle] = transfer
    }

    /// Ends the transfer with this id if it is still in flight. A transfer that already completed is gone from
    /// the table, so a late cancellation finds nothing — whichever transfer its old easy handle carries now.
    func cancel(_ id: TransferID) {
        guard let transfer = byID.removeValue(forKey: id) else { return }
        if let handle = transfer.handle {
            byHandle[handle] = nil
            curl_multi_remove_handle(multi, handle)
            transfer.handle = nil
            recycle(handle)
        }
        transfer.finish(.failure(CancellationError()))
    }

    /// Lets curl move every transfer along and completes the finished ones.
    func perform() {
        var running: Int32 = 0
        curl_multi_perform(multi, &running)
        var left: Int32 = 0
        while let message = curl_multi_info_read(multi, &left) {
            guard message.pointee.msg == CURLMSG_DONE, let handle = message.pointee.easy_handle,
                  let transfer = byHandle.removeValue(forKey: handle) else { continue }
            let code = message.pointee.data.result
            byID[transfer.id] = nil
            curl_multi_remove_handle(multi, handle)
            transfer.complete(handle: handle, code: code)
            transfer.handle = nil
            recycle(handle)
        }
    }

    /// Sleeps until curl has work (its own timers shorten the wait) or the pipe is written.
    func poll(wakeFD: Int32) {
        var extra = curl_waitfd(fd: wakeFD, events: Int16(POLLIN), revents: 0)
        var ready: Int32 = 0
        curl_multi_poll(multi, &extra, 1, byID.isEmpty ? 60_000 : 1_000, &ready)
    }

    /// Fails what is still in flight with `TransportShutDownError` and frees every curl handle.
    func close() {
        let remaining = byID.values
        byID.removeAll()
        byHandle.removeAll()
        for transfer in remaining {
            if let handle = transfer.handle {
                curl_multi_remove_handle(multi, handle)
                curl_easy_cleanup(handle)
                transfer.handle = nil
            }
            transfer.finish(.failure(TransportShutDownError(url: transfer.request.url)))
        }
        for handle in idleHandles { curl_easy_cleanup(handle) }
        idleHandles.removeAll()
        curl_multi_cleanup(multi)
    }

    private func recycle(_ handle: UnsafeMutableRawPointer) {
        curl_easy_reset(handle)
        idleHandles.append(handle)
    }
}

/// One request's state while libcurl carries it: the request, its header list, the response buffers and the
/// continuation of the waiting `send`. Lives on the loop thread only.
private final class Transfer {
    let id: TransferID
    let request: HTTPRequest
    let timeouts: HTTPTimeouts
    private var continuation: CheckedContinuation<HTTPResponse, any Error>?
    /// The easy handle while the transfer is in the multi handle.
    var handle: UnsafeMutableRawPointer?
    private var headerList: UnsafeMutablePointer<curl_slist>?
    private var body: [UInt8] = []
    private var headerLines: [String] = []
    /// curl writes its error text here (CURLOPT_ERRORBUFFER); allocated so its address stays fixed.
    private let errorBuffer: UnsafeMutablePointer<CChar>

    init(_ order: TransferOrder) {
        id = order.id
        request = order.request
        timeouts = order.timeouts
        continuation = order.continuation
        errorBuffer = .allocate(capacity: Int(CURL_ERROR_SIZE) + 1)
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
    }

    deinit {
        if let continuation {
            // Every path through the loop finishes its transfer; reaching this is a bug, never a hang.
            assertionFailure("transfer \(id) dropped without resuming its caller")
            continuation.resume(throwing: TransportError(code: -1, message: "transfer dropped by the transport", url: request.url))
        }
        curl_slist_free_all(headerList)
        errorBuffer.deallocate()
    }

    /// Resumes the waiting task: exactly once per transfer.
    func finish(_ result: Result<HTTPResponse, any Error>) {
        guard let continuation else {
            assertionFailure("transfer \(id) resumed twice")
            return
        }
        self.continuation = nil
        continuation.resume(with: result)
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
        errorBuffer[0] = 0
        check("ERRORBUFFER", fanout_easy_setopt_pointer(h, CURLOPT_ERRORBUFFER, errorBuffer))

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
            let detail = String(cString: errorBuffer)
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
