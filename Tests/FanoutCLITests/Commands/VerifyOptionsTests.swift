@testable import FanoutCLI
import FanoutKit
import Testing

/// `fanout verify` argv → Options, or the exact usage error.
@Suite struct VerifyOptionsTests {
    static func options(_ argv: [String]) throws -> VerifyCommand.Options {
        let parser = CommandLineParser(root: FanoutCommand.root, globalOptions: FanoutCommand.globalOptions)
        guard case .run(_, let args) = parser.parse(argv) else { throw FanoutError.usage("\(argv) did not parse to a run") }
        return try VerifyCommand.options(args)
    }

    struct Case: Sendable, CustomTestStringConvertible {
        var argv: [String]
        var change: @Sendable (inout VerifyCommand.Options) -> Void
        var testDescription: String { argv.joined(separator: " ") }
    }

    static let cases: [Case] = [
        Case(argv: ["verify"]) { _ in },
        Case(argv: ["verify", "--consume"]) { $0.consume = true },
        Case(argv: ["verify", "--consume", "--dlq-test"]) { $0.consume = true; $0.dlqTest = true },
        Case(argv: ["verify", "--consume", "--fail-queue", "2", "--fail-queue", "3", "--fail-queue", "2"]) { $0.consume = true; $0.failQueues = [2, 3] },
        Case(argv: ["verify", "--fail-queue", ""]) { _ in },
        Case(argv: ["verify", "--timeout", "5", "--interval", "0.5"]) { $0.timeout = 5; $0.interval = 0.5 },
        Case(argv: ["verify", "--timeout", "86400", "--interval", "3600"]) { $0.timeout = 86400; $0.interval = 3600 },
        Case(argv: ["verify", "--topic", "arn:t", "--queue", "q1", "--queue", "q2", "--dlq", "d1", "--table", "t"]) {
            $0.resources.topic = "arn:t"; $0.resources.queues = ["q1", "q2"]; $0.resources.dlqs = ["d1"]; $0.resources.table = "t"
        },
        Case(argv: ["verify", "--queues-filter", ".q", "--dlqs-filter", ".d", "--table-filter", ".t", "--topic-filter", ".p"]) {
            $0.resources.filters = [.queues: ".q", .dlqs: ".d", .table: ".t", .topic: ".p"]
        },
    ]

    @Test(arguments: cases) func parses(_ c: Case) throws {
        var expected = try Self.options(["verify"])
        c.change(&expected)
        #expect(try Self.options(c.argv) == expected)
    }

    @Test func defaults() throws {
        let o = try Self.options(["verify"])
        #expect(!o.consume && !o.dlqTest && o.failQueues.isEmpty)
        #expect(o.timeout == 180 && o.interval == 2)
        #expect(o.resources == ResourceOptions(roles: [.topic, .queues, .dlqs, .table]))
    }

    static let failures: [(argv: [String], message: String)] = [
        (["verify", "--dlq-test"], "--dlq-test needs --consume: only fanout's own consumers can be made to fail on the marker"),
        (["verify", "--fail-queue", "1"], "--fail-queue needs --consume"),
        (["verify", "--consume", "--fail-queue", "0"], "Invalid value '0' for '--fail-queue': expected a queue number of at least 1."),
        (["verify", "--consume", "--fail-queue", "x"], "Invalid value 'x' for '--fail-queue': expected a queue number of at least 1."),
        (["verify", "--timeout", "0"], "Invalid value '0' for '--timeout': expected a number of seconds greater than 0 up to 86400."),
        (["verify", "--timeout", "1e12"], "Invalid value '1e12' for '--timeout': expected a number of seconds greater than 0 up to 86400."),
        (["verify", "--timeout", "inf"], "Invalid value 'inf' for '--timeout': expected a number of seconds greater than 0 up to 86400."),
        (["verify", "--interval", "0"], "Invalid value '0' for '--interval': expected a number of seconds greater than 0 up to 3600."),
        (["verify", "--interval", "-2"], "Invalid value '-2' for '--interval': expected a number of seconds greater than 0 up to 3600."),
        (["verify", "--interval", "1e12"], "Invalid value '1e12' for '--interval': expected a number of seconds greater than 0 up to 3600."),
        (["verify", "--interval", "nan"], "Invalid value 'nan' for '--interval': expected a number of seconds greater than 0 up to 3600."),
        (["verify", "--queue="], "Empty value for '--queue'."),
        (["verify", "--table="], "Empty value for '--table'."),
    ]

    @Test(arguments: failures) func rejects(_ argv: [String], _ message: String) {
        let error = #expect(throws: FanoutError.self) { try Self.options(argv) }
        #expect(error?.message == message)
        #expect(error?.kind == .usage)
    }
}
