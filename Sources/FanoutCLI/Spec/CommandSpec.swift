/// What a shell should offer when completing an option's value or a positional argument.
public enum CompletionKind: Sendable, Equatable {
    /// Nothing: the value is free text (a region, a URL, a number).
    case none
    /// Paths of files (and directories on the way to them).
    case file
    /// Paths of directories only.
    case directory
    /// A fixed list of words.
    case choices([String])
}

/// One `--long` option of a command, or a global option accepted at every level.
///
/// The same value drives parsing, help, completion scripts and the README reference, so nothing
/// about an option is written twice. `-h`/`--help` are built in and must not be declared.
public struct OptionSpec: Sendable {
    /// The long name without dashes: `"region"` is written `--region`.
    public var long: String
    /// The one-letter short name without the dash: `"q"` is written `-q`.
    public var short: Character?
    /// The placeholder for the value, e.g. `"REGION"` (shown as `<region>`); nil makes the option a flag.
    public var valueName: String?
    /// One sentence or a few, wrapped in help output.
    public var help: String
    /// The value used when the option is not given; shown in help as `(default: 10)`.
    public var defaultValue: String?
    /// The only values accepted, checked while parsing; shown in help and offered by completions.
    public var choices: [String]
    /// Whether every occurrence is kept (`strings(_:)`); otherwise the last one wins.
    public var isRepeatable: Bool
    /// How shells complete the value; `choices` override this with `.choices(choices)`.
    public var completion: CompletionKind
    /// Accepted by the parser but left out of help, completions and the reference.
    public var isHidden: Bool

    public init(
        long: String,
        short: Character? = nil,
        valueName: String? = nil,
        help: String,
        defaultValue: String? = nil,
        choices: [String] = [],
        isRepeatable: Bool = false,
        completion: CompletionKind = .none,
        isHidden: Bool = false
    ) {
        self.long = long
        self.short = short
        self.valueName = valueName
        self.help = help
        self.defaultValue = defaultValue
        self.choices = choices
        self.isRepeatable = isRepeatable
        self.completion = completion
        self.isHidden = isHidden
    }

    /// A flag: present or absent, never given a value.
    public static func flag(_ long: String, short: Character? = nil, help: String, hidden: Bool = false) -> OptionSpec {
        OptionSpec(long: long, short: short, help: help, isHidden: hidden)
    }

    /// An option that takes a value: `--region us-east-1` or `--region=us-east-1`.
    public static func value(
        _ long: String,
        _ valueName: String,
        short: Character? = nil,
        help: String,
        default defaultValue: String? = nil,
        choices: [String] = [],
        repeatable: Bool = false,
        completion: CompletionKind = .none,
        hidden: Bool = false
    ) -> OptionSpec {
        OptionSpec(
            long: long, short: short, valueName: valueName, help: help, defaultValue: defaultValue,
            choices: choices, isRepeatable: repeatable, completion: completion, isHidden: hidden)
    }

    /// Whether the option is a flag rather than taking a value.
    public var isFlag: Bool { valueName == nil }

    /// The completion shells use: the declared choices when there are any, else `completion`.
    public var effectiveCompletion: CompletionKind {
        choices.isEmpty ? completion : .choices(choices)
    }

    /// `--region`, as written on the command line.
    public var longForm: String { "--" + long }

    /// `<region>`: the value placeholder as shown in usage and help; nil for flags.
    public var valuePlaceholder: String? {
        valueName.map { "<" + $0.lowercased() + ">" }
    }
}

/// One positional argument of a command.
public struct ArgumentSpec: Sendable {
    /// The name, conventionally upper case (`"QUEUE"`); shown as `<queue>`, and the key for `argument(_:)`.
    public var name: String
    public var help: String
    /// Optional arguments must come after the required ones.
    public var isOptional: Bool
    /// Takes every remaining positional; only the last argument may be variadic.
    public var isVariadic: Bool
    public var completion: CompletionKind

    public init(name: String, help: String, isOptional: Bool = false, isVariadic: Bool = false, completion: CompletionKind = .none) {
        self.name = name
        self.help = help
        self.isOptional = isOptional
        self.isVariadic = isVariadic
        self.completion = completion
    }

