import FanoutKit
import Foundation
import Testing

@testable import FanoutCLI

/// Runs the shells the completion scripts are written for.
enum Shell {
    /// The absolute path of a program found on PATH.
    static func find(_ name: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for directory in path.split(separator: ":") {
            let candidate = directory + "/" + name
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    static func exists(_ name: String) -> Bool { find(name) != nil }

    /// Runs a program to completion; returns its exit status and output.
    static func run(_ name: String, _ arguments: [String], environment: [String: String]? = nil) throws -> (status: Int32, stdout: String, stderr: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try #require(find(name)))
        process.arguments = arguments
        if let environment { process.environment = environment }
        let stdout = Pipe()
        let stderr = Pipe()
        process.standardOutput = stdout
        process.standardError = stderr
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let out = stdout.fileHandleForReading.readDataToEndOfFile()
        let err = stderr.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: out, as: UTF8.self), String(decoding: err, as: UTF8.self))
    }

    /// A fresh directory for one test's files.
    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("fanout-completion-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// Writes the generated script for `shell` to `directory/name` and returns the path.
    static func writeScript(_ shell: String, to directory: URL, name: String) throws -> String {
        let script = try CompletionScript.generate(shell: shell, root: TestSpec.root, globalOptions: TestSpec.globalOptions)
        let url = directory.appendingPathComponent(name)
        try script.write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }
}

@Suite struct CompletionTests {
    func script(_ shell: String) throws -> String {
        try CompletionScript.generate(shell: shell, root: TestSpec.root, globalOptions: TestSpec.globalOptions)
    }

    @Test func unknownShellIsAUsageError() {
        let error = #expect(throws: FanoutError.self) {
            try CompletionScript.generate(shell: "zhs", root: TestSpec.root, globalOptions: TestSpec.globalOptions)
        }
        #expect(error?.message == "Unknown shell 'zhs'. Expected one of: bash, zsh, fish. Did you mean 'zsh'?")
        #expect(error?.exitCode == 252)
    }

    @Test func bashScriptContents() throws {
        let bash = try script("bash")
        #expect(bash.contains("complete -F _fanout fanout\n"))
        #expect(bash.contains("'fanout dlq|inspect'|'fanout dlq|redrive'"))
        #expect(bash.contains("'fanout dlq redrive') _fanout_add_words \"$2\" '--to' '--rate' '--wait' '--yes' ;;"))
        #expect(bash.contains("_fanout_add_words \"$2\" '--region' '--output' '--debug' '--quiet' '--help'"))
        #expect(bash.contains("_fanout_add_words \"$3\" 'table' 'json'"))
        #expect(bash.contains("'fanout poll|--snapshot')\n            _fanout_add_paths -f \"$3\""))
        #expect(!bash.contains("trace-file"))
    }

    @Test func zshScriptContents() throws {
        let zsh = try script("zsh")
        #expect(zsh.hasPrefix("#compdef fanout\n"))
        #expect(zsh.contains("_arguments -s -S $arguments"))
        #expect(zsh.contains("'(--output)--output=[Output format.]:format:(table json)'"))
        #expect(zsh.contains("'(--quiet -q)-q[Print only data, no progress.]'"))
        #expect(zsh.contains("'redrive:Move messages from a dead-letter queue back to their source queue.'"))
        #expect(zsh.contains("'queues:List the stack'\\''s queues with their depth.'"))
        #expect(zsh.contains("'*--attribute=[Extra queue attribute to show.]:name:(ApproximateNumberOfMessages ApproximateAgeOfOldestMessage)'"))
        #expect(zsh.contains("'(--snapshot)--snapshot=[Also write each snapshot to this file.]:file:_files'"))
        #expect(zsh.contains("(redrive) _fanout_dlq_redrive && ret=0 ;;"))
        #expect(zsh.contains("compdef _fanout fanout"))
        #expect(!zsh.contains("trace-file"))
    }

