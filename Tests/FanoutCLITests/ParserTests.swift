import FanoutKit
import Testing

@testable import FanoutCLI

/// argv → the command that runs and what it sees.
struct ParseCase: CustomTestStringConvertible, Sendable {
    var argv: [String]
    var path: [String]
    /// Every option expected as given, with all its values (flags: one "" per occurrence).
    var options: [String: [String]] = [:]
    var arguments: [String: [String]] = [:]

    var testDescription: String { "fanout " + argv.joined(separator: " ") }
}

/// argv → the exact text printed to stderr.
struct FailureCase: CustomTestStringConvertible, Sendable {
    var argv: [String]
    var message: String

    var testDescription: String { "fanout " + argv.joined(separator: " ") }
}

@Suite struct ParserTests {
    static let runCases: [ParseCase] = [
        ParseCase(argv: ["queues"], path: ["fanout", "queues"]),
        ParseCase(argv: ["queues", "-a", "--region", "eu-west-1"], path: ["fanout", "queues"],
                  options: ["all": [""], "region": ["eu-west-1"]]),
        // Global options before the subcommand name, and in `--name=value` form.
        ParseCase(argv: ["--region", "eu-west-1", "-q", "queues"], path: ["fanout", "queues"],
                  options: ["region": ["eu-west-1"], "quiet": [""]]),
        ParseCase(argv: ["--region=eu-west-1", "poll", "--interval=5", "--once"], path: ["fanout", "poll"],
                  options: ["region": ["eu-west-1"], "interval": ["5"], "once": [""]]),
        ParseCase(argv: ["poll", "-i", "3", "orders", "billing"], path: ["fanout", "poll"],
                  options: ["interval": ["3"]], arguments: ["QUEUE": ["orders", "billing"]]),
        // Repeatable options accumulate; a repeated plain option keeps every value, `string` takes the last.
        ParseCase(argv: ["poll", "--attribute", "ApproximateNumberOfMessages", "--attribute=ApproximateAgeOfOldestMessage"],
                  path: ["fanout", "poll"],
                  options: ["attribute": ["ApproximateNumberOfMessages", "ApproximateAgeOfOldestMessage"]]),
        ParseCase(argv: ["poll", "--interval", "3", "--interval", "4"], path: ["fanout", "poll"],
                  options: ["interval": ["3", "4"]]),
        // `--` ends options: what follows is positional, even `-h`.
        ParseCase(argv: ["poll", "--once", "--", "--timeout", "-h"], path: ["fanout", "poll"],
                  options: ["once": [""]], arguments: ["QUEUE": ["--timeout", "-h"]]),
        // Negative numbers are values, `-` alone is a positional.
        ParseCase(argv: ["poll", "--interval", "-3", "-"], path: ["fanout", "poll"],
                  options: ["interval": ["-3"]], arguments: ["QUEUE": ["-"]]),
        // A command with both run and subcommands: bare, with its own argument, or descending.
        ParseCase(argv: ["dlq"], path: ["fanout", "dlq"]),
        ParseCase(argv: ["dlq", "orders-dlq", "--non-empty"], path: ["fanout", "dlq"],
                  options: ["non-empty": [""]], arguments: ["QUEUE": ["orders-dlq"]]),
        ParseCase(argv: ["dlq", "redrive", "orders-dlq", "--to", "https://sqs/q", "-y", "--output", "json"],
                  path: ["fanout", "dlq", "redrive"],
                  options: ["to": ["https://sqs/q"], "yes": [""], "output": ["json"]], arguments: ["QUEUE": ["orders-dlq"]]),
        ParseCase(argv: ["-q", "dlq", "--debug", "inspect", "orders-dlq", "--limit", "3"], path: ["fanout", "dlq", "inspect"],
                  options: ["quiet": [""], "debug": [""], "limit": ["3"]], arguments: ["QUEUE": ["orders-dlq"]]),
        // A global option's value is never taken for a subcommand name.
        ParseCase(argv: ["--region", "dlq", "queues"], path: ["fanout", "queues"], options: ["region": ["dlq"]]),
        // Hidden options parse.
        ParseCase(argv: ["queues", "--trace-file", "/tmp/t"], path: ["fanout", "queues"], options: ["trace-file": ["/tmp/t"]]),
        ParseCase(argv: ["config", "import", "outputs.json", "--dir", "infra"], path: ["fanout", "config", "import"],
                  options: ["dir": ["infra"]], arguments: ["FILE": ["outputs.json"]]),
    ]

