import FanoutKit
import Testing

@testable import FanoutCLI

/// The parse and validate steps of a leaf command, as the runner calls them, without running anything.
enum ParseStep {
    /// Parses argv (without the program name) against fanout's real command tree and returns the leaf's Options.
    static func options<Command: LeafCommand>(_ command: Command.Type, _ argv: [String]) throws -> Command.Options {
        let parser = CommandLineParser(root: FanoutCommand.root, globalOptions: FanoutCommand.globalOptions)
        switch parser.parse(argv) {
        case .run(_, let arguments):
            return try Command.options(arguments)
        case .help:
            throw ParseStepError("argv asked for help: \(argv)")
        case .failure(let message):
            throw ParseStepError(message)
        }
    }

    /// The usage error's message for argv, or nil when it parses and validates.
    static func error<Command: LeafCommand>(_ command: Command.Type, _ argv: [String]) -> String? {
        do {
            _ = try options(command, argv)
            return nil
        } catch let error as FanoutError {
            #expect(error.kind == .usage, "\(argv): \(error)")
            return error.message
        } catch {
            return "\(error)"
        }
    }
}

struct ParseStepError: Error, CustomStringConvertible {
    var description: String
    init(_ d: String) { description = d }
}

/// An argv and the exact usage error it must give, for table-driven validation tests.
struct RejectCase: CustomTestStringConvertible, Sendable {
    var argv: [String]
    var message: String
    init(_ argv: [String], _ message: String) {
        self.argv = argv
        self.message = message
    }
    var testDescription: String { "fanout " + argv.joined(separator: " ") }
}

/// Runs commands in-process through `FanoutMain.run`, with their output captured and their own environment:
/// the same code path as the binary, without a process per test. Only signals, pipes and the working directory
/// need the spawned binary (Support/FanoutProcess.swift).
enum InProcess {
    /// Runs one command line. The transport is built from `environment` (proxies, CA bundle) as the binary builds
    /// its own from the process environment, and shut down afterwards.
    static func run(_ argv: [String], environment: [String: String], stdin: String? = nil) async -> RunResult {
        let out = BufferSink(), err = BufferSink()
        let terminal = Terminal(stdout: out, stderr: err, stdin: TextInput(stdin ?? ""))
        let transport = CurlTransport(options: .from(Environment(environment), userAgent: FanoutVersion.userAgent))
        defer { transport.shutdown() }
        let status = await FanoutMain.run(argv, environment: Environment(environment), terminal: terminal, transport: transport,
                                          handlesSignals: false)
        return RunResult(status: status, stdout: out.text, stderr: err.text)
    }
}

extension Fanout {
    /// `run`, in-process: for the tests whose point is what a command says and does, not signals, pipes or the
    /// working directory.
    @discardableResult
    static func runInProcess(_ arguments: [String], environment: [String: String], stdin: String? = nil) async -> RunResult {
        await InProcess.run(arguments, environment: environment, stdin: stdin)
    }
}
