@testable import FanoutCLI
import FanoutKit
import Testing

/// `fanout publish` argv → Options, or the exact usage error.
@Suite struct PublishOptionsTests {
    static func options(_ argv: [String]) throws -> PublishCommand.Options {
        let parser = CommandLineParser(root: FanoutCommand.root, globalOptions: FanoutCommand.globalOptions)
        guard case .run(_, let args) = parser.parse(argv) else { throw FanoutError.usage("\(argv) did not parse to a run") }
        return try PublishCommand.options(args)
    }

    struct Case: Sendable, CustomTestStringConvertible {
        var argv: [String]
        var change: @Sendable (inout PublishCommand.Options) -> Void
        var testDescription: String { argv.joined(separator: " ") }
    }

    static let cases: [Case] = [
        Case(argv: ["publish"]) { _ in },
        Case(argv: ["publish", "hello"]) { $0.message = "hello" },
        Case(argv: ["publish", "--file", "body.json"]) { $0.file = "body.json" },
        Case(argv: ["publish", "--attr", "event_type=order.created", "--attr", "amount:Number=42", "--attr", ""]) {
            $0.attributes = [MessageAttributeOption(name: "event_type", value: MessageAttributeValue(dataType: "String", stringValue: "order.created")),
                             MessageAttributeOption(name: "amount", value: MessageAttributeValue(dataType: "Number", stringValue: "42"))]
        },
        Case(argv: ["publish", "--attr", #"tags:String.Array=["a","b"]"#]) {
            $0.attributes = [MessageAttributeOption(name: "tags", value: MessageAttributeValue(dataType: "String.Array", stringValue: #"["a","b"]"#))]
        },
        Case(argv: ["publish", "--subject", "Hi"]) { $0.subject = "Hi" },
        Case(argv: ["publish", "--group-id", "g-{{seq}}", "--dedup-id", "{{uuid}}"]) { $0.groupId = "g-{{seq}}"; $0.dedupId = "{{uuid}}" },
        Case(argv: ["publish", "--count", "2000"]) { $0.count = 2000 },
        Case(argv: ["publish", "--count", "1000000"]) { $0.count = 1_000_000 },
        Case(argv: ["publish", "--rate", "500"]) { $0.rate = 500 },
        Case(argv: ["publish", "--rate", "0.5"]) { $0.rate = 0.5 },
        Case(argv: ["publish", "--concurrency", "1"]) { $0.concurrency = 1 },
        Case(argv: ["publish", "--concurrency", "64"]) { $0.concurrency = 64 },
        Case(argv: ["publish", "--via-api", "--api", "http://localhost:3000"]) { $0.viaAPI = true; $0.resources.api = "http://localhost:3000" },
        Case(argv: ["publish", "--topic", "arn:aws:sns:us-east-1:1:t"]) { $0.resources.topic = "arn:aws:sns:us-east-1:1:t" },
        Case(argv: ["publish", "--topic-filter", ".t"]) { $0.resources.filters[.topic] = ".t" },
        Case(argv: ["publish", "--api-filter", ".a"]) { $0.resources.filters[.api] = ".a" },
    ]

    @Test(arguments: cases) func parses(_ c: Case) throws {
        var expected = try Self.options(["publish"])
        c.change(&expected)
        #expect(try Self.options(c.argv) == expected)
    }

    @Test func defaults() throws {
        let o = try Self.options(["publish"])
        #expect(o.source == .standardInput)
        #expect(o.count == 1 && o.concurrency == 8 && o.rate == nil && !o.viaAPI)
        #expect(o.attributes.isEmpty && o.subject == nil && o.groupId == nil && o.dedupId == nil)
        #expect(o.resources == ResourceOptions(roles: [.topic, .api]))
        #expect(try Self.options(["publish", "x"]).source == .argument("x"))
        #expect(try Self.options(["publish", "--file", "f"]).source == .file("f"))
    }

    static let failures: [(argv: [String], message: String)] = [
        (["publish", "x", "--file", "f"], "Give the message as an argument or --file, not both"),
        (["publish", "--file="], "Empty value for '--file'."),
        (["publish", "--count", "0"], "Invalid value '0' for '--count': expected a whole number from 1 to 1000000."),
        (["publish", "--count", "-3"], "Invalid value '-3' for '--count': expected a whole number from 1 to 1000000."),
        (["publish", "--count", "1000001"], "Invalid value '1000001' for '--count': expected a whole number from 1 to 1000000."),
        (["publish", "--count", "99999999999999999999"], "Invalid value '99999999999999999999' for '--count': expected a whole number from 1 to 1000000."),
        (["publish", "--count", "two"], "Invalid value 'two' for '--count': expected a whole number from 1 to 1000000."),
        (["publish", "--concurrency", "0"], "Invalid value '0' for '--concurrency': expected a whole number from 1 to 64."),
        (["publish", "--concurrency", "65"], "Invalid value '65' for '--concurrency': expected a whole number from 1 to 64."),
        (["publish", "--rate", "0"], "Invalid value '0' for '--rate': expected a number of messages per second from 0.001 to 1000000."),
        (["publish", "--rate", "-5"], "Invalid value '-5' for '--rate': expected a number of messages per second from 0.001 to 1000000."),
        (["publish", "--rate", "1e-300"], "Invalid value '1e-300' for '--rate': expected a number of messages per second from 0.001 to 1000000."),
        (["publish", "--rate", "1e300"], "Invalid value '1e300' for '--rate': expected a number of messages per second from 0.001 to 1000000."),
        (["publish", "--rate", "inf"], "Invalid value 'inf' for '--rate': expected a number of messages per second from 0.001 to 1000000."),
        (["publish", "--rate", "nan"], "Invalid value 'nan' for '--rate': expected a number of messages per second from 0.001 to 1000000."),
        (["publish", "--group-id="], "Empty value for '--group-id'."),
        (["publish", "--dedup-id="], "Empty value for '--dedup-id'."),
        (["publish", "--subject="], "Empty value for '--subject'."),
        (["publish", "--topic="], "Empty value for '--topic'."),
        (["publish", "--attr", "n:Number=abc"], "Invalid attribute 'n:Number=abc': 'abc' is not a number"),
        (["publish", "--attr", "novalue"], "Invalid attribute 'novalue': expected NAME=VALUE or NAME:TYPE=VALUE"),
        (["publish", "--attr", "AWS.x=1"], "Invalid attribute name 'AWS.x': letters, digits, '_', '-' and '.' only, not starting with AWS. or Amazon."),
        (["publish", "--attr", "a=" ], "Invalid attribute 'a=': a String value may not be empty"),
        (["publish", "--attr", "a:Binary=x"], "Invalid attribute type 'Binary': expected String, Number or String.Array"),
        (["publish", "--attr", "a:String.Array=x"], #"Invalid attribute 'a:String.Array=x': a String.Array value is a JSON array, e.g. '["a","b"]'"#),
    ]

    @Test(arguments: failures) func rejects(_ argv: [String], _ message: String) {
        let error = #expect(throws: FanoutError.self) { try Self.options(argv) }
        #expect(error?.message == message)
        #expect(error?.kind == .usage)
    }

    @Test func attributeErrorsHintAtTheOption() {
        let error = #expect(throws: FanoutError.self) { try Self.options(["publish", "--attr", "x"]) }
        #expect(error?.subject == .input("attribute"))
        #expect(error?.hint == "--attr takes NAME=VALUE or NAME:TYPE=VALUE, TYPE one of String, Number, String.Array")
    }
}
