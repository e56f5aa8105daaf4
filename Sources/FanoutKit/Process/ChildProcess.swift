#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Subprocess
import Synchronization

/// One run of `/bin/sh -c command` as a child process: an exact environment, optional working directory, bytes
/// on stdin (or our own stdin), stdout collected up to a cap, stderr collected or passed through, a timeout, and
/// cancellation.
///
/// It runs on swift-subprocess, which spawns with `posix_spawn`, sets the pipes non-blocking and waits for them
/// and for the child's exit on its own monitor thread (epoll on Linux, kqueue on macOS). Nothing here blocks a
/// thread of the cooperative pool: writing stdin and reading stdout and stderr are awaits that run concurrently,
/// so a child can never stall on a full pipe while we wait on another one.
///
/// - **Output cap**: stdout (and captured stderr) are each kept up to `outputLimit` bytes; one byte more and the
///   child gets SIGKILL and the result's `stop` is `.outputLimitExceeded`.
/// - **Timeout**: after `timeout` the child gets SIGTERM, then SIGKILL once `gracePeriod` has passed; `stop` is
///   `.timedOut`.
/// - **Cancellation**: cancelling the calling task does the same (SIGTERM, SIGKILL after `gracePeriod`), waits
///   for the child to be gone and throws `CancellationError`.
/// - **A child that leaves a grandchild behind** (`sleep 100 & echo hi`): the grandchild inherits stdout and
///   would keep the pipe open forever. When the child exits, swift-subprocess stops waiting on its pipes, reads
///   what is already buffered once more, and the run returns; the grandchild is left alone.
///
/// Signals go to the child only, not to its process group: a credential helper reading our terminal must stay in
/// the foreground process group.
struct ChildProcess: Sendable {
    enum Input: Sendable {
        /// These bytes, then end of file. A child that exits or closes stdin before reading them all is not an
        /// error: its exit status tells how it went.
        case bytes([UInt8])
        /// Our own stdin, so the command can prompt on the terminal.
        case inherited
    }

    enum ErrorOutput: Sendable {
        /// Collected into the result, under the same cap as stdout.
        case captured
        /// Written by the child straight to our stderr.
        case passedThrough
    }

    /// How the child ended.
    enum Termination: Sendable, Equatable {
        case exited(Int32)
        case signaled(Int32)
    }

    /// Why the run stopped the child before it ended on its own.
    enum Stop: Sendable, Equatable {
        case timedOut
        case outputLimitExceeded
    }

    struct Result: Sendable {
        var processID: Int32
        /// `nil` only when the child was stopped and its status could not be read.
        var termination: Termination?
        var stdout: [UInt8]
        var stderr: [UInt8]
        var stop: Stop?

        /// The exit status as a shell reports it: the code, or 128 + the signal.
        var exitStatus: Int32 {
            switch termination {
            case .exited(let code): code
            case .signaled(let signal): 128 + signal
            case nil: -1
            }
        }
    }

    /// The child could not be started, or its pipes failed.
    struct Failure: Error, Sendable, CustomStringConvertible {
        var description: String
    }

    var command: String
    var environment: [String: String]
    var workingDirectory: String?
    var input: Input
    var errorOutput: ErrorOutput
    /// Bytes kept of stdout (and of captured stderr); more and the child is killed.
    var outputLimit: Int
    var timeout: Duration?
    /// Between SIGTERM and SIGKILL, on timeout and on cancellation.
    var gracePeriod: Duration

    init(command: String, environment: [String: String], workingDirectory: String? = nil, input: Input = .bytes([]),
         errorOutput: ErrorOutput = .captured, outputLimit: Int, timeout: Duration?, gracePeriod: Duration = .seconds(2))
    {
        self.command = command
        self.environment = environment
        self.workingDirectory = workingDirectory
        self.input = input
        self.errorOutput = errorOutput
        self.outputLimit = outputLimit
        self.timeout = timeout
        self.gracePeriod = gracePeriod
    }

    /// Runs the command to its end (or until it is stopped) and returns what it left behind.
    func run() async throws -> Result {
        // Writing to a child that closed its stdin must fail with EPIPE, not end this process. Children get the
        // default dispositions back (swift-subprocess spawns with POSIX_SPAWN_SETSIGDEF).
        _ = Self.brokenPipeIgnored
        let run = RunState()
        let finished: Finished?
        do {
            finished = try await withThrowingTaskGroup(of: Finished?.self) { group in
                group.addTask { try await self.launch(run) }
                if let timeout {
                    group.addTask {
                        try await Task.sleep(for: timeout)
                        return nil
                    }
                }
                if let first = try await group.next(), let done = first {
                    group.cancelAll()
                    return done
                }
                // The timer fired. Cancelling the launch makes swift-subprocess send SIGTERM, then SIGKILL after
                // the grace period; the launch returns once the child has been reaped.
                run.stopping(.timedOut)
                group.cancelAll()
                return try await group.next() ?? nil
            }
        } catch {
            if run.stop == .timedOut, let pid = run.processID {
                return Result(processID: pid, termination: nil, stdout: [], stderr: [], stop: .timedOut)
            }
            if Task.isCancelled || error is CancellationError { throw CancellationError() }
            if let error = error as? Failure { throw error }
            throw Failure(description: "\(error)")
        }
        if Task.isCancelled, run.stop != .timedOut { throw CancellationError() }
        guard let finished else { throw Failure(description: "the child process was not started") }
        return Result(processID: finished.processID, termination: finished.termination, stdout: finished.stdout,
                      stderr: finished.stderr, stop: run.stop)
    }

    private static let brokenPipeIgnored: Void = { _ = signal(SIGPIPE, SIG_IGN) }()