    @Test(arguments: runCases)
    func parsesToCommand(_ testCase: ParseCase) throws {
        guard case .run(let command, let parsed) = TestSpec.parser.parse(testCase.argv) else {
            Issue.record("expected a command to run, got \(TestSpec.parser.parse(testCase.argv))")
            return
        }
        #expect(command.name == testCase.path.last)
        #expect(parsed.commandPath == testCase.path)
        #expect(parsed.givenValues == testCase.options)
        #expect(parsed.positionals == testCase.arguments)
    }

    @Test func accessorsApplyDefaultsAndConversions() throws {
        guard case .run(_, let poll) = TestSpec.parser.parse(["poll", "--interval", "3", "--interval", "4", "--once"]) else {
            Issue.record("poll did not parse")
            return
        }
        #expect(poll.string("interval") == "4")
        #expect(poll.strings("interval") == ["3", "4"])
        #expect(try poll.int("interval") == 4)
        #expect(poll.flag("once"))
        #expect(!poll.flag("debug"))
        #expect(poll.has("interval"))
        // Not given: the default, which `has` does not count.
        #expect(!poll.has("output"))
        #expect(poll.string("output") == "table")
        #expect(poll.strings("output") == ["table"])
        #expect(poll.string("timeout") == nil)
        #expect(poll.strings("attribute") == [])
        #expect(try poll.int("timeout") == nil)
        #expect(poll.argument("QUEUE") == nil)
        #expect(poll.arguments("QUEUE") == [])

        guard case .run(_, let redrive) = TestSpec.parser.parse(["dlq", "redrive", "orders-dlq"]) else {
            Issue.record("dlq redrive did not parse")
            return
        }
        #expect(try redrive.number("rate", in: 0...100) == 0.5)
        #expect(redrive.argument("QUEUE") == "orders-dlq")
        #expect(redrive.arguments("QUEUE") == ["orders-dlq"])
    }

    @Test func badNumbersAreUsageErrors() throws {
        let parsed = ParsedArguments(commandPath: ["fanout", "poll"], options: ["count": ["x"], "rate": ["fast"], "ratio": ["nan"]])
        let intError = #expect(throws: FanoutError.self) { try parsed.int("count") }
        #expect(intError?.message == "Invalid value 'x' for '--count': expected a whole number.")
        #expect(intError?.exitCode == 252)
        let doubleError = #expect(throws: FanoutError.self) { try parsed.number("rate", in: 0...10) }
        #expect(doubleError?.message == "Invalid value 'fast' for '--rate': expected a number from 0 to 10.")
        #expect(throws: FanoutError.self) { try parsed.number("ratio", in: 0...1) }
    }

