import Foundation
import Testing
@testable import FanoutKit

/// outputs.json problems through the binary: exit 253, one `Error:` line naming the file (and the filter), an
/// optional `Hint:` line, nothing on stdout. The AWS endpoint is a closed port, so a command that reached the
/// network before reading outputs.json would fail with 255 instead.
@Suite struct OutputsErrorsIntegrationTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var label: String
        /// outputs.json's content; nil for no file at all.
        var file: String?
        var args: [String]
        /// Fragments the Error line must contain besides the file's path.
        var mentions: [String]
        var testDescription: String { label }
    }

    static let validFlat = #"{"queues": [{"url": "http://127.0.0.1:1/123456789012/q"}], "count": 3, "dlqs": 5, "sns_topic_arn": "arn:aws:sns:us-east-1:123456789012:t"}"#

    static let cases: [Case] = [
        Case(label: "missing file", file: nil, args: [], mentions: ["does not exist"]),
        Case(label: "invalid JSON", file: #"{"queues": [{"url": "#, args: [], mentions: ["not valid JSON"]),
        Case(label: "filter does not compile", file: validFlat, args: ["--queues-filter", ".queues["],
             mentions: ["queues filter '.queues['", "syntax error"]),
        Case(label: "filter calls an undefined function", file: validFlat, args: ["--queues-filter", ".queues[] | nosuchfn"],
             mentions: ["queues filter '.queues[] | nosuchfn'", "nosuchfn/0 is not defined"]),
        Case(label: "filter yields nothing", file: validFlat, args: ["--queues-filter", ".missing[]?"],
             mentions: ["queues filter '.missing[]?'", "yielded nothing", "expected strings"]),
        Case(label: "filter yields a number", file: validFlat, args: ["--queues-filter", ".count"],
             mentions: ["queues filter '.count'", "yielded a number (3)", "expected strings"]),
        Case(label: "filter yields an object", file: validFlat, args: ["--queues-filter", ".queues[0]"],
             mentions: ["queues filter '.queues[0]'", "yielded an object", "expected strings"]),
        Case(label: "filter yields null", file: validFlat, args: ["--queues-filter", ".nope"],
             mentions: ["queues filter '.nope'", "yielded null"]),
        Case(label: "filter fails at run time", file: validFlat, args: ["--queues-filter", #".queues[] | error("custom failure")"#],
             mentions: [#"queues filter '.queues[] | error("custom failure")'"#, "custom failure"]),
        Case(label: "default queues filter on the wrong shape", file: #"{"queues": "http://127.0.0.1:1/123456789012/q"}"#, args: [],
             mentions: ["queues filter '.queues[].url'", "Cannot iterate over string"]),
        Case(label: "default dlqs filter on the wrong shape", file: validFlat, args: [],
             mentions: ["dlqs filter '.dlqs[].url'", "Cannot iterate over number"]),
        Case(label: "explicit dlqs filter yields nothing", file: validFlat, args: ["--dlqs-filter", "empty"],
             mentions: ["dlqs filter 'empty'", "yielded nothing", "expected strings (the DLQ URLs)"]),
    ]

    @Test(arguments: cases)
    func outputsError(_ c: Case) async throws {
        let home = try TempDir()
        let closed = try ClosedPort()
        let path = home.path + "/outputs.json"
        if let file = c.file { try home.write("outputs.json", file) }
        var env = Fanout.baseEnvironment(home: home.path)
        env["AWS_ACCESS_KEY_ID"] = "AKIDTESTING"
        env["AWS_SECRET_ACCESS_KEY"] = "testing-secret"
        env["AWS_REGION"] = "us-east-1"
        env["AWS_ENDPOINT_URL"] = closed.url
        env["AWS_MAX_ATTEMPTS"] = "1"

        for format in ["table", "json"] {
            let result = await Fanout.runInProcess(["queues", "--outputs", path, "-o", format] + c.args, environment: env)
            let message = expectFailure(result, status: 253)
            #expect(message.hasPrefix("outputs.json: \(path)"), "the Error line names the file: \(result)")
            for fragment in c.mentions {
                #expect(message.contains(fragment), "missing '\(fragment)': \(result)")
            }
        }
    }

    /// The hint for a filter that yields the wrong thing names the option that fixes it.
    @Test func wrongTypeHintNamesTheOptions() async throws {
        let home = try TempDir()
        let closed = try ClosedPort()
        let path = try home.write("outputs.json", Self.validFlat)
        var env = Fanout.baseEnvironment(home: home.path)
        env["AWS_ACCESS_KEY_ID"] = "AKIDTESTING"
        env["AWS_SECRET_ACCESS_KEY"] = "testing-secret"
        env["AWS_REGION"] = "us-east-1"
        env["AWS_ENDPOINT_URL"] = closed.url
        let result = await Fanout.runInProcess(["queues", "--outputs", path, "--queues-filter", ".count"], environment: env)
        expectFailure(result, status: 253)
        #expect(result.stderrLines.count == 2, "\(result)")
        #expect(result.stderrLines.last?.hasPrefix("Hint: ") == true)
        #expect(result.stderrLines.last?.contains("--queues-filter") == true, "\(result)")
        #expect(result.stderrLines.last?.contains("--queue") == true, "\(result)")
    }
}
