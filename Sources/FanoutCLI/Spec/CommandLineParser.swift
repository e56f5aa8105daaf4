/// What the command line asks for.
public enum ParseOutcome: Sendable {
    /// Run this command with these arguments.
    case run(CommandSpec, ParsedArguments)
    /// Print this help page to stdout (no trailing newline) and exit 0.
    case help(String)
    /// Print this text to stderr (no trailing newline) and exit with `FanoutError.usage`'s code, 252.
    /// It reads `Error: …`, then the usage line(s), then `See 'fanout poll --help'.`
    case failure(message: String)
}

/// Parses argv against a command tree: `--opt value`, `--opt=value`, `-o value`, `--` ends options,
/// repeatable options, global options at any position, `-h`/`--help` at every level and the
/// `help` pseudo-subcommand of the root (`fanout help dlq redrive`).
///
/// One pass, no regular expressions and no Foundation, so start-up stays cheap.
public struct CommandLineParser: Sendable {
    public let root: CommandSpec
    /// Options accepted at every level, before or after subcommand names.
    public let globalOptions: [OptionSpec]

    public init(root: CommandSpec, globalOptions: [OptionSpec]) {
        self.root = root
        self.globalOptions = globalOptions
    }

    /// Parses `argv`, which excludes the program name.
    public func parse(_ argv: [String]) -> ParseOutcome {
        if let helpPath = requestedHelpPath(argv) {
            return .help(HelpRenderer.render(path: helpPath, globalOptions: globalOptions))
        }
        do {
            return try parseCommandLine(argv)
        } catch {
            return .failure(message: failureText(error))
        }
    }

    // MARK: - Parsing

    /// A usage error and the command whose usage line goes with it.
    struct UsageFailure: Error {
        var message: String
        var path: [CommandSpec]
    }

    /// An option occurrence, remembered so it can be checked again when a later subcommand name
    /// changes which command it belongs to.
    private struct GivenOption {
        var option: OptionSpec
        var isGlobal: Bool
        /// The name as typed (`--limit`, `-l`), for error messages.
        var typedName: String
        var value: String?
    }

    private func parseCommandLine(_ argv: [String]) throws(UsageFailure) -> ParseOutcome {
        var path = [root]
        var given: [GivenOption] = []
        var positionals: [String] = []
        var optionsEnded = false
        // Set by the `help` pseudo-subcommand: the command whose help was asked for, so far.
        var topicPath: [CommandSpec]?
        var index = 0

        while index < argv.count {
            let token = argv[index]
            index += 1
            if !optionsEnded && token == "--" {
                optionsEnded = true
                continue
            }
            if let topic = topicPath {
                // `fanout help …` reads command names and ignores options.
                if isOptionToken(token) {
                    skipOptionValue(token, argv: argv, index: &index, command: topic[topic.count - 1])
                } else if let subcommand = topic[topic.count - 1].subcommand(named: token) {
                    topicPath = topic + [subcommand]
                } else {
                    throw unknownCommand(token, path: topic)
                }
                continue
            }
            if !optionsEnded && isOptionToken(token) {
                given.append(try readOption(token, argv: argv, index: &index, path: path))
                continue
            }
            let command = path[path.count - 1]
            if positionals.isEmpty && !optionsEnded {
                if let subcommand = command.subcommand(named: token) {
                    path.append(subcommand)
                    given = try reassign(given, to: path)
                    continue
                }
                if path.count == 1 && token == BuiltIn.helpCommandName && BuiltIn.rootHasHelpCommand(root) {
                    topicPath = [root]
                    continue
                }
            }
            if positionals.isEmpty && !optionsEnded && !command.subcommands.isEmpty && (command.run == nil || command.arguments.isEmpty) {
                throw unknownCommand(token, path: path)
            }
            if let capacity = command.positionalCapacity, positionals.count >= capacity {
                throw UsageFailure(message: "Unexpected argument '\(token)'.", path: path)
            }
            positionals.append(token)
        }

        if let topicPath {
            return .help(HelpRenderer.render(path: topicPath, globalOptions: globalOptions))
        }
        let command = path[path.count - 1]
        guard command.run != nil else {
            return .help(HelpRenderer.render(path: path, globalOptions: globalOptions))
        }
        let arguments = try assign(positionals, to: command.arguments, path: path)

        var values: [String: [String]] = [:]
        for occurrence in given {
            values[occurrence.option.long, default: []].append(occurrence.value ?? "")
        }
        var defaults: [String: String] = [:]
        for option in globalOptions + command.options {
            if let defaultValue = option.defaultValue { defaults[option.long] = defaultValue }
        }
        let declared = Set((globalOptions + command.options).map(\.long) + command.arguments.map(\.name))
        let parsed = ParsedArguments(commandPath: path.map(\.name), options: values, defaults: defaults, arguments: arguments,
                                     declared: declared)
        return .run(command, parsed)
    }

