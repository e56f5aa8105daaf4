import Foundation
import Synchronization
import Testing

@testable import FanoutKit

/// The child-process runner behind `consume --exec` and credential_process. Every wait has a deadline; no test
/// sleeps and then asserts on timing. The deadlines are generous: they catch a hang, and the whole suite runs
/// these next to integration tests that block threads of the shared pool while they wait for the CLI.
@Suite("Child processes")
struct ChildProcessTests {
    static let environment = ["PATH": "/usr/bin:/bin"]

    static func child(_ command: String, input: ChildProcess.Input = .bytes([]), limit: Int = 1 << 20,
                      timeout: Duration? = nil, grace: Duration = .seconds(2)) -> ChildProcess
    {
        ChildProcess(command: command, environment: environment, input: input, errorOutput: .captured,
                     outputLimit: limit, timeout: timeout, gracePeriod: grace)
    }

    /// Whether a process with this id still exists (a zombie counts).
    static func exists(_ pid: Int32) -> Bool { kill(pid, 0) == 0 || errno != ESRCH }

    @Test func fourMebibytesGoThroughCatWithoutAPipeDeadlock() async throws {
        let input = (0..<(4 << 20)).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ $0 >> 12) }
        let result = try await within(120) {
            try await Self.child("cat; echo done >&2", input: .bytes(input), limit: 8 << 20).run()
        }
        #expect(result.termination == .exited(0))
        #expect(result.stop == nil)
        #expect(result.stdout.count == input.count)
        #expect(result.stdout == input)
        #expect(result.stderr == Array("done\n".utf8))
    }

    @Test func aChildThatDoesNotReadItsInputIsNotAnError() async throws {
        let result = try await within(120) {
            try await Self.child("echo ignored", input: .bytes(Array(repeating: 7, count: 4 << 20))).run()
        }
        #expect(result.termination == .exited(0))
        #expect(result.stdout == Array("ignored\n".utf8))
    }

    @Test func exitStatusAndSignal() async throws {
        let exited = try await within(120) { try await Self.child("exit 7").run() }
        #expect(exited.termination == .exited(7))
        #expect(exited.exitStatus == 7)
        let signaled = try await within(120) { try await Self.child("kill -KILL $$").run() }
        #expect(signaled.termination == .signaled(SIGKILL))
        #expect(signaled.exitStatus == 128 + SIGKILL)
    }

    @Test func theEnvironmentIsExactAndTheWorkingDirectoryIsSet() async throws {
        let directory = FileManager.default.temporaryDirectory.resolvingSymlinksInPath().path
        let child = ChildProcess(
            command: #"printf '%s|%s|%s' "$ONLY" "${HOME-unset}" "$(pwd -P)""#, environment: ["ONLY": "this"],
            workingDirectory: directory, outputLimit: 1024, timeout: .seconds(30))
        let result = try await within(120) { try await child.run() }
        #expect(String(decoding: result.stdout, as: UTF8.self) == "this|unset|\(directory)")
    }

    @Test func passedThroughStderrIsNotCaptured() async throws {
        let child = ChildProcess(command: "echo out; echo 'stderr passes through' >&2", environment: Self.environment,
                                 input: .bytes([]), errorOutput: .passedThrough, outputLimit: 1024, timeout: .seconds(30))
        let result = try await within(120) { try await child.run() }
        #expect(result.stdout == Array("out\n".utf8))
        #expect(result.stderr.isEmpty)
    }

    @Test func outputPastTheCapKillsTheChild() async throws {
        let result = try await within(120) { try await Self.child("yes", limit: 10_000).run() }
        #expect(result.stop == .outputLimitExceeded)
        #expect(result.stdout.count == 10_000)
        #expect(result.termination == .signaled(SIGKILL))
        #expect(!Self.exists(result.processID))
    }

    @Test func capturedStderrHasTheCapToo() async throws {
        let result = try await within(120) { try await Self.child("yes >&2", limit: 10_000).run() }
        #expect(result.stop == .outputLimitExceeded)
        #expect(result.stderr.count == 10_000)
    }

    @Test func aTimeoutSendsSigterm() async throws {
        let result = try await within(120) {
            try await Self.child("exec sleep 100", timeout: .milliseconds(300)).run()
        }
        #expect(result.stop == .timedOut)
        #expect(result.termination == .signaled(SIGTERM))
        #expect(!Self.exists(result.processID))
    }

    @Test func aChildThatIgnoresSigtermGetsSigkillAfterTheGracePeriod() async throws {
        let result = try await within(120) {
            try await Self.child("trap '' TERM; echo ready; while :; do sleep 0.1; done",
                                 timeout: .milliseconds(300), grace: .milliseconds(300)).run()
        }
        #expect(result.stop == .timedOut)
        #expect(result.termination == .signaled(SIGKILL))
        #expect(!Self.exists(result.processID))
    }

    @Test func cancellationKillsTheChild() async throws {
        let pidFile = FileManager.default.temporaryDirectory.appendingPathComponent("fanout-child-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: pidFile) }
        let run = Task { try await Self.child("echo $$ > '\(pidFile.path)'; exec sleep 100").run() }
        defer { run.cancel() }
        let pid = try await eventually(120) { () -> Int32? in
            guard let text = try? String(contentsOf: pidFile, encoding: .utf8), text.hasSuffix("\n") else { return nil }
            return Int32(text.trimmingCharacters(in: .whitespacesAndNewlines))
        }
        #expect(Self.exists(pid))
        run.cancel()
        let outcome = await within(120) { await run.result }
        #expect(throws: CancellationError.self) { try outcome.get() }
        #expect(!Self.exists(pid), "the run returns only once the child is gone")
    }

    @Test func aGrandchildHoldingStdoutDoesNotHangTheRun() async throws {
        let result = try await within(120) { try await Self.child("sleep 100 & echo $!; echo hi").run() }
        let lines = String(decoding: result.stdout, as: UTF8.self).split(separator: "\n")
        #expect(result.termination == .exited(0))
        #expect(lines.last == "hi")
        if let grandchild = lines.first.flatMap({ Int32($0) }) { kill(grandchild, SIGKILL) }
    }

    /// Fifty children at once, each blocked on a full pipe for a while: every run completes, and meanwhile the
    /// cooperative pool stays free for other work (a fresh task completes before any child does).
    @Test func fiftyConcurrentRunsDoNotStarveThePool() async throws {
        let input = Array(repeating: UInt8(ascii: "x"), count: 256 << 10)
        let firstChildDone = FirstInstant()
        let results = try await within(300) {
            try await withThrowingTaskGroup(of: (Int, ChildProcess.Result).self) { group in
                for i in 0..<50 {
                    group.addTask {
                        let result = try await Self.child("sleep 1; cat; echo \(i) >&2", input: .bytes(input)).run()
                        firstChildDone.record()
                        return (i, result)
                    }
                }
                // Give every child a chance to start before probing the pool.
                _ = try await eventually(120) { () -> Bool? in Self.childCount() >= 50 || firstChildDone.value != nil ? true : nil }
                let probe = await Task { ContinuousClock.now }.value
                var all: [Int: ChildProcess.Result] = [:]
                for try await (i, result) in group { all[i] = result }
                let first = try #require(firstChildDone.value)
                #expect(probe < first, "a task on the pool completed while the children ran")
                return all
            }
        }
        #expect(results.count == 50)
        for (i, result) in results {
            #expect(result.termination == .exited(0))
            #expect(result.stdout == input)
            #expect(result.stderr == Array("\(i)\n".utf8))
        }
    }

    /// Children of this process, from /proc (0 where /proc is missing).
    static func childCount() -> Int {
        let me = getpid()
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: "/proc") else { return 0 }
        return entries.reduce(0) { count, entry in
            guard Int32(entry) != nil,
                  let stat = try? String(contentsOfFile: "/proc/\(entry)/stat", encoding: .utf8),
                  let close = stat.lastIndex(of: ")") else { return count }
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            return fields.count > 1 && Int32(fields[1]) == me ? count + 1 : count
        }
    }
}

