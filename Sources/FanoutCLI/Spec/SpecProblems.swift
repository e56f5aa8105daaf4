extension CommandSpec {
    /// Mistakes in a command tree that the parser would otherwise resolve silently or surprisingly:
    /// clashing option names, reserved `-h`/`--help`, badly formed names, optional or variadic
    /// arguments out of place, defaults outside their choices, commands with nothing to do.
    /// Empty for a sound tree; meant for one test over the real spec.
    public func problems(globalOptions: [OptionSpec]) -> [String] {
        var problems: [String] = []
        problems += Self.optionProblems(globalOptions, owner: "global options")
        visitForProblems(path: [name], globalOptions: globalOptions, into: &problems)
        return problems
    }

    private func visitForProblems(path: [String], globalOptions: [OptionSpec], into problems: inout [String]) {
        let owner = "'" + path.joined(separator: " ") + "'"
        problems += Self.optionProblems(options, owner: owner)
        for option in options {
            if globalOptions.contains(where: { $0.long == option.long }) {
                problems.append("\(owner): option '--\(option.long)' shadows a global option")
            }
            if let short = option.short, globalOptions.contains(where: { $0.short == short }) {
                problems.append("\(owner): option '-\(short)' shadows a global option")
            }
        }

        var argumentNames: Set<String> = []
        var sawOptional = false
        for (index, argument) in arguments.enumerated() {
            if !argumentNames.insert(argument.name).inserted {
                problems.append("\(owner): argument \(argument.name) is declared twice")
            }
            if argument.isVariadic && index != arguments.count - 1 {
                problems.append("\(owner): variadic argument \(argument.name) must be the last")
            }
            if sawOptional && !argument.isOptional {
                problems.append("\(owner): required argument \(argument.name) follows an optional one")
            }
            sawOptional = sawOptional || argument.isOptional
        }

        var subcommandNames: Set<String> = []
        for subcommand in subcommands where !subcommandNames.insert(subcommand.name).inserted {
            problems.append("\(owner): subcommand '\(subcommand.name)' is declared twice")
        }
        if run == nil && subcommands.isEmpty {
            problems.append("\(owner): has neither run nor subcommands")
        }
        if run == nil && !arguments.isEmpty {
            problems.append("\(owner): declares arguments but has no run")
        }
        for subcommand in subcommands {
            subcommand.visitForProblems(path: path + [subcommand.name], globalOptions: globalOptions, into: &problems)
        }
    }

    private static func optionProblems(_ options: [OptionSpec], owner: String) -> [String] {
        var problems: [String] = []
        var longs: Set<String> = []
        var shorts: Set<Character> = []
        for option in options {
            if option.long.isEmpty || option.long.hasPrefix("-") || option.long.contains(where: { $0 == "=" || $0 == " " }) {
                problems.append("\(owner): option name '\(option.long)' must be a bare word like 'region'")
            }
            if option.long == BuiltIn.helpOption.long || option.short == BuiltIn.helpOption.short {
                problems.append("\(owner): '-h' and '--help' are built in")
            }
            if !longs.insert(option.long).inserted {
                problems.append("\(owner): option '--\(option.long)' is declared twice")
            }
            if let short = option.short {
                if short == "-" || short == " " {
                    problems.append("\(owner): short name of '--\(option.long)' must be a letter")
                } else if !shorts.insert(short).inserted {
                    problems.append("\(owner): short option '-\(short)' is declared twice")
                }
            }
            if option.isFlag && (option.defaultValue != nil || !option.choices.isEmpty) {
                problems.append("\(owner): flag '--\(option.long)' cannot have a default or choices")
            }
            if let defaultValue = option.defaultValue, !option.choices.isEmpty, !option.choices.contains(defaultValue) {
                problems.append("\(owner): default '\(defaultValue)' of '--\(option.long)' is not one of its choices")
            }
        }
        return problems
    }
}
