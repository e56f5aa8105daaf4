import Foundation
import Testing
@testable import FanoutKit

#if canImport(Glibc)
import Glibc
#endif

/// Helpers shared by the end-to-end tests in this folder (they run the built binary against moto).

/// The signature-checking moto server and the one IAM user's keys that work there (scripts/with-moto.sh).
struct AuthMoto {
    let endpoint: String
    let key: String
    let secret: String

    /// Fails (does not skip) when the suite was not started through scripts/with-moto.sh.
    static func current() throws -> AuthMoto {
        let env = ProcessInfo.processInfo.environment
        guard let endpoint = env["FANOUT_TEST_AUTH_ENDPOINT"], let key = env["FANOUT_TEST_AUTH_KEY"],
              let secret = env["FANOUT_TEST_AUTH_SECRET"]
        else {
            throw TestSetupError("FANOUT_TEST_AUTH_ENDPOINT/_KEY/_SECRET are not set: run the suite through scripts/with-moto.sh")
        }
        return AuthMoto(endpoint: endpoint, key: key, secret: secret)
    }

    /// The ARN moto's GetCallerIdentity answers for the IAM user with-moto.sh creates.
    static let userArn = "arn:aws:iam::123456789012:user/fanout-ci"
}

/// A loopback TCP port that is guaranteed to refuse connections for as long as this object lives: a socket is
/// bound to it but never listens, so nothing else can take the port and every connect gets ECONNREFUSED.
/// Sendable: its state is two constants, and the socket is only closed in deinit.
final class ClosedPort: Sendable {
    let port: Int
    private let fd: Int32

    init() throws {
        let sock = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard sock >= 0 else { throw TestSetupError("socket() failed: errno \(errno)") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer -> Bool in
                bind(sock, pointer, length) == 0 && getsockname(sock, pointer, &length) == 0
            }
        }
        guard bound else {
            close(sock)
            throw TestSetupError("cannot bind a loopback port: errno \(errno)")
        }
        fd = sock
        port = Int(UInt16(bigEndian: address.sin_port))
    }

    deinit { close(fd) }

    var url: String { "http://127.0.0.1:\(port)" }
}

/// Parses stdout as a JSON object / array with Foundation (independently of fanout's own JSON code).
func jsonObject(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> [String: Any] {
    let value = try JSONSerialization.jsonObject(with: Data(text.utf8))
    return try #require(value as? [String: Any], "stdout is not a JSON object: \(text)", sourceLocation: sourceLocation)
}

func jsonArray(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> [[String: Any]] {
    let value = try JSONSerialization.jsonObject(with: Data(text.utf8))
    return try #require(value as? [[String: Any]], "stdout is not a JSON array of objects: \(text)", sourceLocation: sourceLocation)
}

/// Whether `text` contains a match of the regular expression `pattern`.
func matches(_ text: String, _ pattern: String) -> Bool {
    guard let regex = try? NSRegularExpression(pattern: pattern) else {
        Issue.record("bad test regex \(pattern)")
        return false
    }
    return regex.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil
}

/// Escapes a literal for use inside a regular expression.
func re(_ literal: String) -> String { NSRegularExpression.escapedPattern(for: literal) }

extension RunResult {
    /// Non-empty lines of stderr.
    var stderrLines: [String] { stderr.split(separator: "\n").map(String.init) }

    /// The `[debug] …` lines on stderr, without the prefix.
    var debugLines: [String] {
        stderrLines.filter { $0.hasPrefix("[debug] ") }.map { String($0.dropFirst("[debug] ".count)) }
    }

    /// The `[debug] endpoint SQS <url> (from <source>)` line for a service id.
    func endpointLine(_ serviceID: String) -> String? {
        debugLines.first { $0.hasPrefix("endpoint \(serviceID) ") }
    }
}

/// Checks the error contract: the exit status, nothing on stdout, exactly one `Error: …` line and at most one
/// `Hint: …` line after it. Returns the error line (without "Error: ") for further checks.
@discardableResult
func expectFailure(_ result: RunResult, status: Int32, sourceLocation: SourceLocation = #_sourceLocation) -> String {
    #expect(result.status == status, "\(result)", sourceLocation: sourceLocation)
    #expect(result.stdout.isEmpty, "stdout must stay empty on failure: \(result)", sourceLocation: sourceLocation)
    let lines = result.stderrLines.filter { !$0.hasPrefix("[debug] ") }
    #expect(lines.first?.hasPrefix("Error: ") == true, "\(result)", sourceLocation: sourceLocation)
    #expect(lines.count == 1 || (lines.count == 2 && lines[1].hasPrefix("Hint: ")),
            "expected one Error line and an optional Hint line: \(result)", sourceLocation: sourceLocation)
    return lines.first.map { String($0.dropFirst("Error: ".count)) } ?? ""
}
