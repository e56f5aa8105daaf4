import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// Somewhere fanout writes text: a file descriptor of the process, or a buffer in tests.
public protocol OutputSink: Sendable {
    func write(_ text: String)
}

/// A file descriptor (stdout or stderr). Writes are serialised, so lines from concurrent tasks never interleave.
/// A closed pipe (`fanout scan | head`) ends the process quietly with status 0: what was asked for was read.
public final class FileSink: OutputSink {
    public let fd: Int32
    private let lock = Mutex(())

    public init(_ fd: Int32) { self.fd = fd }

    public static let standardOutput = FileSink(STDOUT_FILENO)
    public static let standardError = FileSink(STDERR_FILENO)

    public var isTerminal: Bool { isatty(fd) == 1 }

    public func write(_ text: String) {
        lock.withLock { _ in Self.write(fd, text) }
    }

    static func write(_ fd: Int32, _ text: String) {
        var bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeMutableBytes { buffer -> Int in
                guard let base = buffer.baseAddress else { return 0 }
                return Glibc.write(fd, base + offset, buffer.count - offset)
            }
            if n < 0 {
                if errno == EINTR { continue }
                if errno == EPIPE { exit(0) }
                return
            }
            offset += n
        }
    }
}

/// Collects what a command writes, for tests that run commands in-process.
public final class BufferSink: OutputSink {
    private let buffer = Mutex("")

    public init() {}

    public func write(_ text: String) { buffer.withLock { $0 += text } }

    /// Everything written so far.
    public var text: String { buffer.withLock { $0 } }
}

/// Where fanout reads lines from: the process's stdin, or a text in tests.
public protocol InputSource: Sendable {
    /// The next line without its newline; nil at the end of the input.
    func readLine() -> String?
}

/// The process's stdin.
public struct StandardInput: InputSource {
    public init() {}
    public func readLine() -> String? { Swift.readLine(strippingNewline: true) }
}

/// A fixed text read line by line, for tests.
public final class TextInput: InputSource {
    private let lines: Mutex<ArraySlice<String>>

    public init(_ text: String) {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if lines.last == "" { lines.removeLast() }
        self.lines = Mutex(lines[...])
    }

    public func readLine() -> String? { lines.withLock { $0.popFirst() } }
}

/// Where fanout writes: data to stdout, everything else to stderr. Knows whether each is a terminal and whether
/// colour is allowed (a TTY, no NO_COLOR, TERM not dumb, no --no-color). A value: copies share the sinks.
public struct Terminal: Sendable {
    public let stdout: any OutputSink
    public let stderr: any OutputSink
    public let stdin: any InputSource
    public let stdoutIsTTY: Bool
    public let stderrIsTTY: Bool
    public let stdinIsTTY: Bool
    public let color: Bool
    public let width: Int

    public init(stdout: any OutputSink, stderr: any OutputSink, stdin: any InputSource = TextInput(""), stdoutIsTTY: Bool = false,
                stderrIsTTY: Bool = false, stdinIsTTY: Bool = false, color: Bool = false, width: Int = 100)
    {
        self.stdout = stdout
        self.stderr = stderr
        self.stdin = stdin
        self.stdoutIsTTY = stdoutIsTTY
        self.stderrIsTTY = stderrIsTTY
        self.stdinIsTTY = stdinIsTTY
        self.color = color
        self.width = width
    }

    /// The process's own stdout and stderr, with colour decided as the style guide says.
    public static func process(noColor: Bool, environment: Environment) -> Terminal {
        let stdoutIsTTY = isatty(STDOUT_FILENO) == 1
        let dumb = environment["TERM"] == "dumb"
        var size = winsize()
        let width = ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &size) == 0 && size.ws_col > 0 ? Int(size.ws_col) : 100
        return Terminal(stdout: FileSink.standardOutput, stderr: FileSink.standardError, stdin: StandardInput(), stdoutIsTTY: stdoutIsTTY,
                        stderrIsTTY: isatty(STDERR_FILENO) == 1, stdinIsTTY: isatty(STDIN_FILENO) == 1,
                        color: stdoutIsTTY && !noColor && environment["NO_COLOR"] == nil && !dumb, width: width)
    }

    /// Writes data to stdout.
    public func out(_ text: String) { stdout.write(text) }

    /// Writes chatter to stderr.
    public func err(_ text: String) { stderr.write(text) }

    /// Wraps text in an ANSI style when colour is on.
    public func style(_ text: String, _ code: String) -> String {
        color ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text
    }

    public func bold(_ text: String) -> String { style(text, "1") }
    public func dim(_ text: String) -> String { style(text, "2") }
    public func red(_ text: String) -> String { style(text, "31") }
    public func green(_ text: String) -> String { style(text, "32") }
    public func yellow(_ text: String) -> String { style(text, "33") }
}
