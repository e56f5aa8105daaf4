@testable import FanoutCLI
import FanoutKit
import Testing

/// `fanout route` argv → Options, or the exact usage error.
@Suite struct RouteOptionsTests {
    static func options(_ argv: [String]) throws -> RouteCommand.Options {
        let parser = CommandLineParser(root: FanoutCommand.root, globalOptions: FanoutCommand.globalOptions)
        guard case .run(_, let args) = parser.parse(argv) else { throw FanoutError.usage("\(argv) did not parse to a run") }
        return try RouteCommand.options(args)
    }

    struct Case: Sendable, CustomTestStringConvertible {
        var argv: [String]
        var change: @Sendable (inout RouteCommand.Options) -> Void
        var testDescription: String { argv.joined(separator: " ") }
    }

    static let cases: [Case] = [
        Case(argv: ["route"]) { _ in },
        Case(argv: ["route", #"{"order_id": "o-1"}"#]) { $0.message = #"{"order_id": "o-1"}"# },
        Case(argv: ["route", "--dry"]) { $0.dry = true },
        Case(argv: ["route", "--attr", "event_type=order.cancelled"]) {
            $0.attributes = [MessageAttributeOption(name: "event_type", value: MessageAttributeValue(dataType: "String", stringValue: "order.cancelled"))]
        },
        Case(argv: ["route", "--expect", "a, b,,c"]) { $0.expect = ["a", "b", "c"] },
        Case(argv: ["route", "--expect", ""]) { $0.expect = [] },
        Case(argv: ["route", "--timeout", "0.5"]) { $0.timeout = 0.5 },
        Case(argv: ["route", "--timeout", "3600"]) { $0.timeout = 3600 },
        Case(argv: ["route", "--group-id", "g"]) { $0.groupId = "g" },
        Case(argv: ["route", "--topic", "arn:t", "--topic-filter", ".x"]) { $0.resources.topic = "arn:t"; $0.resources.filters[.topic] = ".x" },
    ]

    @Test(arguments: cases) func parses(_ c: Case) throws {
        var expected = try Self.options(["route"])
        c.change(&expected)
        #expect(try Self.options(c.argv) == expected)
    }

    @Test func defaults() throws {
        let o = try Self.options(["route"])
        #expect(o.message == nil && o.attributes.isEmpty && !o.dry && o.expect == nil && o.groupId == nil)
        #expect(o.timeout == 20)
        #expect(o.resources == ResourceOptions(roles: [.topic]))
    }

    static let failures: [(argv: [String], message: String)] = [
        (["route", "--timeout", "0"], "Invalid value '0' for '--timeout': expected a number of seconds greater than 0 up to 3600."),
        (["route", "--timeout", "-1"], "Invalid value '-1' for '--timeout': expected a number of seconds greater than 0 up to 3600."),
        (["route", "--timeout", "1e12"], "Invalid value '1e12' for '--timeout': expected a number of seconds greater than 0 up to 3600."),
        (["route", "--timeout", "inf"], "Invalid value 'inf' for '--timeout': expected a number of seconds greater than 0 up to 3600."),
        (["route", "--timeout", "nan"], "Invalid value 'nan' for '--timeout': expected a number of seconds greater than 0 up to 3600."),
        (["route", "--timeout", "soon"], "Invalid value 'soon' for '--timeout': expected a number of seconds greater than 0 up to 3600."),
        (["route", "--group-id="], "Empty value for '--group-id'."),
        (["route", "--topic="], "Empty value for '--topic'."),
        (["route", "--attr", "n:Number=x"], "Invalid attribute 'n:Number=x': 'x' is not a number"),
    ]

    @Test(arguments: failures) func rejects(_ argv: [String], _ message: String) {
        let error = #expect(throws: FanoutError.self) { try Self.options(argv) }
        #expect(error?.message == message)
        #expect(error?.kind == .usage)
    }
}
