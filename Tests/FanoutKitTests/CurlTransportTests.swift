import Foundation
import Synchronization
import Testing
@testable import FanoutKit

#if canImport(Glibc)
import Glibc
#endif

/// The real CurlTransport against real servers: the plain moto server of `make test` and, for answers slow
/// enough that a cancellation lands while a transfer is on the wire, a loopback server of the test's own.
@Suite struct CurlTransportTests {
    /// Thousands of concurrent sends with cancellations landing before, during and after their transfers: every
    /// send returns (a response, or CancellationError when it was cancelled), and the transport still works after.
    @Test func everySendReturnsUnderRandomCancellations() async throws {
        let moto = try motoEndpoint()
        let slow = try SlowLoopbackServer()
        defer { slow.stop() }
        let transport = CurlTransport(options: .init(maxConnections: 32))
        defer { transport.shutdown() }

        let plans = (0..<3000).map { TransferPlan.random(index: $0, moto: moto, slow: slow.url) }
        let tally = Tally()
        let storm = Task {
            await withTaskGroup(of: Void.self) { group in
                var next = 0
                func launch() {
                    let plan = plans[next]
                    next += 1
                    group.addTask { tally.record(plan, await plan.run(on: transport)) }
                }
                // At most 96 sends at once, so transfers are really on the wire when their cancellations arrive.
                while next < min(96, plans.count) { launch() }
                for await _ in group where next < plans.count { launch() }
            }
        }
        let allReturned = await waitUntil(seconds: 60) { tally.returned == plans.count }
        let summary = tally.summary
        #expect(allReturned, "\(plans.count - tally.returned) of \(plans.count) sends never returned; \(summary)")
        guard allReturned else { return }
        await storm.value

        #expect(summary.failures.isEmpty, "\(summary)")
        #expect(summary.responses + summary.cancelled == plans.count, "\(summary)")
        // The storm exercised both sides: cancellations sent while a send was under way ended some transfers,
        // and others completed before their cancellation came.
        #expect(summary.cancelledAfterStart > 0, "\(summary)")
        #expect(summary.answeredDespiteCancel > 0, "\(summary)")
        let after = try await transport.send(TransferPlan.listQueues(moto), timeouts: HTTPTimeouts(connect: 5, total: 10))
        #expect(after.status == 200)
    }

    /// A send whose task is already cancelled never reaches the loop, which therefore never starts.
    @Test func cancelledBeforeSendingNeverStartsTheLoop() async throws {
        let transport = CurlTransport()
        let outcome = await Task {
            withUnsafeCurrentTask { $0?.cancel() }
            do {
                _ = try await transport.send(HTTPRequest(method: "GET", url: "http://127.0.0.1:9/"), timeouts: HTTPTimeouts())
                return "answered"
            } catch is CancellationError {
                return "cancelled"
            } catch {
                return "\(error)"
            }
        }.value
        #expect(outcome == "cancelled")
        #expect(!transport.isLoopRunning)
    }

    /// shutdown() fails the transfer in flight, ends the loop thread, and every later send fails at once.
    @Test func shutdownEndsTheLoopThreadAndRefusesLaterSends() async throws {
        let moto = try motoEndpoint()
        let slow = try SlowLoopbackServer()
        defer { slow.stop() }
        let transport = CurlTransport()
        let first = try await transport.send(TransferPlan.listQueues(moto), timeouts: HTTPTimeouts(connect: 5, total: 10))
        #expect(first.status == 200)
        let thread = try #require(transport.loopThreadID)
        #expect(threadExists(thread))

        let inFlight = Task { () -> String in
            do {
                _ = try await transport.send(HTTPRequest(method: "GET", url: slow.url + "/delay/20000"), timeouts: HTTPTimeouts(connect: 5, total: 30))
                return "answered"
            } catch is TransportShutDownError {
                return "shut down"
            } catch {
                return "\(error)"
            }
        }
        #expect(await waitUntil(seconds: 10) { slow.requestsSeen >= 1 }, "the slow request never reached the server")
        transport.shutdown()
        let started = ContinuousClock.now
        #expect(await inFlight.value == "shut down")
        #expect(ContinuousClock.now - started < .seconds(5), "the transfer in flight should fail at shutdown, not run to its end")
        #expect(await waitUntil(seconds: 10) { !threadExists(thread) }, "loop thread \(thread) still runs after shutdown()")
        #expect(!transport.isLoopRunning)

        await #expect(throws: TransportShutDownError.self) {
            _ = try await transport.send(TransferPlan.listQueues(moto), timeouts: HTTPTimeouts(connect: 5, total: 10))
        }
        transport.shutdown()  // a second call is harmless
    }

    /// Transports created, used and then shut down or simply released leave no thread behind.
    @Test func transportsShutDownOrReleasedLeaveNoThreads() async throws {
        let moto = try motoEndpoint()
        var threads: [Int32] = []
        for round in 0..<60 {
            let transport = CurlTransport()
            let response = try await transport.send(TransferPlan.listQueues(moto), timeouts: HTTPTimeouts(connect: 5, total: 10))
            #expect(response.status == 200)
            threads.append(try #require(transport.loopThreadID))
            // Half are shut down explicitly, half only released when `transport` goes out of scope.
            if round.isMultiple(of: 2) { transport.shutdown() }
        }
        #expect(Set(threads).count == threads.count, "each transport has its own loop thread")
        let gone = await waitUntil(seconds: 15) { threads.allSatisfy { !threadExists($0) } }
        #expect(gone, "loop threads still running: \(threads.filter(threadExists))")
    }
}