    @Test func fishScriptContents() throws {
        let fish = try script("fish")
        #expect(fish.contains("complete -c fanout -n '__fanout_expecting_subcommand fanout dlq' -a 'redrive' -d 'Move messages from a dead-letter queue back to their source queue.'"))
        #expect(fish.contains("complete -c fanout -l 'output' -x -a 'table json' -d 'Output format.'"))
        #expect(fish.contains("complete -c fanout -s 'q' -l 'quiet' -d 'Print only data, no progress.'"))
        #expect(fish.contains("complete -c fanout -n '__fanout_using_command fanout dlq redrive' -s 'y' -l 'yes' -d 'Do not ask for confirmation.'"))
        #expect(fish.contains("-d 'List the stack\\'s queues with their depth.'"))
        #expect(!fish.contains("trace-file"))
    }

    // Syntax checks run the real shells. Each is skipped only when that shell's binary is not
    // installed (`apt-get install -y zsh fish`); bash is always expected.

    @Test func bashSyntax() throws {
        let directory = try Shell.temporaryDirectory()
        let result = try Shell.run("bash", ["-n", try Shell.writeScript("bash", to: directory, name: "fanout.bash")])
        #expect(result.status == 0, "\(result.stderr)")
    }

    @Test(.enabled(if: Shell.exists("zsh"), "zsh is not installed"))
    func zshSyntax() throws {
        let directory = try Shell.temporaryDirectory()
        let result = try Shell.run("zsh", ["-n", try Shell.writeScript("zsh", to: directory, name: "_fanout")])
        #expect(result.status == 0, "\(result.stderr)")
    }

    @Test(.enabled(if: Shell.exists("fish"), "fish is not installed"))
    func fishSyntax() throws {
        let directory = try Shell.temporaryDirectory()
        let result = try Shell.run("fish", ["-n", try Shell.writeScript("fish", to: directory, name: "fanout.fish")])
        #expect(result.status == 0, "\(result.stderr)")
    }

    /// A command line being completed (the last word is the one under the cursor) and what must be offered.
    struct CompletionCase: CustomTestStringConvertible, Sendable {
        var words: [String]
        var expected: [String]
        var testDescription: String { words.joined(separator: " ") + "<TAB>" }
    }

    static let bashCases: [CompletionCase] = [
        CompletionCase(words: ["fanout", ""], expected: ["queues", "poll", "dlq", "config", "help"]),
        CompletionCase(words: ["fanout", "dlq", "re"], expected: ["redrive"]),
        CompletionCase(words: ["fanout", "--output", ""], expected: ["table", "json"]),
        CompletionCase(words: ["fanout", "--output", "j"], expected: ["json"]),
        // bash splits `--output=j` at `=` (COMP_WORDBREAKS); without the split the word is whole.
        CompletionCase(words: ["fanout", "--output", "=", "j"], expected: ["json"]),
        CompletionCase(words: ["fanout", "--output", "="], expected: ["table", "json"]),
        CompletionCase(words: ["fanout", "--output=t"], expected: ["--output=table"]),
        CompletionCase(words: ["fanout", "dlq", "redrive", "--"],
                       expected: ["--to", "--rate", "--wait", "--yes", "--region", "--output", "--debug", "--quiet", "--help"]),
        CompletionCase(words: ["fanout", "-q", "poll", "--o"], expected: ["--once", "--output"]),
        CompletionCase(words: ["fanout", "poll", "--attribute", "ApproximateA"], expected: ["ApproximateAgeOfOldestMessage"]),
        // Option values are not taken for subcommand names; globals work at every level.
        CompletionCase(words: ["fanout", "--region", "dlq", ""], expected: ["queues", "poll", "dlq", "config", "help"]),
        CompletionCase(words: ["fanout", "--output", "json", "dlq", "--region", "eu-west-1", "i"], expected: ["inspect"]),
        CompletionCase(words: ["fanout", "help", "dlq", ""], expected: ["inspect", "redrive"]),
        // After its own positional, `dlq` offers no subcommands.
        CompletionCase(words: ["fanout", "dlq", "orders-dlq", ""], expected: []),
        CompletionCase(words: ["fanout", "queues", ""], expected: []),
        CompletionCase(words: ["fanout", "poll", "--", "--"], expected: []),
    ]