    static let failureCases: [FailureCase] = [
        FailureCase(argv: ["poll", "--regoin", "eu-west-1"], message: """
            Error: Unknown option '--regoin'. Did you mean '--region'?
            Usage: fanout poll [<queue> ...] [<options>] [<global options>]
            See 'fanout poll --help'.
            """),
        FailureCase(argv: ["qeues"], message: """
            Error: Unknown command 'qeues' for 'fanout'. Did you mean 'queues'?
            Usage: fanout <subcommand>
            See 'fanout --help'.
            """),
        FailureCase(argv: ["--output", "xml", "queues"], message: """
            Error: Invalid value 'xml' for '--output'. Expected one of: table, json.
            Usage: fanout <subcommand>
            See 'fanout --help'.
            """),
        FailureCase(argv: ["queues", "--output=jsn"], message: """
            Error: Invalid value 'jsn' for '--output'. Expected one of: table, json. Did you mean 'json'?
            Usage: fanout queues [--all] [<global options>]
            See 'fanout queues --help'.
            """),
        FailureCase(argv: ["help", "nosuch"], message: """
            Error: Unknown command 'nosuch' for 'fanout'.
            Usage: fanout <subcommand>
            See 'fanout --help'.
            """),
        FailureCase(argv: ["help", "dlq", "redirve"], message: """
            Error: Unknown command 'redirve' for 'fanout dlq'. Did you mean 'redrive'?
            Usage: fanout dlq [<queue>] [--non-empty] [<global options>]
                   fanout dlq <subcommand>
            See 'fanout dlq --help'.
            """),
        FailureCase(argv: ["config", "imprt"], message: """
            Error: Unknown command 'imprt' for 'fanout config'. Did you mean 'import'?
            Usage: fanout config <subcommand>
            See 'fanout config --help'.
            """),
        FailureCase(argv: ["dlq", "inspect"], message: """
            Error: Missing expected argument '<queue>'.
            Usage: fanout dlq inspect <queue> [--limit <n>] [<global options>]
            See 'fanout dlq inspect --help'.
            """),
        FailureCase(argv: ["dlq", "redrive", "orders-dlq", "billing-dlq"], message: """
            Error: Unexpected argument 'billing-dlq'.
            Usage: fanout dlq redrive [<queue>] [<options>] [<global options>]
            See 'fanout dlq redrive --help'.
            """),
        // After its own positional, `dlq` no longer descends.
        FailureCase(argv: ["dlq", "orders-dlq", "redrive"], message: """
            Error: Unexpected argument 'redrive'.
            Usage: fanout dlq [<queue>] [--non-empty] [<global options>]
                   fanout dlq <subcommand>
            See 'fanout dlq --help'.
            """),
        FailureCase(argv: ["--", "queues"], message: """
            Error: Unexpected argument 'queues'.
            Usage: fanout <subcommand>
            See 'fanout --help'.
            """),
        FailureCase(argv: ["poll", "--interval"], message: """
            Error: Missing value for option '--interval <seconds>'.
            Usage: fanout poll [<queue> ...] [<options>] [<global options>]
            See 'fanout poll --help'.
            """),
        FailureCase(argv: ["--region", "--debug", "queues"], message: """
            Error: Missing value for option '--region <region>'.
            Usage: fanout <subcommand>
            See 'fanout --help'.
            """),
        FailureCase(argv: ["dlq", "redrive", "--yes=1"], message: """
            Error: Option '--yes' does not take a value.
            Usage: fanout dlq redrive [<queue>] [<options>] [<global options>]
            See 'fanout dlq redrive --help'.
            """),
        FailureCase(argv: ["queues", "--help=yes"], message: """
            Error: Option '--help' does not take a value.
            Usage: fanout queues [--all] [<global options>]
            See 'fanout queues --help'.
            """),
        FailureCase(argv: ["-region", "eu-west-1"], message: """
            Error: Unknown option '-region'. Did you mean '--region'?
            Usage: fanout <subcommand>
            See 'fanout --help'.
            """),
        FailureCase(argv: ["queues", "-x"], message: """
            Error: Unknown option '-x'.
            Usage: fanout queues [--all] [<global options>]
            See 'fanout queues --help'.
            """),
        // An option of `dlq` given before `redrive` must be one of redrive's.
        FailureCase(argv: ["dlq", "--non-empty", "redrive"], message: """
            Error: Unknown option '--non-empty'.
            Usage: fanout dlq redrive [<queue>] [<options>] [<global options>]
            See 'fanout dlq redrive --help'.
            """),
        FailureCase(argv: ["poll", "--attribute", "Size"], message: """
            Error: Invalid value 'Size' for '--attribute'. Expected one of: ApproximateNumberOfMessages, ApproximateAgeOfOldestMessage.
            Usage: fanout poll [<queue> ...] [<options>] [<global options>]
            See 'fanout poll --help'.
            """),
    ]

    @Test(arguments: failureCases)
    func reportsUsageError(_ testCase: FailureCase) {
        let outcome = TestSpec.parser.parse(testCase.argv)
        guard case .failure(let message) = outcome else {
            Issue.record("expected a failure, got \(outcome)")
            return
        }
        #expect(message == testCase.message)
    }

    static let helpRequests: [(argv: [String], path: [String])] = [
        ([], ["fanout"]),
        (["--help"], ["fanout"]),
        (["-h"], ["fanout"]),
        (["help"], ["fanout"]),
        (["--region", "eu-west-1", "help"], ["fanout"]),
        (["config"], ["fanout", "config"]),
        (["poll", "-h"], ["fanout", "poll"]),
        (["dlq", "--help"], ["fanout", "dlq"]),
        (["dlq", "redrive", "--help"], ["fanout", "dlq", "redrive"]),
        (["help", "dlq", "redrive"], ["fanout", "dlq", "redrive"]),
        (["help", "dlq", "redrive", "--wait"], ["fanout", "dlq", "redrive"]),
        (["help", "--region", "eu-west-1", "dlq"], ["fanout", "dlq"]),
        (["dlq", "-h", "redrive"], ["fanout", "dlq", "redrive"]),
        (["--region", "dlq", "-h"], ["fanout"]),
        // Help wins over mistakes elsewhere on the line.
        (["dlq", "redrive", "--regoin", "x", "-h"], ["fanout", "dlq", "redrive"]),
        (["help", "dlq", "-h"], ["fanout", "dlq"]),
        // A positional stops the descent.
        (["dlq", "orders-dlq", "redrive", "-h"], ["fanout", "dlq"]),
    ]