// MARK: - The stress plan

/// One send of the stress test: where it goes and when (if ever) its task is cancelled.
private struct TransferPlan: Sendable {
    enum Cancellation: Sendable {
        case never
        /// The task is cancelled before it calls send.
        case beforeSend
        /// Another task cancels it this many microseconds after it started: before, during or after the transfer.
        case after(microseconds: UInt64)
    }

    var request: HTTPRequest
    var cancellation: Cancellation

    /// SQS ListQueues on moto: cheap, and moto answers it without a signature.
    static func listQueues(_ endpoint: String) -> HTTPRequest {
        HTTPRequest(method: "POST", url: endpoint + "/",
                    headers: HTTPHeaders([("Content-Type", "application/x-www-form-urlencoded")]),
                    body: Array("Action=ListQueues&Version=2012-11-05".utf8))
    }

    static func random(index: Int, moto: String, slow: String) -> TransferPlan {
        // A third go to moto; the rest to the loopback server, answered after 0–20 ms.
        let toMoto = index % 3 == 0
        let delay = UInt64.random(in: 0...20)
        let request = toMoto ? listQueues(moto) : HTTPRequest(method: "GET", url: slow + "/delay/\(delay)")
        let roll = Int.random(in: 0..<100)
        let cancellation: Cancellation =
            roll < 25 ? .never
            : roll < 40 ? .beforeSend
            : .after(microseconds: UInt64.random(in: 0...((toMoto ? 60 : 2 * delay + 30) * 1000)))
        return TransferPlan(request: request, cancellation: cancellation)
    }

    /// What became of one send.
    enum Outcome: Sendable {
        case response(Int)
        case cancelled
        case failed(String)
    }

    func run(on transport: CurlTransport) async -> Outcome {
        let request = self.request
        let cancelFirst = if case .beforeSend = cancellation { true } else { false }
        let send = Task { () -> Outcome in
            if cancelFirst { withUnsafeCurrentTask { $0?.cancel() } }
            do {
                return .response(try await transport.send(request, timeouts: HTTPTimeouts(connect: 5, total: 30)).status)
            } catch is CancellationError {
                return .cancelled
            } catch {
                return .failed("\(error)")
            }
        }
        if case .after(let microseconds) = cancellation {
            try? await Task.sleep(nanoseconds: microseconds * 1000)
            send.cancel()
        }
        return await send.value
    }
}

/// Outcomes of the stress test, counted from many tasks.
private final class Tally: Sendable {
    struct Summary: Sendable, CustomStringConvertible {
        var responses = 0
        var cancelled = 0
        /// Cancelled by another task after the send had started.
        var cancelledAfterStart = 0
        /// Answered although a cancellation came (too late to matter).
        var answeredDespiteCancel = 0
        var failures: [String] = []
        var description: String {
            "\(responses) responses (\(answeredDespiteCancel) despite a late cancel), \(cancelled) cancelled (\(cancelledAfterStart) after starting), "
                + "\(failures.count) failures: \(failures.prefix(5))"
        }
    }

    private let state = Mutex((returned: 0, summary: Summary()))

    func record(_ plan: TransferPlan, _ outcome: TransferPlan.Outcome) {
        state.withLock { state in
            state.returned += 1
            switch (outcome, plan.cancellation) {
            case (.response(let status), _) where status != 200:
                state.summary.failures.append("HTTP \(status) from \(plan.request.url)")
            case (.response, .never):
                state.summary.responses += 1
            case (.response, .after):
                state.summary.responses += 1
                state.summary.answeredDespiteCancel += 1
            case (.response, .beforeSend):
                state.summary.failures.append("a send cancelled beforehand was answered: \(plan.request.url)")
            case (.cancelled, .never):
                state.summary.failures.append("a send nobody cancelled threw CancellationError: \(plan.request.url)")
            case (.cancelled, .beforeSend):
                state.summary.cancelled += 1
            case (.cancelled, .after):
                state.summary.cancelled += 1
                state.summary.cancelledAfterStart += 1
            case (.failed(let text), _):
                state.summary.failures.append(text)
            }
        }
    }