    /// Sources the bash script, sets COMP_WORDS/COMP_CWORD and calls `_fanout`, as bash does on TAB.
    func bashCompletions(_ words: [String], scriptPath: String) throws -> [String] {
        let program = """
            source "$1"; shift
            COMP_WORDS=("$@"); COMP_CWORD=$(( $# - 1 ))
            _fanout
            printf '%s\\n' "${COMPREPLY[@]}"
            """
        let result = try Shell.run("bash", ["--norc", "-c", program, "bash", scriptPath] + words)
        #expect(result.stderr == "")
        return result.stdout.split(separator: "\n").map(String.init)
    }

    @Test(arguments: bashCases)
    func bashCompletes(_ testCase: CompletionCase) throws {
        let directory = try Shell.temporaryDirectory()
        let scriptPath = try Shell.writeScript("bash", to: directory, name: "fanout.bash")
        #expect(try bashCompletions(testCase.words, scriptPath: scriptPath) == testCase.expected)
    }

    @Test func bashCompletesFilesAndDirectories() throws {
        let directory = try Shell.temporaryDirectory()
        let scriptPath = try Shell.writeScript("bash", to: directory, name: "fanout.bash")
        try "{}".write(to: directory.appendingPathComponent("outputs.json"), atomically: true, encoding: .utf8)
        try FileManager.default.createDirectory(at: directory.appendingPathComponent("outdir"), withIntermediateDirectories: true)
        let base = directory.path + "/out"
        // A file-kind argument offers files and directories; a directory-kind option only directories.
        #expect(try bashCompletions(["fanout", "config", "import", base], scriptPath: scriptPath).sorted()
            == [base + "dir", base + "puts.json"])
        #expect(try bashCompletions(["fanout", "config", "import", "--dir", base], scriptPath: scriptPath) == [base + "dir"])
        #expect(try bashCompletions(["fanout", "poll", "--snapshot", base + "p"], scriptPath: scriptPath) == [base + "puts.json"])
    }

    static let fishCases: [CompletionCase] = [
        CompletionCase(words: ["fanout", "dlq", "re"], expected: ["redrive"]),
        CompletionCase(words: ["fanout", ""], expected: ["config", "dlq", "help", "poll", "queues"]),
        CompletionCase(words: ["fanout", "--output", ""], expected: ["json", "table"]),
        CompletionCase(words: ["fanout", "--region", "inspect", "dlq", ""], expected: ["inspect", "redrive"]),
        CompletionCase(words: ["fanout", "help", "config", ""], expected: ["import", "show"]),
        CompletionCase(words: ["fanout", "dlq", "redrive", "--w"], expected: ["--wait"]),
        CompletionCase(words: ["fanout", "dlq", "orders-dlq", ""], expected: []),
    ]

    @Test(.enabled(if: Shell.exists("fish"), "fish is not installed"), arguments: fishCases)
    func fishCompletes(_ testCase: CompletionCase) throws {
        let directory = try Shell.temporaryDirectory()
        let scriptPath = try Shell.writeScript("fish", to: directory, name: "fanout.fish")
        let line = testCase.words.joined(separator: " ")
        let result = try Shell.run("fish", ["--no-config", "-c", "source $argv[1]; complete -C $argv[2]", scriptPath, line])
        #expect(result.stderr == "")
        let offered = result.stdout.split(separator: "\n").map { String($0.prefix { $0 != "\t" }) }
        #expect(offered == testCase.expected)
    }

    /// Drives an interactive zsh through a pseudo-terminal (zsh/zpty), presses TAB after "$*" and
    /// prints each match offered, as `word -- description`. Adapted from Valodim/zsh-capture-completion
    /// (MIT): `compadd` is wrapped to print what completion functions add.
    static let zshCaptureHarness = #"""
        zmodload zsh/zpty
        zpty z zsh -f -i
        local line
        setopt rcquotes
        () {
          zpty -w z source $1
          repeat 4; do zpty -r z line; [[ $line == ok* ]] && return; done
          echo 'error initializing.' >&2; exit 2
        } =( <<< '
        PROMPT=
        fpath=($FANOUT_COMPLETION_DIR $fpath)
        autoload -U compinit
        compinit -u -d $FANOUT_COMPLETION_DIR/.zcompdump
        bindkey ''^M'' undefined
        bindkey ''^J'' undefined
        bindkey ''^I'' complete-word
        null-line () { echo -E - $''\0'' }
        compprefuncs=( null-line )
        comppostfuncs=( null-line exit )
        zstyle '':completion:*'' list-grouped false
        zstyle '':completion:*'' insert-tab false
        zstyle '':completion:*'' list-separator ''''
        zmodload zsh/zutil
        compadd () {
            if [[ ${@[1,(i)(-|--)]} == *-(O|A|D)\ * ]]; then builtin compadd "$@"; return $?; fi
            typeset -a __hits __dscr __tmp
            if (( $@[(I)-d] )); then
                __tmp=${@[$[${@[(i)-d]}+1]]}
                if [[ $__tmp == \(* ]]; then eval "__dscr=$__tmp"; else __dscr=( "${(@P)__tmp}" ); fi
            fi
            builtin compadd -A __hits -D __dscr "$@"
            setopt localoptions norcexpandparam extendedglob
            typeset -A apre hpre hsuf asuf
            zparseopts -E P:=apre p:=hpre S:=asuf s:=hsuf
            [[ -n $__hits ]] || return
            local dscr
            for i in {1..$#__hits}; do
                (( $#__dscr >= $i )) && dscr=" -- ${${__dscr[$i]}##$__hits[$i] #}" || dscr=
                echo -E - $IPREFIX$apre$hpre$__hits[$i]$hsuf$asuf$dscr
            done
        }
        echo ok')
        zpty -w z "$*"$'\t'
        integer tog=0
        while zpty -r z; do :; done | while IFS= read -r line; do
            if [[ $line == *$'\0\r' ]]; then (( tog++ )) && return 0 || continue; fi
            (( tog )) && echo -E - $line
        done
        return 2
        """#

    static let zshCases: [CompletionCase] = [
        CompletionCase(words: ["fanout", "dlq", "re"],
                       expected: ["redrive -- Move messages from a dead-letter queue back to their source queue."]),
        CompletionCase(words: ["fanout", "--output", ""], expected: ["table", "json"]),
        CompletionCase(words: ["fanout", "--output=j"], expected: ["--output=json"]),
        CompletionCase(words: ["fanout", "help", "config", ""],
                       expected: ["show -- Print the resolved configuration.", "import -- Read outputs from a file."]),
        CompletionCase(words: ["fanout", "-q", "dlq", "redrive", "--w"], expected: ["--wait -- Wait until the move task finishes."]),
        CompletionCase(words: ["fanout", "poll", "--attribute", "ApproximateA"], expected: ["ApproximateAgeOfOldestMessage"]),
    ]

    @Test(.enabled(if: Shell.exists("zsh") && Shell.exists("timeout"), "zsh is not installed"), arguments: zshCases)
    func zshCompletes(_ testCase: CompletionCase) throws {
        let directory = try Shell.temporaryDirectory()
        _ = try Shell.writeScript("zsh", to: directory, name: "_fanout")
        let harness = directory.appendingPathComponent("capture.zsh")
        try Self.zshCaptureHarness.write(to: harness, atomically: true, encoding: .utf8)
        var environment = ProcessInfo.processInfo.environment
        environment["FANOUT_COMPLETION_DIR"] = directory.path
        let line = testCase.words.joined(separator: " ")
        let result = try Shell.run("timeout", ["30", "zsh", "-f", harness.path, line], environment: environment)
        #expect(result.status == 0, "\(result.stderr)")
        // The pseudo-terminal ends lines with "\r\n", one Character in Swift.
        let offered = result.stdout.split(whereSeparator: \.isNewline).map(String.init)
        #expect(offered == testCase.expected)
    }
}
