import Foundation
import Testing
@testable import FanoutCLI
@testable import FanoutKit

/// The real command spec: well formed, and everything generated from it (completions/, README reference) is current.
@Suite struct FanoutSpecTests {
    static let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    @Test func specHasNoProblems() {
        #expect(FanoutCommand.root.problems(globalOptions: FanoutCommand.globalOptions) == [])
    }

    @Test(arguments: [("bash", "fanout.bash"), ("zsh", "_fanout"), ("fish", "fanout.fish")])
    func committedCompletionsAreCurrent(shell: String, file: String) throws {
        let committed = try String(contentsOf: Self.repo.appendingPathComponent("completions/\(file)"), encoding: .utf8)
        let generated = try CompletionScript.generate(shell: shell, root: FanoutCommand.root, globalOptions: FanoutCommand.globalOptions)
        #expect(committed == generated, "completions/\(file) is stale: run 'make completions'")
    }

    @Test func readmeReferenceIsCurrent() throws {
        let readme = try String(contentsOf: Self.repo.appendingPathComponent("README.md"), encoding: .utf8)
        let reference = ReferenceRenderer.markdown(root: FanoutCommand.root, globalOptions: FanoutCommand.globalOptions)
        let trimmed = reference.hasSuffix("\n") ? String(reference.dropLast()) : reference
        #expect(readme.contains("-->\n\n" + trimmed + "\n\n<!-- END REFERENCE -->"), "README.md's command reference is stale: run 'make readme'")
    }

    @Test func everyCommandHasHelp() {
        let parser = CommandLineParser(root: FanoutCommand.root, globalOptions: FanoutCommand.globalOptions)
        func walk(_ spec: CommandSpec, _ path: [String]) {
            guard case .help(let text) = parser.parse(path + ["--help"]) else {
                Issue.record("no help for \(path)")
                return
            }
            #expect(text.contains("USAGE:"))
            #expect(text.contains("GLOBAL OPTIONS:"))
            for sub in spec.subcommands { walk(sub, path + [sub.name]) }
        }
        walk(FanoutCommand.root, [])
    }

    @Test func parsesGlobalOptionsAnywhere() {
        let parser = CommandLineParser(root: FanoutCommand.root, globalOptions: FanoutCommand.globalOptions)
        guard case .run(let spec, let args) = parser.parse(["--region", "eu-west-1", "queues", "--output=json", "--queue", "a", "--queue", "b", "--debug"]) else {
            Issue.record("did not parse")
            return
        }
        #expect(spec.name == "queues")
        #expect(args.string("region") == "eu-west-1")
        #expect(args.string("output") == "json")
        #expect(args.strings("queue") == ["a", "b"])
        #expect(args.flag("debug"))
        #expect(args.string("queues-filter") == ".queues[].url")
    }
}