    /// `<queue>`, or `<queue> ...` when variadic.
    public var placeholder: String {
        "<" + name.lowercased() + ">" + (isVariadic ? " ..." : "")
    }
}

/// One example shown under `EXAMPLES:` in help, gh-style.
public struct Example: Sendable {
    /// The whole command line, starting with the program name.
    public var command: String
    /// What it does, one line; may be empty.
    public var description: String

    public init(_ command: String, _ description: String = "") {
        self.command = command
        self.description = description
    }

    public init(command: String, description: String) {
        self.command = command
        self.description = description
    }
}

/// A command's body in two steps. The `CommandRun` is the parse step: it turns the parsed command line into
/// typed, validated options, and throws a usage error before any network call or file write. The
/// `PreparedCommand` it returns runs those options.
public typealias CommandRun = @Sendable (ParsedArguments) throws -> PreparedCommand
/// A parsed and validated command, ready to run with what the process provides.
public typealias PreparedCommand = @Sendable (CommandContext) async throws -> Void

/// A node of the command tree: the root program, a group such as `dlq`, or a leaf such as `dlq redrive`.
///
/// A command may have both `run` and subcommands (`fanout dlq` lists, `fanout dlq redrive` redrives);
/// a command with subcommands and no `run` prints its help when called bare.
public struct CommandSpec: Sendable {
    public var name: String
    /// One line, shown after `OVERVIEW:` and in the parent's `SUBCOMMANDS:` list.
    public var abstract: String
    /// Paragraphs separated by blank lines; a paragraph whose lines are indented is kept as written.
    public var discussion: String
    public var arguments: [ArgumentSpec]
    public var options: [OptionSpec]
    public var examples: [Example]
    public var subcommands: [CommandSpec]
    public var run: CommandRun?

    public init(
        name: String,
        abstract: String,
        discussion: String = "",
        arguments: [ArgumentSpec] = [],
        options: [OptionSpec] = [],
        examples: [Example] = [],
        subcommands: [CommandSpec] = [],
        run: CommandRun? = nil
    ) {
        self.name = name
        self.abstract = abstract
        self.discussion = discussion
        self.arguments = arguments
        self.options = options
        self.examples = examples
        self.subcommands = subcommands
        self.run = run
    }

    /// The direct subcommand with this exact name.
    public func subcommand(named name: String) -> CommandSpec? {
        subcommands.first { $0.name == name }
    }

    /// The options shown in help and completions.
    var visibleOptions: [OptionSpec] { options.filter { !$0.isHidden } }

    /// The most positionals the command accepts; nil when the last argument is variadic.
    var positionalCapacity: Int? {
        arguments.contains { $0.isVariadic } ? nil : arguments.count
    }
}

/// Names and texts the engine itself contributes to every command tree.
enum BuiltIn {
    static let helpOption = OptionSpec.flag("help", short: "h", help: "Show help information.")
    static let helpCommandName = "help"
    static let helpCommandAbstract = "Show help for a command."

    /// The `help` pseudo-subcommand as a spec whose subcommands mirror the root's, without options
    /// or arguments, so completion generators can treat `fanout help dlq redrive` like any path.
    static func helpCommand(mirroring root: CommandSpec) -> CommandSpec {
        func topic(_ command: CommandSpec) -> CommandSpec {
            CommandSpec(name: command.name, abstract: command.abstract, subcommands: command.subcommands.map(topic))
        }
        return CommandSpec(name: helpCommandName, abstract: helpCommandAbstract, subcommands: root.subcommands.map(topic))
    }

    /// Whether the root gets the built-in `help` pseudo-subcommand (it does unless it declares its own).
    static func rootHasHelpCommand(_ root: CommandSpec) -> Bool {
        !root.subcommands.isEmpty && root.subcommand(named: helpCommandName) == nil
    }

    /// The root with the `help` pseudo-subcommand appended, as completion scripts see it.
    static func rootWithHelpCommand(_ root: CommandSpec) -> CommandSpec {
        guard rootHasHelpCommand(root) else { return root }
        var copy = root
        copy.subcommands.append(helpCommand(mirroring: root))
        return copy
    }
}
