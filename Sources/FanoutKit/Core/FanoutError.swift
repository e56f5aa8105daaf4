/// An error returned by an AWS service, decoded from whichever wire protocol carried it.
public struct AWSServiceError: Error, Sendable, Equatable, CustomStringConvertible {
    public var service: String
    public var code: String
    public var message: String
    public var requestId: String?
    public var httpStatus: Int

    public init(service: String, code: String, message: String, requestId: String? = nil, httpStatus: Int) {
        self.service = service
        self.code = code
        self.message = message
        self.requestId = requestId
        self.httpStatus = httpStatus
    }

    public var description: String {
        var text = "\(service): \(code)"
        if !message.isEmpty { text += ": \(message)" }
        text += " (HTTP \(httpStatus)"
        if let requestId, !requestId.isEmpty { text += ", request id \(requestId)" }
        return text + ")"
    }
}

/// Every failure fanout reports: errors are data, and `exitCode` is the one table that maps them to exit codes.
public struct FanoutError: Error, Sendable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// A check the user asked for did not hold (`--expect`, `--until-drained` timing out, `verify`).
        case checkFailed
        /// The command line is wrong.
        case usage
        /// Configuration, outputs.json or credentials are missing or wrong.
        case configuration
        /// An AWS service answered with an error.
        case aws(AWSServiceError)
        /// The user interrupted the command (SIGINT).
        case interrupted
        /// Network failures and anything unexpected.
        case other
    }

    /// What the error is about, so the command line can point at the option or setting that controls it.
    /// FanoutKit never names a command-line flag: it names the subject, and FanoutCLI turns that into a hint.
    public enum Subject: Sendable, Equatable {
        /// The AWS region could not be resolved or is invalid.
        case region
        /// The endpoint of a service (unreachable, invalid, timed out).
        case endpoint
        /// The profile chosen for credentials and settings.
        case profile
        /// The outputs.json file itself (missing, unreadable, not JSON).
        case outputsFile
        /// The jq filter that finds a role's resource in outputs.json (`"topic"`, `"queues"`, …).
        case outputsFilter(String)
        /// A named input of an operation: `"attribute"`, `"failure condition"`, `"handler"`, `"spec"`, …
        case input(String)
    }

    public var kind: Kind
    public var message: String
    /// A remedy in FanoutKit's own words (never a flag name); the CLI may add one from `subject`.
    public var hint: String?
    public var subject: Subject?

    public init(_ kind: Kind, _ message: String, hint: String? = nil, subject: Subject? = nil) {
        self.kind = kind
        self.message = message
        self.hint = hint
        self.subject = subject
    }

    public static func usage(_ message: String, hint: String? = nil, subject: Subject? = nil) -> FanoutError {
        FanoutError(.usage, message, hint: hint, subject: subject)
    }
    public static func configuration(_ message: String, hint: String? = nil, subject: Subject? = nil) -> FanoutError {
        FanoutError(.configuration, message, hint: hint, subject: subject)
    }
    public static func checkFailed(_ message: String) -> FanoutError { FanoutError(.checkFailed, message) }
    public static func network(_ message: String, hint: String? = nil, subject: Subject? = nil) -> FanoutError {
        FanoutError(.other, message, hint: hint, subject: subject)
    }
    public static func aws(_ error: AWSServiceError) -> FanoutError { FanoutError(.aws(error), error.description) }

    /// The exit-code table (README "Exit codes").
    public var exitCode: Int32 {
        switch kind {
        case .checkFailed: return 1
        case .interrupted: return 130
        case .usage: return 252
        case .configuration: return 253
        case .aws: return 254
        case .other: return 255
        }
    }

    public var description: String { message }

    /// Wraps any error into a FanoutError, keeping ones that already are.
    public static func wrap(_ error: any Error) -> FanoutError {
        if let e = error as? FanoutError { return e }
        if let e = error as? AWSServiceError { return .aws(e) }
        if error is CancellationError { return FanoutError(.interrupted, "interrupted") }
        return FanoutError(.other, "\(error)")
    }
}