    @Test(arguments: helpRequests)
    func answersHelpRequest(_ argv: [String], _ path: [String]) throws {
        let outcome = TestSpec.parser.parse(argv)
        guard case .help(let text) = outcome else {
            Issue.record("expected help, got \(outcome)")
            return
        }
        #expect(text == HelpRenderer.render(path: try specPath(path), globalOptions: TestSpec.globalOptions))
    }

    @Test func helpAfterDoubleDashIsAnArgument() {
        guard case .run(_, let parsed) = TestSpec.parser.parse(["poll", "--", "-h"]) else {
            Issue.record("poll -- -h did not run poll")
            return
        }
        #expect(parsed.arguments("QUEUE") == ["-h"])
    }

    /// The specs along a path of names from the root.
    func specPath(_ names: [String]) throws -> [CommandSpec] {
        var path = [TestSpec.root]
        for name in names.dropFirst() {
            path.append(try #require(path[path.count - 1].subcommand(named: name)))
        }
        return path
    }
}

@Suite struct SuggestionTests {
    @Test(arguments: [
        ("", "", 0), ("abc", "", 3), ("region", "region", 0), ("regoin", "region", 1),
        ("qeues", "queues", 1), ("rgeion", "region", 1), ("kitten", "sitting", 3), ("ca", "abc", 3),
    ])
    func editDistance(_ a: String, _ b: String, _ expected: Int) {
        #expect(Suggestion.editDistance(Array(a), Array(b)) == expected)
        #expect(Suggestion.editDistance(Array(b), Array(a)) == expected)
    }

    @Test(arguments: [
        ("regoin", "region"), ("reigon", "region"), ("reg", "region"), ("outptu", "output"),
        ("qiet", "quiet"), ("dbug", "debug"), ("xyz", nil), ("q", nil), ("regionx", "region"),
        ("verylongoptionnaem", "verylongoptionname"), ("zzzzzzzzzz", nil),
    ] as [(String, String?)])
    func closest(_ typed: String, _ expected: String?) {
        let candidates = ["region", "output", "debug", "quiet", "verylongoptionname", "help"]
        #expect(Suggestion.closest(to: typed, among: candidates) == expected)
    }
}

@Suite struct SpecProblemTests {
    @Test func testSpecIsSound() {
        #expect(TestSpec.root.problems(globalOptions: TestSpec.globalOptions) == [])
    }

    @Test func reportsMistakes() {
        let broken = CommandSpec(
            name: "tool", abstract: "",
            subcommands: [
                CommandSpec(
                    name: "run", abstract: "",
                    arguments: [
                        ArgumentSpec(name: "A", help: "", isOptional: true),
                        ArgumentSpec(name: "B", help: "", isVariadic: true),
                        ArgumentSpec(name: "C", help: ""),
                    ],
                    options: [
                        .flag("force", short: "f", help: ""),
                        .flag("force", help: ""),
                        .flag("fast", short: "f", help: ""),
                        .flag("help", help: ""),
                        .value("--mode", "MODE", help: "", default: "slow", choices: ["fast"]),
                        .value("region", "REGION", help: ""),
                    ],
                    run: { _ in { _ in } }),
                CommandSpec(name: "empty", abstract: ""),
            ])
        #expect(broken.problems(globalOptions: [.value("region", "REGION", help: "")]) == [
            "'tool run': option '--force' is declared twice",
            "'tool run': short option '-f' is declared twice",
            "'tool run': '-h' and '--help' are built in",
            "'tool run': option name '--mode' must be a bare word like 'region'",
            "'tool run': default 'slow' of '----mode' is not one of its choices",
            "'tool run': option '--region' shadows a global option",
            "'tool run': variadic argument B must be the last",
            "'tool run': required argument B follows an optional one",
            "'tool run': required argument C follows an optional one",
            "'tool empty': has neither run nor subcommands",
        ])
    }
}
