@testable import FanoutCLI
import FanoutKit
import Testing

/// argv → Options, or the exact usage error, for `fanout dlq` and its leaves.
@Suite struct DLQOptionsTests {
    static func arguments(_ argv: [String]) throws -> ParsedArguments {
        let parser = CommandLineParser(root: FanoutCommand.root, globalOptions: FanoutCommand.globalOptions)
        switch parser.parse(argv) {
        case .run(_, let arguments): return arguments
        case .help(let text): throw FanoutError.usage("help: \(text)")
        case .failure(let message): throw FanoutError.usage(message)
        }
    }

    static func error(_ body: () throws -> Void) -> String? {
        do { try body() } catch { return FanoutError.wrap(error).message }
        return nil
    }

    // MARK: list, tasks, cancel

    struct ListCase: Sendable, CustomTestStringConvertible {
        var argv: [String]
        var expected: DLQListCommand.Options
        var testDescription: String { argv.joined(separator: " ") }
    }

    static func list(_ dlqs: [String] = [], filter: String? = nil) -> DLQListCommand.Options {
        var options = try! DLQListCommand.Options(arguments(["dlq"]))
        options.resources.dlqs = dlqs
        if let filter { options.resources.filters[.dlqs] = filter }
        return options
    }

    static let listCases: [ListCase] = [
        ListCase(argv: ["dlq"], expected: list()),
        ListCase(argv: ["dlq", "--dlq", "a-dlq", "--dlq", "https://sqs/1/b-dlq"], expected: list(["a-dlq", "https://sqs/1/b-dlq"])),
        ListCase(argv: ["dlq", "--dlqs-filter", ".x[]"], expected: list(filter: ".x[]")),
    ]

    @Test(arguments: listCases) func listOptions(_ c: ListCase) throws {
        #expect(try DLQListCommand.options(Self.arguments(c.argv)) == c.expected)
    }

    @Test func listDefaults() throws {
        let options = try DLQListCommand.options(Self.arguments(["dlq"]))
        #expect(options.resources.dlqs == [])
        #expect(options.resources.roles == [.dlqs])
        #expect(options.resources.filters == [:])
    }

    @Test func tasksAndCancelTakeAQueue() throws {
        let tasks = try DLQTasksCommand.options(Self.arguments(["dlq", "tasks", "2", "--dlq", "x"]))
        #expect(tasks.queue == "2")
        #expect(tasks.resources.dlqs == ["x"])
        #expect(try DLQTasksCommand.options(Self.arguments(["dlq", "tasks"])).queue == nil)
        let cancel = try DLQCancelCommand.options(Self.arguments(["dlq", "cancel", "orders-dlq"]))
        #expect(cancel.queue == "orders-dlq")
        #expect(try DLQCancelCommand.options(Self.arguments(["dlq", "cancel"])).queue == nil)
    }

    static let emptyValueCases: [(argv: [String], message: String)] = [
        (["dlq", "--dlq", ""], "Empty value for '--dlq'."),
        (["dlq", "--dlqs-filter", ""], "Empty value for '--dlqs-filter'."),
        (["dlq", "tasks", "--dlq="], "Empty value for '--dlq'."),
        (["dlq", "cancel", "--dlq="], "Empty value for '--dlq'."),
        (["dlq", "inspect", "--dlq="], "Empty value for '--dlq'."),
        (["dlq", "redrive", "--to", ""], "Empty value for '--to'."),
        (["dlq", "redrive", "--filter", ""], "Empty value for '--filter'."),
        (["dlq", "redrive", "--queue", ""], "Empty value for '--queue'."),
    ]

    @Test(arguments: emptyValueCases) func emptyValuesAreUsageErrors(_ argv: [String], _ message: String) throws {
        let arguments = try Self.arguments(argv)
        let error = Self.error {
            switch argv.dropFirst().first {
            case "tasks": _ = try DLQTasksCommand.options(arguments)
            case "cancel": _ = try DLQCancelCommand.options(arguments)
            case "inspect": _ = try DLQInspectCommand.options(arguments)
            case "redrive": _ = try DLQRedriveCommand.options(arguments)
            default: _ = try DLQListCommand.options(arguments)
            }
        }
        #expect(error == message)
    }

    // MARK: inspect

    @Test(arguments: [
        (["dlq", "inspect"], nil, 10),
        (["dlq", "inspect", "1"], "1", 10),
        (["dlq", "inspect", "orders-dlq", "--max", "5"], "orders-dlq", 5),
        (["dlq", "inspect", "--max", "1"], nil, 1),
        (["dlq", "inspect", "--max", "1000000"], nil, 1_000_000),
    ] as [([String], String?, Int)])
    func inspectOptions(_ argv: [String], _ queue: String?, _ max: Int) throws {
        let options = try DLQInspectCommand.options(Self.arguments(argv))
        #expect(options.queue == queue)
        #expect(options.max == max)
        #expect(options.resources.roles == [.dlqs])
    }

