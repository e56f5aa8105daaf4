import FanoutKit
import Testing

@testable import FanoutCLI

/// argv → consume's and poll's Options, or the exact usage error, before anything is called.
@Suite struct ConsumePollOptionsTests {
    @Test func consumeDefaultsComeFromTheSpec() throws {
        let o = try ParseStep.options(ConsumeCommand.self, ["consume"])
        #expect(o.queues.isEmpty)
        #expect(o.wait == 20 && o.batchSize == 10 && o.batchWindow == 0 && o.timeout == 60 && o.backoff == 30 && o.maxBackoff == 300)
        #expect(o.failWhen == nil && o.failQueues.isEmpty && o.untilIdle == nil && o.exec == nil)
        #expect(o.resources.table == nil && o.resources.filters.isEmpty)
    }

    @Test func consumeReadsEveryOption() throws {
        let o = try ParseStep.options(ConsumeCommand.self, [
            "consume", "--queue", "1", "--queue", "orders", "--fail-when", ".x", "--fail-queue", "2", "--until-idle", "2.5",
            "--wait", "0", "--table", "t", "--queues-filter", ".q[]", "--table-filter", ".t",
        ])
        #expect(o.queues == ["1", "orders"])
        #expect(o.failWhen == ".x" && o.failQueues == [2] && o.untilIdle == 2.5 && o.wait == 0)
        #expect(o.resources.table == "t" && o.resources.filters == [.queues: ".q[]", .table: ".t"])
        let exec = try ParseStep.options(ConsumeCommand.self, [
            "consume", "--exec", "python3 h.py", "--batch-size", "5", "--batch-window", "1.5", "--timeout", "9", "--backoff", "2",
            "--max-backoff", "8",
        ])
        #expect(exec.exec == "python3 h.py" && exec.batchSize == 5 && exec.batchWindow == 1.5 && exec.timeout == 9)
        #expect(exec.backoff == 2 && exec.maxBackoff == 8)
    }

    static let consumeRejects: [RejectCase] = [
        RejectCase(["consume", "--queue="], "Empty value for '--queue'."),
        RejectCase(["consume", "--wait", "21"], "Invalid value '21' for '--wait': expected a whole number from 0 to 20."),
        RejectCase(["consume", "--wait", "1e3"], "Invalid value '1e3' for '--wait': expected a whole number from 0 to 20."),
        RejectCase(["consume", "--until-idle", "0"], "Invalid value '0' for '--until-idle': expected a number of seconds greater than 0 up to 86400."),
        RejectCase(["consume", "--until-idle", "1e300"], "Invalid value '1e300' for '--until-idle': expected a number of seconds greater than 0 up to 86400."),
        RejectCase(["consume", "--until-idle", "nan"], "Invalid value 'nan' for '--until-idle': expected a number of seconds greater than 0 up to 86400."),
        RejectCase(["consume", "--until-idle", "inf"], "Invalid value 'inf' for '--until-idle': expected a number of seconds greater than 0 up to 86400."),
        RejectCase(["consume", "--batch-size", "0"], "Invalid value '0' for '--batch-size': expected a whole number from 1 to 10."),
        RejectCase(["consume", "--batch-window", "-1"], "Invalid value '-1' for '--batch-window': expected a number of seconds from 0 up to 300."),
        RejectCase(["consume", "--timeout", "1e12"], "Invalid value '1e12' for '--timeout': expected a number of seconds greater than 0 up to 900."),
        RejectCase(["consume", "--backoff", "99999999999999999999"], "Invalid value '99999999999999999999' for '--backoff': expected a whole number from 0 to 43200."),
        RejectCase(["consume", "--backoff", "60", "--max-backoff", "30"], "--max-backoff (30 s) must not be shorter than --backoff (60 s)"),
        RejectCase(["consume", "--fail-queue", "0"], "Invalid value '0' for '--fail-queue': expected a queue number (1…)."),
        RejectCase(["consume", "--fail-queue", ""], "Empty value for '--fail-queue'."),
        RejectCase(["consume", "--exec", "true", "--fail-queue", "1"], "--fail-when and --fail-queue apply to the built-in consumer, not to --exec"),
        RejectCase(["consume", "--exec", ""], "Empty value for '--exec'."),
        RejectCase(["consume", "--table", ""], "Empty value for '--table'."),
    ]

    @Test(arguments: consumeRejects) func consumeRejectsBadInput(_ c: RejectCase) {
        #expect(ParseStep.error(ConsumeCommand.self, c.argv) == c.message)
    }

    @Test func aFailWhenThatDoesNotCompileIsAUsageError() {
        let message = ParseStep.error(ConsumeCommand.self, ["consume", "--fail-when", ".[["])
        #expect(message?.hasPrefix("--fail-when '.[[' does not compile") == true, "\(message ?? "nil")")
    }

    @Test func pollOptions() throws {
        let o = try ParseStep.options(PollCommand.self, ["poll"])
        #expect(o.interval == 10 && !o.once && !o.untilDrained && o.timeout == nil)
        let all = try ParseStep.options(PollCommand.self, ["poll", "--interval", "0.5", "--once", "--until-drained", "--timeout", "30",
                                                           "--queue", "a", "--dlq", "b"])
        #expect(all.interval == 0.5 && all.once && all.untilDrained && all.timeout == 30)
        #expect(all.resources.queues == ["a"] && all.resources.dlqs == ["b"])
    }

    static let pollRejects: [RejectCase] = [
        RejectCase(["poll", "--interval", "0"], "Invalid value '0' for '--interval': expected a number of seconds greater than 0 up to 86400."),
        RejectCase(["poll", "--interval", "1e12"], "Invalid value '1e12' for '--interval': expected a number of seconds greater than 0 up to 86400."),
        RejectCase(["poll", "--interval", "-inf"], "Invalid value '-inf' for '--interval': expected a number of seconds greater than 0 up to 86400."),
        RejectCase(["poll", "--timeout", "1e300"], "Invalid value '1e300' for '--timeout': expected a number of seconds greater than 0 up to 604800."),
        RejectCase(["poll", "--dlq="], "Empty value for '--dlq'."),
        RejectCase(["poll", "--queues-filter="], "Empty value for '--queues-filter'."),
    ]

    @Test(arguments: pollRejects) func pollRejectsBadInput(_ c: RejectCase) {
        #expect(ParseStep.error(PollCommand.self, c.argv) == c.message)
    }

    static let globalRejects: [RejectCase] = [
        RejectCase(["queues", "--endpoint-url", ""], "Empty value for '--endpoint-url'."),
        RejectCase(["queues", "--endpoint-url", "localhost:5000"], "Invalid value 'localhost:5000' for '--endpoint-url': expected an http:// or https:// URL."),
        RejectCase(["queues", "--region="], "Empty value for '--region'."),
        RejectCase(["queues", "--profile="], "Empty value for '--profile'."),
    ]

    /// Global options are validated before any command runs; a usage error prints in the parser's format.
    @Test(arguments: globalRejects) func globalOptionsAreValidated(_ c: RejectCase) async {
        let result = await InProcess.run(c.argv, environment: ["HOME": "/nonexistent"])
        #expect(result.status == 252)
        #expect(result.stdout.isEmpty)
        let lines = result.stderr.split(separator: "\n").map(String.init)
        #expect(lines.first == "Error: " + c.message, "\(result)")
        #expect(lines.last == "See 'fanout queues --help'.", "\(result)")
        #expect(lines.count == 3, "\(result)")
    }
}
