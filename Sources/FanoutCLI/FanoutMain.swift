#if canImport(Glibc)
import Glibc
#endif
import FanoutKit
import Synchronization

/// The command line's entry point: parse, validate, run, and map any error to stderr and an exit code.
/// The binary calls it with the process's streams; tests call it in-process with buffers and their own environment.
public enum FanoutMain {
    /// One transport per process: every client shares its connection cache.
    static let processTransport = CurlTransport(options: .from(.process, userAgent: FanoutVersion.userAgent))

    /// Runs one command line and returns its exit status.
    /// - Parameters:
    ///   - terminal: where output goes; nil for the process's stdout and stderr.
    ///   - transport: the HTTP transport; nil for the process's shared one.
    ///   - handlesSignals: whether SIGINT/SIGTERM cancel the command (the binary); in-process tests pass false.
    public static func run(_ argv: [String], environment: Environment = .process, terminal: Terminal? = nil,
                           transport: (any HTTPTransport)? = nil, handlesSignals: Bool = true) async -> Int32
    {
        signal(SIGPIPE, SIG_IGN)
        let parser = CommandLineParser(root: FanoutCommand.root, globalOptions: FanoutCommand.globalOptions)
        let errors = terminal?.stderr ?? FileSink.standardError
        switch parser.parse(argv) {
        case .help(let text):
            (terminal?.stdout ?? FileSink.standardOutput).write(text + "\n")
            return 0
        case .failure(let message):
            errors.write(message + "\n")
            return FanoutError.usage("").exitCode
        case .run(let command, let arguments):
            let path = specPath(arguments.commandPath)
            guard let prepare = command.run else { return 0 }
            let prepared: PreparedCommand
            let globals: GlobalOptions
            do {
                globals = try GlobalOptions(arguments)
                prepared = try prepare(arguments)
            } catch {
                return report(error, path: path, to: errors)
            }
            let context = CommandContext(
                globals: globals, environment: environment,
                terminal: terminal ?? .process(noColor: globals.noColor, environment: environment),
                transport: transport ?? processTransport)
            // The trap is set before the command starts, so a signal can never find the default disposition.
            let pending = PendingTask()
            let trap = handlesSignals ? SignalTrap { pending.cancel() } : nil
            let work = Task { try await prepared(context) }
            pending.set(work)
            let result = await work.result
            trap?.release()
            switch result {
            case .success:
                if trap?.firstSignal != nil { return report(FanoutError(.interrupted, "interrupted"), path: path, to: errors) }
                return 0
            case .failure(let error):
                if trap?.firstSignal != nil, FanoutError.wrap(error).kind != .interrupted {
                    return report(FanoutError(.interrupted, "interrupted"), path: path, to: errors)
                }
                return report(error, path: path, to: errors)
            }
        }
    }

    /// The command's task as the signal handler sees it: a signal before the task exists cancels it on arrival.
    final class PendingTask: Sendable {
        private let state = Mutex<(task: Task<Void, any Error>?, cancelled: Bool)>((nil, false))

        func set(_ task: Task<Void, any Error>) {
            let cancelled = state.withLock { state -> Bool in
                state.task = task
                return state.cancelled
            }
            if cancelled { task.cancel() }
        }

        func cancel() {
            let task = state.withLock { state -> Task<Void, any Error>? in
                state.cancelled = true
                return state.task
            }
            task?.cancel()
        }
    }

    static func report(_ error: any Error, path: [CommandSpec], to sink: any OutputSink) -> Int32 {
        let (text, status) = ErrorPresenter.text(error, path: path, globalOptions: FanoutCommand.globalOptions)
        sink.write(text)
        return status
    }

    /// The specs from the root down to the command named by `names` (`["fanout", "dlq", "redrive"]`).
    static func specPath(_ names: [String]) -> [CommandSpec] {
        var path = [FanoutCommand.root]
        for name in names.dropFirst() {
            guard let next = path[path.count - 1].subcommand(named: name) else { break }
            path.append(next)
        }
        return path
    }
}