/// The first time something happened, shared between tasks.
final class FirstInstant: Sendable {
    private let instant = Mutex<ContinuousClock.Instant?>(nil)
    var value: ContinuousClock.Instant? { instant.withLock { $0 } }
    func record() { instant.withLock { if $0 == nil { $0 = .now } } }
}

/// Runs `body`, failing the test (and cancelling `body`) if it takes longer than `seconds`.
func within<T: Sendable>(_ seconds: Double, sourceLocation: SourceLocation = #_sourceLocation,
                         _ body: @escaping @Sendable () async throws -> T) async throws -> T
{
    try await withThrowingTaskGroup(of: T?.self) { group in
        group.addTask { try await body() }
        group.addTask {
            try await Task.sleep(for: .seconds(seconds))
            return nil
        }
        defer { group.cancelAll() }
        guard let first = try await group.next(), let value = first else {
            Issue.record("did not finish within \(seconds) s", sourceLocation: sourceLocation)
            throw CancellationError()
        }
        return value
    }
}

func within<T: Sendable>(_ seconds: Double, sourceLocation: SourceLocation = #_sourceLocation,
                         _ body: @escaping @Sendable () async -> T) async -> T
{
    let task = Task { await body() }
    let timer = Task {
        try await Task.sleep(for: .seconds(seconds))
        Issue.record("did not finish within \(seconds) s", sourceLocation: sourceLocation)
    }
    let value = await task.value
    timer.cancel()
    return value
}

/// Polls `condition` every 20 ms until it returns a value, failing after `seconds`.
func eventually<T: Sendable>(_ seconds: Double, sourceLocation: SourceLocation = #_sourceLocation,
                             _ condition: @escaping @Sendable () -> T?) async throws -> T
{
    let deadline = ContinuousClock.now + .seconds(seconds)
    while ContinuousClock.now < deadline {
        if let value = condition() { return value }
        try await Task.sleep(for: .milliseconds(20))
    }
    Issue.record("condition not met within \(seconds) s", sourceLocation: sourceLocation)
    throw CancellationError()
}
