import Foundation
import Testing
@testable import FanoutKit

#if canImport(Glibc)
import Glibc
#endif

/// What one run of the built `fanout` binary produced.
struct RunResult: CustomStringConvertible {
    var status: Int32
    var stdout: String
    var stderr: String
    /// False when the child was ended by a signal (then `status` is the signal number).
    var exited: Bool = true
    var description: String { "exit \(exited ? "" : "by signal ")\(status)\n--- stdout\n\(stdout)\n--- stderr\n\(stderr)" }
}

/// The one way the tests start a child process (the `fanout` binary, or any other program): stdin is written and
/// closed at once, stdout and stderr are read as they come so a test can wait for what the child has said so far,
/// and the child is killed when the object goes away, also when a test fails or throws half-way.
///
/// Every wait blocks on a condition (woken by each chunk of output and by the exit) with a deadline; there is no
/// fixed sleep anywhere. The deadlines are generous on purpose: the suite runs on loaded 2-core machines.
/// @unchecked Sendable: its `Process` is set up once in init and only read afterwards; everything that changes
/// while the child runs lives in `OutputState`, behind its condition lock.
final class FanoutProcess: @unchecked Sendable {
    let arguments: [String]
    private let process = Process()
    private let state = OutputState()

    /// Starts `executable` (the built fanout binary unless given) with these arguments and exactly this environment.
    init(_ arguments: [String], environment: [String: String], stdin: String? = nil, cwd: String? = nil,
         executable: String = Fanout.binary) throws
    {
        self.arguments = arguments
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.environment = environment
        if let cwd { process.currentDirectoryURL = URL(fileURLWithPath: cwd) }
        let out = Pipe(), err = Pipe(), input = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = input
        let state = self.state
        process.terminationHandler = { child in state.exited(status: child.terminationStatus, byExit: child.terminationReason == .exit) }
        try process.run()
        state.read(out.fileHandleForReading, stderr: false)
        state.read(err.fileHandleForReading, stderr: true)
        let writer = input.fileHandleForWriting
        let bytes = Data((stdin ?? "").utf8)
        // On its own thread, so a child that never reads a large stdin cannot block the test.
        Thread.detachNewThread {
            if !bytes.isEmpty { try? writer.write(contentsOf: bytes) }
            try? writer.close()
        }
    }

    deinit {
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }

    var pid: Int32 { process.processIdentifier }
    var isRunning: Bool { !state.snapshot().hasExited }
    /// What the child has written so far.
    var stdout: String { state.snapshot().stdout }
    var stderr: String { state.snapshot().stderr }

    /// Sends a signal (SIGTERM, SIGINT, SIGKILL, …) to the child, if it still runs.
    func signal(_ signal: Int32) {
        if process.isRunning { kill(process.processIdentifier, signal) }
    }

    /// Blocks until `condition` holds for the output so far, or throws at the deadline (also when the child exits
    /// first without it ever holding). The condition is checked after every chunk of output.
    func waitUntil(_ what: String, timeout: Double = 60, _ condition: (_ stdout: String, _ stderr: String) -> Bool) throws {
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            let now = state.snapshot()
            if condition(now.stdout, now.stderr) { return }
            if now.hasExited && now.outClosed && now.errClosed {
                throw TestSetupError("fanout \(arguments.joined(separator: " ")) exited before \(what): \(now.result)")
            }
            if Date() >= deadline {
                throw TestSetupError("fanout \(arguments.joined(separator: " ")): no \(what) within \(timeout) s (still running); its output so far:\n"
                    + "--- stdout\n\(now.stdout)\n--- stderr\n\(now.stderr)")
            }
            state.waitForChange(until: deadline)
        }
    }

    func waitForStdout(containing text: String, timeout: Double = 60) throws {
        try waitUntil("\"\(text)\" on stdout", timeout: timeout) { out, _ in out.contains(text) }
    }

    func waitForStderr(containing text: String, timeout: Double = 60) throws {
        try waitUntil("\"\(text)\" on stderr", timeout: timeout) { _, err in err.contains(text) }
    }

    /// Blocks until stderr holds `text` at least `count` times.
    func waitForStderr(containing text: String, times count: Int, timeout: Double = 60) throws {
        try waitUntil("\(count) × \"\(text)\" on stderr", timeout: timeout) { _, err in err.components(separatedBy: text).count - 1 >= count }
    }

    func waitForStdout(containing text: String, times count: Int, timeout: Double = 60) throws {
        try waitUntil("\(count) × \"\(text)\" on stdout", timeout: timeout) { out, _ in out.components(separatedBy: text).count - 1 >= count }
    }

    /// Blocks until stdout holds at least `count` lines.
    func waitForStdoutLines(_ count: Int, timeout: Double = 60) throws {
        try waitUntil("\(count) lines on stdout", timeout: timeout) { out, _ in out.split(separator: "\n").count >= count }
    }

    /// Blocks until the child has exited and its output is read to the end; at the deadline the child is killed and
    /// this throws. Output still held open by a grandchild after the exit is waited for a few seconds at most.
    func wait(timeout: Double = 120) throws -> RunResult {
        let deadline = Date().addingTimeInterval(timeout)
        while !state.snapshot().hasExited {
            if Date() >= deadline {
                kill(process.processIdentifier, SIGKILL)
                process.waitUntilExit()
                let sofar = state.snapshot()
                throw TestSetupError("fanout \(arguments.joined(separator: " ")) did not finish within \(timeout) s (killed); its output so far:\n"
                    + "--- stdout\n\(sofar.stdout)\n--- stderr\n\(sofar.stderr)")
            }
            state.waitForChange(until: deadline)
        }
        let drained = Date().addingTimeInterval(5)
        while true {
            let now = state.snapshot()
            if (now.outClosed && now.errClosed) || Date() >= drained { return now.result }
            state.waitForChange(until: drained)
        }
    }
}