    @Test(arguments: ["0", "-1", "1000001", "x", "1.5", "", "99999999999999999999"])
    func inspectMaxOutOfRange(_ value: String) throws {
        let arguments = try Self.arguments(["dlq", "inspect", "--max", value])
        #expect(Self.error { _ = try DLQInspectCommand.options(arguments) }
            == "Invalid value '\(value)' for '--max': expected a whole number from 1 to 1000000.")
    }

    // MARK: redrive

    struct RedriveCase: Sendable, CustomTestStringConvertible {
        var argv: [String]
        var expected: DLQRedriveCommand.Options
        var testDescription: String { argv.joined(separator: " ") }
    }

    static func redrive(_ change: (inout DLQRedriveCommand.Options) -> Void = { _ in }) -> DLQRedriveCommand.Options {
        var options = try! DLQRedriveCommand.Options(arguments(["dlq", "redrive"]))
        change(&options)
        return options
    }

    static let redriveCases: [RedriveCase] = [
        RedriveCase(argv: ["dlq", "redrive"], expected: redrive()),
        RedriveCase(argv: ["dlq", "redrive", "1", "--wait"], expected: redrive { $0.queue = "1"; $0.wait = true }),
        RedriveCase(argv: ["dlq", "redrive", "1", "--wait", "--rate", "2.5"], expected: redrive { $0.queue = "1"; $0.wait = true; $0.rate = 2.5 }),
        RedriveCase(argv: ["dlq", "redrive", "--rate", "0.01"], expected: redrive { $0.rate = 0.01 }),
        RedriveCase(argv: ["dlq", "redrive", "--rate", "10000"], expected: redrive { $0.rate = 10_000 }),
        RedriveCase(argv: ["dlq", "redrive", "a-dlq", "--to", "orders", "-y"], expected: redrive { $0.queue = "a-dlq"; $0.to = "orders"; $0.yes = true }),
        RedriveCase(argv: ["dlq", "redrive", "--client-side", "--yes"], expected: redrive { $0.clientSide = true; $0.yes = true }),
        RedriveCase(argv: ["dlq", "redrive", "--filter", ".kind == \"retry\""], expected: redrive { $0.filter = ".kind == \"retry\"" }),
        RedriveCase(argv: ["dlq", "redrive", "--dry-run"], expected: redrive { $0.dryRun = true }),
        RedriveCase(argv: ["dlq", "redrive", "--max", "3"], expected: redrive { $0.max = 3 }),
        RedriveCase(argv: ["dlq", "redrive", "--queue", "q", "--dlq", "d", "--queues-filter", ".q[]"],
                    expected: redrive { $0.resources.queues = ["q"]; $0.resources.dlqs = ["d"]; $0.resources.filters[.queues] = ".q[]" }),
    ]

    @Test(arguments: redriveCases) func redriveOptions(_ c: RedriveCase) throws {
        #expect(try DLQRedriveCommand.options(Self.arguments(c.argv)) == c.expected)
    }

    @Test func redriveDefaults() throws {
        let options = try DLQRedriveCommand.options(Self.arguments(["dlq", "redrive"]))
        #expect(options.queue == nil && options.to == nil && options.rate == nil && options.filter == nil && options.max == nil)
        #expect(!options.wait && !options.clientSide && !options.dryRun && !options.yes)
        #expect(!options.clientSideOnly)
        #expect(options.resources.roles == [.queues, .dlqs])
    }

    @Test(arguments: [
        (["--client-side"], true), (["--filter", "."], true), (["--dry-run"], true), (["--max", "1"], true), (["--to", "x"], false), ([], false),
    ] as [([String], Bool)])
    func clientSideOnly(_ extra: [String], _ expected: Bool) throws {
        #expect(try DLQRedriveCommand.options(Self.arguments(["dlq", "redrive"] + extra)).clientSideOnly == expected)
    }

    static let rateMessage = "expected a number of messages per second from 0.01 to 10000."

    @Test(arguments: ["0", "-1", "1e-300", "0.001", "10000.5", "1e300", "inf", "-inf", "nan", "infinity", "fast", ""])
    func redriveRateOutOfRange(_ value: String) throws {
        let arguments = try Self.arguments(["dlq", "redrive", "--rate", value])
        #expect(Self.error { _ = try DLQRedriveCommand.options(arguments) } == "Invalid value '\(value)' for '--rate': \(Self.rateMessage)")
    }

    @Test(arguments: ["0", "-5", "1000001", "x", "2.5", "", "99999999999999999999"])
    func redriveMaxOutOfRange(_ value: String) throws {
        let arguments = try Self.arguments(["dlq", "redrive", "--max", value])
        #expect(Self.error { _ = try DLQRedriveCommand.options(arguments) }
            == "Invalid value '\(value)' for '--max': expected a whole number from 1 to 1000000.")
    }

    static let waitConflict = "--wait follows a move task; it does not go with --client-side, --filter, --dry-run or --max"

    @Test(arguments: [["--client-side"], ["--filter", ".a"], ["--dry-run"], ["--max", "2"], ["--client-side", "--dry-run"]])
    func waitConflicts(_ extra: [String]) throws {
        let arguments = try Self.arguments(["dlq", "redrive", "1", "--wait"] + extra)
        #expect(Self.error { _ = try DLQRedriveCommand.options(arguments) } == Self.waitConflict)
    }

    @Test func waitGoesWithRateAndTo() throws {
        let options = try DLQRedriveCommand.options(Self.arguments(["dlq", "redrive", "1", "--wait", "--rate", "5", "--to", "orders"]))
        #expect(options.wait && options.rate == 5 && options.to == "orders")
    }

    @Test(arguments: [".kind ==", "{", "nosuchfunction(1)"])
    func filterMustCompile(_ filter: String) throws {
        let arguments = try Self.arguments(["dlq", "redrive", "--filter", filter])
        let message = Self.error { _ = try DLQRedriveCommand.options(arguments) }
        #expect(message?.hasPrefix("--filter '\(filter)' does not compile: ") == true, "\(message ?? "no error")")
    }

    @Test func theGroupListsItsLeaves() {
        #expect(DLQCommand.spec.subcommands.map(\.name) == ["inspect", "redrive", "tasks", "cancel"])
        #expect(DLQCommand.spec.run != nil)
    }
}
