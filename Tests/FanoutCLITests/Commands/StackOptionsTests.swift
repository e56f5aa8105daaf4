@testable import FanoutCLI
import FanoutKit
import Testing

/// `fanout stack up | status | down` argv → Options, or the exact usage error.
@Suite struct StackOptionsTests {
    static func arguments(_ argv: [String]) throws -> ParsedArguments {
        let parser = CommandLineParser(root: FanoutCommand.root, globalOptions: FanoutCommand.globalOptions)
        guard case .run(_, let args) = parser.parse(argv) else { throw FanoutError.usage("\(argv) did not parse to a run") }
        return args
    }

    static func up(_ argv: [String]) throws -> StackUpCommand.Options { try StackUpCommand.options(arguments(argv)) }

    struct Case: Sendable, CustomTestStringConvertible {
        var argv: [String]
        var change: @Sendable (inout StackUpCommand.Options) -> Void
        var testDescription: String { argv.joined(separator: " ") }
    }

    static let cases: [Case] = [
        Case(argv: ["stack", "up"]) { _ in },
        Case(argv: ["stack", "up", "--spec", "examples/fifo.json"]) { $0.spec = "examples/fifo.json" },
        Case(argv: ["stack", "up", "--name", "t1"]) { $0.name = "t1" },
        Case(argv: ["stack", "up", "--delay", "0"]) { $0.delay = 0 },
        Case(argv: ["stack", "up", "--delay", "900"]) { $0.delay = 900 },
    ]

    @Test(arguments: cases) func parsesUp(_ c: Case) throws {
        var expected = try Self.up(["stack", "up"])
        c.change(&expected)
        #expect(try Self.up(c.argv) == expected)
    }

    @Test func upDefaults() throws {
        let o = try Self.up(["stack", "up"])
        #expect(o.spec == nil && o.name == nil && o.delay == nil)
    }

    static let failures: [(argv: [String], message: String)] = [
        (["stack", "up", "--delay", "-1"], "Invalid value '-1' for '--delay': expected a whole number from 0 to 900."),
        (["stack", "up", "--delay", "901"], "Invalid value '901' for '--delay': expected a whole number from 0 to 900."),
        (["stack", "up", "--delay", "1.5"], "Invalid value '1.5' for '--delay': expected a whole number from 0 to 900."),
        (["stack", "up", "--delay", "99999999999999999999"], "Invalid value '99999999999999999999' for '--delay': expected a whole number from 0 to 900."),
        (["stack", "up", "--spec="], "Empty value for '--spec'."),
        (["stack", "up", "--name="], "Empty value for '--name'."),
    ]

    @Test(arguments: failures) func rejectsUp(_ argv: [String], _ message: String) {
        let error = #expect(throws: FanoutError.self) { try Self.up(argv) }
        #expect(error?.message == message)
        #expect(error?.kind == .usage)
    }

    @Test func down() throws {
        #expect(try StackDownCommand.options(Self.arguments(["stack", "down"])).yes == false)
        #expect(try StackDownCommand.options(Self.arguments(["stack", "down", "--yes"])).yes == true)
        #expect(try StackDownCommand.options(Self.arguments(["stack", "down", "-y"])).yes == true)
    }

    @Test func status() throws {
        #expect(try StackStatusCommand.options(Self.arguments(["stack", "status"])) == StackStatusCommand.Options(Self.arguments(["stack", "status"])))
    }

    @Test func groupLists() {
        let stack = FanoutCommand.root.subcommands.first { $0.name == "stack" }
        #expect(stack?.subcommands.map(\.name) == ["up", "status", "down"])
        #expect(stack?.run == nil)
    }
}