/// The output and exit of one child, guarded by a condition that is signalled on every change.
/// @unchecked Sendable: every read and write of `current` happens with `condition` locked.
private final class OutputState: @unchecked Sendable {
    struct Snapshot {
        var out = Data(), err = Data()
        var outClosed = false, errClosed = false
        var hasExited = false
        var status: Int32 = 0
        var byExit = true
        var stdout: String { String(decoding: out, as: UTF8.self) }
        var stderr: String { String(decoding: err, as: UTF8.self) }
        var result: RunResult { RunResult(status: status, stdout: stdout, stderr: stderr, exited: byExit) }
    }

    private let condition = NSCondition()
    private var current = Snapshot()

    func snapshot() -> Snapshot {
        condition.lock()
        defer { condition.unlock() }
        return current
    }

    func waitForChange(until deadline: Date) {
        condition.lock()
        _ = condition.wait(until: deadline)
        condition.unlock()
    }

    private func update(_ change: (inout Snapshot) -> Void) {
        condition.lock()
        change(&current)
        condition.broadcast()
        condition.unlock()
    }

    func exited(status: Int32, byExit: Bool) {
        update { $0.hasExited = true; $0.status = status; $0.byExit = byExit }
    }

    /// Reads a pipe to its end on a background thread, so a chatty child never blocks on a full pipe.
    func read(_ handle: FileHandle, stderr: Bool) {
        Thread.detachNewThread { [self] in
            while true {
                let chunk = handle.availableData
                if chunk.isEmpty { break }
                update { if stderr { $0.err.append(chunk) } else { $0.out.append(chunk) } }
            }
            update { if stderr { $0.errClosed = true } else { $0.outClosed = true } }
        }
    }
}

/// Runs the real `fanout` binary (built next to the test bundle) as a user would, against the moto servers that
/// `make test` starts (scripts/with-moto.sh).
enum Fanout {
    /// The built binary: FANOUT_BIN, or `fanout` in the test bundle's build folder.
    static var binary: String {
        if let explicit = ProcessInfo.processInfo.environment["FANOUT_BIN"] { return explicit }
        let bundle = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        var dir = bundle
        for _ in 0..<4 {
            let candidate = dir.appendingPathComponent("fanout").path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            dir = dir.deletingLastPathComponent()
        }
        let fromSource = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent(".build/debug/fanout").path
        return fromSource
    }

    /// The plain moto endpoint; a test that needs it fails (not skips) when `make test` did not provide it.
    static func endpoint() throws -> String {
        guard let e = ProcessInfo.processInfo.environment["FANOUT_TEST_ENDPOINT"] else {
            throw TestSetupError("FANOUT_TEST_ENDPOINT is not set: run the suite with 'make test', which starts moto")
        }
        return e
    }

