import FanoutKit

/// Shell completion scripts generated from the command spec alone.
///
/// All three walk the words typed so far the way the parser does (skipping option values, descending
/// into subcommands until the first positional), then offer subcommands, the options of that command
/// plus the globals, the values of an option that takes one, or what a positional argument takes.
public enum CompletionScript {
    /// The shells scripts can be generated for, e.g. as the choices of a `completion` command's argument.
    public static let shells = ["bash", "zsh", "fish"]

    /// The completion script for `shell`.
    /// - Throws: `FanoutError.usage` for a shell not in `shells`.
    public static func generate(shell: String, root: CommandSpec, globalOptions: [OptionSpec]) throws -> String {
        let tree = CompletionTree(root: root, globalOptions: globalOptions)
        switch shell {
        case "bash": return BashCompletion.script(tree)
        case "zsh": return ZshCompletion.script(tree)
        case "fish": return FishCompletion.script(tree)
        default:
            var message = "Unknown shell '\(shell)'. Expected one of: " + shells.joined(separator: ", ") + "."
            if let suggestion = Suggestion.closest(to: shell, among: shells) { message += " Did you mean '\(suggestion)'?" }
            throw FanoutError.usage(message)
        }
    }
}

/// The command tree flattened for script generators: every command with its full path, the `help`
/// pseudo-subcommand included (mirroring the tree), hidden options left out, and `-h, --help`
/// counted among the global options since every command accepts it.
struct CompletionTree {
    /// One command and the words that lead to it.
    struct Node {
        /// `["fanout", "dlq", "redrive"]`.
        var path: [String]
        var command: CommandSpec
        /// The command's visible options.
        var options: [OptionSpec]

        /// `"fanout dlq redrive"`: how scripts key their tables.
        var pathKey: String { path.joined(separator: " ") }
        /// Whether any positional argument has something to complete.
        var completesArguments: Bool { command.arguments.contains { $0.completion != .none } }
    }

    var programName: String
    /// Depth first, the root first.
    var nodes: [Node]
    /// The visible global options, then `-h, --help`.
    var globalOptions: [OptionSpec]

    init(root: CommandSpec, globalOptions: [OptionSpec]) {
        programName = root.name
        self.globalOptions = globalOptions.filter { !$0.isHidden } + [BuiltIn.helpOption]
        var nodes: [Node] = []
        func visit(_ command: CommandSpec, _ parentPath: [String]) {
            let path = parentPath + [command.name]
            nodes.append(Node(path: path, command: command, options: command.visibleOptions))
            for subcommand in command.subcommands { visit(subcommand, path) }
        }
        visit(BuiltIn.rootWithHelpCommand(root), [])
        self.nodes = nodes
    }

    /// A shell identifier made from a path: `fanout dlq-tools` → `fanout_dlq_tools`.
    static func identifier(_ words: [String]) -> String {
        String(words.joined(separator: "_").map { $0.isLetter || $0.isNumber || $0 == "_" ? $0 : "_" })
    }

    /// The first sentence of a help text: completion menus have one line per entry.
    static func summary(_ text: String) -> String {
        let singleLine = text.split(whereSeparator: { $0 == "\n" }).joined(separator: " ")
        guard let end = singleLine.firstRange(of: ". ") else { return singleLine }
        return String(singleLine[..<end.lowerBound]) + "."
    }
}

/// Quoting for POSIX-style shells (bash, zsh): one single-quoted word.
enum ShellQuoting {
    static func singleQuoted(_ text: String) -> String {
        "'" + text.replacing("'", with: "'\\''") + "'"
    }
}