    /// Reads one option token (and its value, from the token after `=` or from the next argv entry).
    private func readOption(_ token: String, argv: [String], index: inout Int, path: [CommandSpec]) throws(UsageFailure) -> GivenOption {
        let command = path[path.count - 1]
        var typedName = token
        var inlineValue: String?
        if token.hasPrefix("--"), let equals = token.firstIndex(of: "=") {
            typedName = String(token[..<equals])
            inlineValue = String(token[token.index(after: equals)...])
        }
        if typedName == "--help" {
            // A bare `--help` never gets here: `requestedHelpPath` answered it first.
            throw UsageFailure(message: "Option '--help' does not take a value.", path: path)
        }
        guard let found = lookUpOption(typedName, in: command) else {
            throw unknownOption(typedName, path: path)
        }
        let option = found.option
        let isGlobal = found.isGlobal
        if option.isFlag {
            if inlineValue != nil {
                throw UsageFailure(message: "Option '\(option.longForm)' does not take a value.", path: path)
            }
            return GivenOption(option: option, isGlobal: isGlobal, typedName: typedName, value: nil)
        }
        let value: String
        if let inlineValue {
            value = inlineValue
        } else if index < argv.count && !isOptionToken(argv[index]) {
            value = argv[index]
            index += 1
        } else {
            let placeholder = option.valuePlaceholder ?? ""
            throw UsageFailure(message: "Missing value for option '\(option.longForm) \(placeholder)'.", path: path)
        }
        try checkChoice(value, for: option, path: path)
        return GivenOption(option: option, isGlobal: isGlobal, typedName: typedName, value: value)
    }

    /// The option a typed name (`--region`, `-q`) means for `command`; its own options shadow globals.
    private func lookUpOption(_ typedName: String, in command: CommandSpec) -> (option: OptionSpec, isGlobal: Bool)? {
        if typedName.hasPrefix("--") {
            let long = typedName.dropFirst(2)
            if let option = command.options.first(where: { $0.long == long }) { return (option, false) }
            if let option = globalOptions.first(where: { $0.long == long }) { return (option, true) }
        } else if typedName.count == 2, let short = typedName.last {
            if let option = command.options.first(where: { $0.short == short }) { return (option, false) }
            if let option = globalOptions.first(where: { $0.short == short }) { return (option, true) }
        }
        return nil
    }

    private func checkChoice(_ value: String, for option: OptionSpec, path: [CommandSpec]) throws(UsageFailure) {
        guard !option.choices.isEmpty && !option.choices.contains(value) else { return }
        var message = "Invalid value '\(value)' for '\(option.longForm)'. Expected one of: "
            + option.choices.joined(separator: ", ") + "."
        if let suggestion = Suggestion.closest(to: value, among: option.choices) {
            message += " Did you mean '\(suggestion)'?"
        }
        throw UsageFailure(message: message, path: path)
    }

    /// Options given before a subcommand name belong to that subcommand from then on: globals stay,
    /// the rest must be options of the subcommand too.
    private func reassign(_ given: [GivenOption], to path: [CommandSpec]) throws(UsageFailure) -> [GivenOption] {
        let command = path[path.count - 1]
        var result: [GivenOption] = []
        for var occurrence in given {
            if !occurrence.isGlobal {
                guard let option = command.options.first(where: { $0.long == occurrence.option.long }),
                      option.isFlag == occurrence.option.isFlag
                else { throw unknownOption(occurrence.typedName, path: path) }
                if let value = occurrence.value { try checkChoice(value, for: option, path: path) }
                occurrence.option = option
            }
            result.append(occurrence)
        }
        return result
    }