    /// A clean environment: no AWS settings of the machine leak in; HOME points at an empty folder.
    static func baseEnvironment(home: String) -> [String: String] {
        var env: [String: String] = ["HOME": home, "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin", "NO_COLOR": "1",
                                     "AWS_CONFIG_FILE": home + "/.aws/config", "AWS_SHARED_CREDENTIALS_FILE": home + "/.aws/credentials"]
        if let tmp = ProcessInfo.processInfo.environment["TMPDIR"] { env["TMPDIR"] = tmp }
        return env
    }

    /// The environment for a local AWS endpoint (moto, LocalStack): these keys, us-east-1, that endpoint.
    static func localEnvironment(home: String, endpoint: String, key: String = "AKIDTESTING", secret: String = "testing-secret") -> [String: String] {
        var env = baseEnvironment(home: home)
        env["AWS_ACCESS_KEY_ID"] = key
        env["AWS_SECRET_ACCESS_KEY"] = secret
        env["AWS_REGION"] = "us-east-1"
        env["AWS_ENDPOINT_URL"] = endpoint
        return env
    }

    /// The usual environment for a moto run: dummy keys, us-east-1, the moto endpoint.
    static func motoEnvironment(home: String) throws -> [String: String] {
        localEnvironment(home: home, endpoint: try endpoint())
    }

    /// Starts fanout and returns at once; see `FanoutProcess`.
    static func start(_ arguments: [String], environment: [String: String], stdin: String? = nil, cwd: String? = nil) throws -> FanoutProcess {
        try FanoutProcess(arguments, environment: environment, stdin: stdin, cwd: cwd)
    }

    /// Runs fanout to its end with these arguments and exactly this environment; stdin is empty unless given.
    @discardableResult
    static func run(_ arguments: [String], environment: [String: String], stdin: String? = nil, cwd: String? = nil,
                    timeout: Double = 120) throws -> RunResult
    {
        try start(arguments, environment: environment, stdin: stdin, cwd: cwd).wait(timeout: timeout)
    }
}

/// Waits for a condition outside any child's output (a queue depth, a task's state): checks it every `interval`
/// until it holds, or fails at the deadline with what was last seen. Returns the value that satisfied it.
/// Each await may give the thread away; where a check must come soon after the previous one (the condition is a
/// moment in a running child's life), use the blocking `waitFor` instead.
@discardableResult
func eventually<T>(_ what: String, timeout: Double = 60, interval: Double = 0.2,
                   _ probe: () async throws -> T, until condition: (T) -> Bool) async throws -> T
{
    let deadline = Date().addingTimeInterval(timeout)
    while true {
        let value = try await probe()
        if condition(value) { return value }
        if Date() >= deadline { throw TestSetupError("\(what): not reached within \(timeout) s, last seen \(value)") }
        try await Task.sleep(nanoseconds: UInt64(interval * 1e9))  // the pause between checks; nothing is judged by time
    }
}

/// `eventually` without suspending: the checks and the pauses between them keep this thread. The suite's tests share
/// a thread pool as wide as the machine (two threads on a 2-core machine) and most of them block in `Fanout.run`, so
/// a test that suspended while a child of its own runs could resume only once another test's run ended, seconds late.
func waitFor(_ what: String, timeout: Double = 60, interval: Double = 0.2, _ condition: () throws -> Bool) throws {
    let deadline = Date().addingTimeInterval(timeout)
    while try !condition() {
        if Date() >= deadline { throw TestSetupError("\(what): not reached within \(timeout) s") }
        Thread.sleep(forTimeInterval: interval)  // the pause between checks; nothing is judged by time
    }
}

struct TestSetupError: Error, CustomStringConvertible {
    var description: String
    init(_ d: String) { description = d }
}

/// A temporary folder for one test (HOME, outputs.json, config files), removed at the end.
final class TempDir {
    let path: String
    init() throws {
        path = NSTemporaryDirectory() + "fanout-test-" + UUID().uuidString.prefix(8)
        try FileManager.default.createDirectory(atPath: path + "/.aws", withIntermediateDirectories: true)
    }
    deinit { try? FileManager.default.removeItem(atPath: path) }

    @discardableResult
    func write(_ name: String, _ text: String) throws -> String {
        let file = path + "/" + name
        try FileManager.default.createDirectory(atPath: (file as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try text.write(toFile: file, atomically: true, encoding: .utf8)
        return file
    }
}

/// A short random suffix so parallel tests never share queue or topic names on one moto server.
func uniqueName(_ base: String) -> String { "\(base)-\(UUID().uuidString.prefix(8).lowercased())" }