    /// What a launch collected.
    private struct Finished: Sendable {
        var processID: Int32
        var termination: Termination
        var stdout: [UInt8]
        var stderr: [UInt8]
    }

    private struct Streams: Sendable {
        var stdout: [UInt8] = []
        var stderr: [UInt8] = []
    }

    /// The run's facts shared between its tasks.
    private final class RunState: Sendable {
        private struct Facts {
            var processID: Int32?
            var stop: Stop?
        }

        private let facts = Mutex(Facts())

        var processID: Int32? { facts.withLock { $0.processID } }
        var stop: Stop? { facts.withLock { $0.stop } }

        func started(_ pid: Int32) { facts.withLock { $0.processID = pid } }

        /// The first reason wins.
        func stopping(_ reason: Stop) { facts.withLock { if $0.stop == nil { $0.stop = reason } } }
    }

    private func launch(_ run: RunState) async throws -> Finished {
        var options = PlatformOptions()
        // Used by swift-subprocess when the launching task is cancelled (our timeout, or the caller's cancel);
        // SIGKILL always follows the last step.
        options.teardownSequence = [.send(signal: .terminate, allowedDurationToNextStep: gracePeriod)]
        var env: [Subprocess.Environment.Key: String] = [:]
        for (key, value) in environment { env[Subprocess.Environment.Key(stringLiteral: key)] = value }
        var configuration = Configuration(
            executable: .path("/bin/sh"), arguments: ["-c", command], environment: .custom(env),
            platformOptions: options)
        if let workingDirectory { configuration.workingDirectory = .some(.init(workingDirectory)) }

        func finished(_ streams: Streams, _ status: TerminationStatus, _ pid: ProcessIdentifier) -> Finished {
            let termination: Termination
            switch status {
            case .exited(let code): termination = .exited(code)
            case .signaled(let signal): termination = .signaled(signal)
            }
            return Finished(processID: pid.value, termination: termination, stdout: streams.stdout,
                            stderr: streams.stderr)
        }

        // The four combinations of stdin and stderr are four types of execution; each hands its pieces to collect.
        switch (input, errorOutput) {
        case (.bytes(let bytes), .captured):
            let r = try await Subprocess.run(configuration, input: .inputWriter, output: .sequence, error: .sequence) { e in
                try await collect(run, e.processIdentifier, stdin: (e.standardInputWriter, bytes), stdout: e.standardOutput,
                                  stderr: e.standardError, kill: { try? e.send(signal: .kill) })
            }
            return finished(r.closureResult, r.terminationStatus, r.processIdentifier)
        case (.bytes(let bytes), .passedThrough):
            let r = try await Subprocess.run(configuration, input: .inputWriter, output: .sequence,
                                             error: .currentStandardError) { e in
                try await collect(run, e.processIdentifier, stdin: (e.standardInputWriter, bytes), stdout: e.standardOutput,
                                  stderr: nil, kill: { try? e.send(signal: .kill) })
            }
            return finished(r.closureResult, r.terminationStatus, r.processIdentifier)
        case (.inherited, .captured):
            let r = try await Subprocess.run(configuration, input: .currentStandardInput, output: .sequence,
                                             error: .sequence) { e in
                try await collect(run, e.processIdentifier, stdin: nil, stdout: e.standardOutput, stderr: e.standardError,
                                  kill: { try? e.send(signal: .kill) })
            }
            return finished(r.closureResult, r.terminationStatus, r.processIdentifier)
        case (.inherited, .passedThrough):
            let r = try await Subprocess.run(configuration, input: .currentStandardInput, output: .sequence,
                                             error: .currentStandardError) { e in
                try await collect(run, e.processIdentifier, stdin: nil, stdout: e.standardOutput, stderr: nil,
                                  kill: { try? e.send(signal: .kill) })
            }
            return finished(r.closureResult, r.terminationStatus, r.processIdentifier)
        }
    }

    /// Writes stdin and reads stdout and stderr concurrently until the child closes them or exits.
    private func collect(_ run: RunState, _ pid: ProcessIdentifier, stdin: (StandardInputWriter, [UInt8])?,
                         stdout: SubprocessOutputSequence, stderr: SubprocessOutputSequence?,
                         kill: @escaping @Sendable () -> Void) async throws -> Streams
    {
        run.started(pid.value)
        let limit = outputLimit
        let overflow: @Sendable () -> Void = {
            run.stopping(.outputLimitExceeded)
            kill()
        }
        enum Part: Sendable {
            case written
            case stdout([UInt8])
            case stderr([UInt8])
        }
        return try await withThrowingTaskGroup(of: Part.self) { group in
            if let stdin {
                let (writer, bytes) = stdin
                group.addTask {
                    if !bytes.isEmpty { _ = try? await writer.write(bytes) }
                    try? await writer.finish()
                    return .written
                }
            }
            group.addTask { .stdout(try await Self.read(stdout, limit: limit, overflow: overflow)) }
            if let stderr {
                group.addTask { .stderr(try await Self.read(stderr, limit: limit, overflow: overflow)) }
            }
            var streams = Streams()
            for try await part in group {
                switch part {
                case .written: break
                case .stdout(let bytes): streams.stdout = bytes
                case .stderr(let bytes): streams.stderr = bytes
                }
            }
            return streams
        }
    }

    /// Reads a stream to its end, or up to `limit` bytes; past it, calls `overflow` and stops reading.
    private static func read(_ sequence: SubprocessOutputSequence, limit: Int, overflow: @Sendable () -> Void)
        async throws -> [UInt8]
    {
        var bytes: [UInt8] = []
        for try await buffer in sequence {
            buffer.withUnsafeBytes { bytes.append(contentsOf: $0) }
            if bytes.count > limit {
                bytes.removeLast(bytes.count - limit)
                overflow()
                break
            }
        }
        return bytes
    }
}