    var returned: Int { state.withLock { $0.returned } }
    var summary: Summary { state.withLock { $0.summary } }
}

// MARK: - Support

/// The plain moto server of `make test`; fails (does not skip) when the suite was not started through it.
private func motoEndpoint() throws -> String {
    guard let endpoint = ProcessInfo.processInfo.environment["FANOUT_TEST_ENDPOINT"] else {
        throw TransportTestSetupError("FANOUT_TEST_ENDPOINT is not set: run the suite with 'make test', which starts moto")
    }
    return endpoint
}

private struct TransportTestSetupError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// Whether this process still has a thread with this kernel id.
private func threadExists(_ id: Int32) -> Bool {
    FileManager.default.fileExists(atPath: "/proc/self/task/\(id)")
}

/// Checks `condition` every 10 ms until it holds or `seconds` have passed; returns whether it held.
private func waitUntil(seconds: Double, _ condition: () -> Bool) async -> Bool {
    let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
    while !condition() {
        if ContinuousClock.now >= deadline { return false }
        try? await Task.sleep(nanoseconds: 10_000_000)
    }
    return true
}

/// Stands in only for slow answers, which moto cannot give: a loopback HTTP/1.1 server (keep-alive, one thread per
/// connection) that answers `GET /delay/<ms>` with 200 after that many milliseconds, so a cancellation can land
/// while a transfer is on the wire. Every other request of these tests goes to moto.
private final class SlowLoopbackServer: Sendable {
    let url: String
    private let listener: Int32
    private let seen = Mutex(0)

    init() throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw TransportTestSetupError("socket() failed: errno \(errno)") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer -> Bool in
                bind(fd, pointer, length) == 0 && getsockname(fd, pointer, &length) == 0
            }
        }
        guard bound, listen(fd, 512) == 0 else {
            close(fd)
            throw TransportTestSetupError("cannot listen on a loopback port: errno \(errno)")
        }
        listener = fd
        url = "http://127.0.0.1:\(UInt16(bigEndian: address.sin_port))"
        Thread.detachNewThread { [self] in acceptConnections() }
    }

    /// How many requests have arrived so far.
    var requestsSeen: Int { seen.withLock { $0 } }

    /// Stops accepting; connections still open end when their clients close them.
    func stop() {
        Glibc.shutdown(listener, Int32(SHUT_RDWR))
    }

    deinit { close(listener) }

    private func acceptConnections() {
        while true {
            let connection = accept(listener, nil, nil)
            if connection < 0 {
                if errno == EINTR || errno == ECONNABORTED { continue }
                return
            }
            Thread.detachNewThread { [self] in serve(connection) }
        }
    }

    /// Answers requests on one connection until the client closes it.
    private func serve(_ fd: Int32) {
        defer { close(fd) }
        var buffer: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        let headerEnd: [UInt8] = Array("\r\n\r\n".utf8)
        while true {
            // Read until one whole request (headers, then Content-Length bytes of body) is buffered.
            var end: Int?
            while true {
                if let range = buffer.firstRange(of: headerEnd) { end = range.upperBound; break }
                let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
                if n <= 0 { return }
                buffer.append(contentsOf: chunk[0..<n])
            }
            guard let end else { return }
            let head = String(decoding: buffer[0..<end], as: UTF8.self)
            let lines = head.split(separator: "\r\n")
            let contentLength = lines.compactMap { line -> Int? in
                let parts = line.split(separator: ":", maxSplits: 1)
                guard parts.count == 2, parts[0].lowercased() == "content-length" else { return nil }
                return Int(parts[1].trimmingCharacters(in: .whitespaces))
            }.first ?? 0
            while buffer.count < end + contentLength {
                let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
                if n <= 0 { return }
                buffer.append(contentsOf: chunk[0..<n])
            }
            buffer.removeFirst(end + contentLength)
            seen.withLock { $0 += 1 }
            let path = lines.first?.split(separator: " ").dropFirst().first ?? "/"
            let milliseconds = path.hasPrefix("/delay/") ? UInt32(path.dropFirst("/delay/".count)) ?? 0 : 0
            usleep(milliseconds * 1000)
            let body = "slow \(milliseconds)"
            let response = Array("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: \(body.utf8.count)\r\n\r\n\(body)".utf8)
            // MSG_NOSIGNAL: a client that cancelled and closed the connection must not raise SIGPIPE here.
            let sent = response.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if sent != response.count { return }
        }
    }
}
