#if canImport(Glibc)
import Glibc
#endif

/// Where fanout writes: data to stdout, everything else to stderr. Knows whether each is a terminal and whether
/// colour is allowed (a TTY, no NO_COLOR, TERM not dumb, no --no-color).
public final class Terminal: @unchecked Sendable {
    public let stdoutIsTTY: Bool
    public let stderrIsTTY: Bool
    public let color: Bool
    public let width: Int
    private let lock = Lock()

    public init(noColor: Bool, environment: Environment) {
        stdoutIsTTY = isatty(STDOUT_FILENO) == 1
        stderrIsTTY = isatty(STDERR_FILENO) == 1
        let dumb = environment["TERM"] == "dumb"
        color = stdoutIsTTY && !noColor && environment["NO_COLOR"] == nil && !dumb
        var size = winsize()
        if ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 { width = Int(size.ws_col) } else { width = 100 }
    }

    /// Writes data to stdout. A closed pipe (`fanout scan | head`) ends the process quietly with status 0.
    public func out(_ text: String) {
        lock.locked { Self.write(STDOUT_FILENO, text) }
    }

    /// Writes a line of chatter to stderr.
    public func err(_ text: String) {
        lock.locked { Self.write(STDERR_FILENO, text) }
    }

    static func write(_ fd: Int32, _ text: String) {
        var bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeMutableBytes { Glibc.write(fd, $0.baseAddress! + offset, $0.count - offset) }  // non-empty buffer
            if n < 0 {
                if errno == EINTR { continue }
                if errno == EPIPE { exit(0) }
                return
            }
            offset += n
        }
    }

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

/// A pthread mutex with a scoped `locked`.
final class Lock: @unchecked Sendable {
    private var mutex = pthread_mutex_t()
    init() { pthread_mutex_init(&mutex, nil) }
    deinit { pthread_mutex_destroy(&mutex) }
    func locked<T>(_ body: () throws -> T) rethrows -> T {
        pthread_mutex_lock(&mutex)
        defer { pthread_mutex_unlock(&mutex) }
        return try body()
    }
}
