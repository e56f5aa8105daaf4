#if canImport(Glibc)
import Glibc
#endif
import FanoutKit

/// The command line's entry point: parse, run, and map any error to one line on stderr and an exit code.
public enum FanoutMain {
    public static func run(_ argv: [String]) async -> Int32 {
        signal(SIGPIPE, SIG_IGN)
        let parser = CommandLineParser(root: FanoutCommand.root, globalOptions: FanoutCommand.globalOptions)
        switch parser.parse(argv) {
        case .help(let text):
            Terminal.write(STDOUT_FILENO, text + "\n")
            return 0
        case .failure(let message):
            Terminal.write(STDERR_FILENO, message + "\n")
            return FanoutError.usage("").exitCode
        case .run(let command, let arguments):
            guard let run = command.run else { return 0 }
            do {
                try await run(arguments)
                return 0
            } catch {
                let failure = FanoutError.wrap(error)
                var text = "Error: \(failure.message)\n"
                if let hint = failure.hint { text += "Hint: \(hint)\n" }
                Terminal.write(STDERR_FILENO, text)
                return failure.exitCode
            }
        }
    }
}
