@testable import FanoutCLI
import FanoutKit
import Testing

/// argv → Options, or the exact usage error, for `fanout alarms`.
@Suite struct AlarmsOptionsTests {
    static func options(_ argv: [String]) throws -> AlarmsCommand.Options {
        let parser = CommandLineParser(root: FanoutCommand.root, globalOptions: FanoutCommand.globalOptions)
        switch parser.parse(["alarms"] + argv) {
        case .run(_, let arguments): return try AlarmsCommand.options(arguments)
        case .help(let text): throw FanoutError.usage("help: \(text)")
        case .failure(let message): throw FanoutError.usage(message)
        }
    }

    static func error(_ argv: [String]) -> String? {
        do { _ = try options(argv) } catch { return FanoutError.wrap(error).message }
        return nil
    }

    @Test func defaults() throws {
        let o = try Self.options([])
        #expect(o.prefix == nil && !o.live && o.expect == nil && o.wait == nil)
        #expect(o.timeout == 300)
        #expect(o.interval == 5)
    }

    @Test(arguments: [
        (["--prefix", "dlq-"], \AlarmsCommand.Options.prefix, "dlq-"),
        (["--expect", "OK"], \AlarmsCommand.Options.expect, "OK"),
        (["--expect", "INSUFFICIENT_DATA"], \AlarmsCommand.Options.expect, "INSUFFICIENT_DATA"),
        (["--wait", "ALARM"], \AlarmsCommand.Options.wait, "ALARM"),
    ] as [([String], KeyPath<AlarmsCommand.Options, String?> & Sendable, String)])
    func textOptions(_ argv: [String], _ field: KeyPath<AlarmsCommand.Options, String?> & Sendable, _ value: String) throws {
        #expect(try Self.options(argv)[keyPath: field] == value)
    }

    @Test func everyOption() throws {
        let o = try Self.options(["--live", "--prefix", "p", "--wait", "OK", "--expect", "ALARM", "--timeout", "86400", "--interval", "0.5"])
        #expect(o.live && o.prefix == "p" && o.wait == "OK" && o.expect == "ALARM")
        #expect(o.timeout == 86_400)
        #expect(o.interval == 0.5)
        #expect(try Self.options(["--interval", "3600"]).interval == 3_600)
        #expect(try Self.options(["--timeout", "1e-3"]).timeout == 0.001)
    }

    @Test(arguments: ["--wait", "--expect"])
    func statesAreChoices(_ option: String) {
        // The parser rejects these before the parse step: its failure is the whole usage text.
        #expect(Self.error([option, "alarm"])?.hasPrefix(
            "Error: Invalid value 'alarm' for '\(option)'. Expected one of: OK, ALARM, INSUFFICIENT_DATA.\n") == true)
        #expect(Self.error([option, "PENDING"])?.hasPrefix(
            "Error: Invalid value 'PENDING' for '\(option)'. Expected one of: OK, ALARM, INSUFFICIENT_DATA.\n") == true)
    }

    @Test(arguments: ["0", "-1", "86400.5", "1e12", "inf", "nan", "-inf", "soon", ""])
    func timeoutOutOfRange(_ value: String) {
        #expect(Self.error(["--timeout", value]) == "Invalid value '\(value)' for '--timeout': expected a number of seconds greater than 0 up to 86400.")
    }

    @Test(arguments: ["0", "-0.5", "3600.1", "1e12", "inf", "nan", "often", ""])
    func intervalOutOfRange(_ value: String) {
        #expect(Self.error(["--interval", value]) == "Invalid value '\(value)' for '--interval': expected a number of seconds greater than 0 up to 3600.")
    }

    @Test func emptyPrefixIsAnError() {
        #expect(Self.error(["--prefix", ""]) == "Empty value for '--prefix'.")
    }
}