    /// Positionals by argument name, in declaration order; a variadic argument takes the rest.
    private func assign(_ positionals: [String], to arguments: [ArgumentSpec], path: [CommandSpec]) throws(UsageFailure) -> [String: [String]] {
        var result: [String: [String]] = [:]
        var next = 0
        for argument in arguments {
            let taken: ArraySlice<String>
            if argument.isVariadic {
                taken = positionals[next...]
            } else {
                taken = positionals[next..<min(next + 1, positionals.count)]
            }
            if taken.isEmpty {
                if argument.isOptional { continue }
                throw UsageFailure(message: "Missing expected argument '\(argument.placeholder)'.", path: path)
            }
            result[argument.name] = Array(taken)
            next += taken.count
        }
        return result
    }

    // MARK: - Help requests

    /// When `-h`/`--help` appears before `--`, the command it asks about: the deepest one named by the
    /// leading positionals (the `help` pseudo-subcommand is looked through). Help wins over any other
    /// mistake on the line, so this runs before the real parse.
    func requestedHelpPath(_ argv: [String]) -> [CommandSpec]? {
        var path = [root]
        var wantsHelp = false
        var descending = true
        var index = 0
        while index < argv.count {
            let token = argv[index]
            index += 1
            if token == "--" { break }
            if token == "-h" || token == "--help" {
                wantsHelp = true
            } else if isOptionToken(token) {
                skipOptionValue(token, argv: argv, index: &index, command: path[path.count - 1])
            } else if descending, let subcommand = path[path.count - 1].subcommand(named: token) {
                path.append(subcommand)
            } else if !(path.count == 1 && token == BuiltIn.helpCommandName && BuiltIn.rootHasHelpCommand(root)) {
                descending = false
            }
        }
        return wantsHelp ? path : nil
    }

    /// Steps over the value of a value option, where options are only being looked through, so the
    /// value is not taken for a command name.
    private func skipOptionValue(_ token: String, argv: [String], index: inout Int, command: CommandSpec) {
        guard !token.contains("="), let found = lookUpOption(token, in: command), !found.option.isFlag,
              index < argv.count, !isOptionToken(argv[index])
        else { return }
        index += 1
    }

    /// Whether a token is an option rather than a value: it starts with `-`, is not `-` alone
    /// (conventionally stdin) and is not a negative number.
    private func isOptionToken(_ token: String) -> Bool {
        guard token.hasPrefix("-"), token.count > 1 else { return false }
        return Double(token) == nil
    }

    // MARK: - Errors

    private func unknownOption(_ typedName: String, path: [CommandSpec]) -> UsageFailure {
        let command = path[path.count - 1]
        let candidates = (command.visibleOptions + globalOptions.filter { !$0.isHidden } + [BuiltIn.helpOption]).map(\.long)
        var message = "Unknown option '\(typedName)'."
        // `--regoin` and `-region` both look for a long name.
        let typed = typedName.hasPrefix("--") ? String(typedName.dropFirst(2)) : String(typedName.dropFirst())
        if typed.count > 1, let suggestion = candidates.contains(typed) ? typed : Suggestion.closest(to: typed, among: candidates) {
            message += " Did you mean '--\(suggestion)'?"
        }
        return UsageFailure(message: message, path: path)
    }

    private func unknownCommand(_ name: String, path: [CommandSpec]) -> UsageFailure {
        var candidates = path[path.count - 1].subcommands.map(\.name)
        if path.count == 1 && BuiltIn.rootHasHelpCommand(root) { candidates.append(BuiltIn.helpCommandName) }
        let commandName = path.map(\.name).joined(separator: " ")
        var message = "Unknown command '\(name)' for '\(commandName)'."
        if let suggestion = Suggestion.closest(to: name, among: candidates) {
            message += " Did you mean '\(suggestion)'?"
        }
        return UsageFailure(message: message, path: path)
    }

    private func failureText(_ failure: UsageFailure) -> String {
        let commandName = failure.path.map(\.name).joined(separator: " ")
        let usage = HelpRenderer.usageLines(path: failure.path, globalOptions: globalOptions, prefix: "Usage: ")
        return (["Error: " + failure.message] + usage + ["See '\(commandName) --help'."]).joined(separator: "\n")
    }
}
