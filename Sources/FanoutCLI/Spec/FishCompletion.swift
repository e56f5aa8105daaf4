/// The fish completion script: `complete -c fanout -n '<condition>' …` lines with descriptions.
///
/// Conditions use a generated `__fanout_using_command fanout dlq` rather than fish's
/// `__fish_seen_subcommand_from dlq`: the latter only asks whether a word appeared anywhere, so it
/// cannot tell `fanout dlq inspect` from a region or queue named `inspect`, nor nested commands
/// that share a name. The generated helper walks the line like the parser does.
enum FishCompletion {
    static func script(_ tree: CompletionTree) -> String {
        let program = tree.programName
        let prefix = "__" + CompletionTree.identifier([program])
        let quote = singleQuoted
        var lines: [String] = []
        func emit(_ line: String) { lines.append(line) }

        emit("# fish completion for \(program). Generated from the command spec; do not edit.")
        emit("")
        emit("# Succeeds when option $argv[2] (as typed) takes a value in command path $argv[1].")
        emit("function \(prefix)_takes_value")
        let commandValueForms = tree.nodes.flatMap { node in
            node.options.filter { !$0.isFlag }.flatMap { option in
                BashCompletion.typedForms(option).map { quote(node.pathKey + "|" + $0) }
            }
        }
        if !commandValueForms.isEmpty {
            emit("    switch \"$argv[1]|$argv[2]\"")
            emit("        case " + commandValueForms.joined(separator: " "))
            emit("            return 0")
            emit("    end")
        }
        let globalValueForms = tree.globalOptions.filter { !$0.isFlag }.flatMap(BashCompletion.typedForms).map(quote)
        if !globalValueForms.isEmpty {
            emit("    switch \"$argv[2]\"")
            emit("        case " + globalValueForms.joined(separator: " "))
            emit("            return 0")
            emit("    end")
        }
        emit("    return 1")
        emit("end")
        emit("")

        let subcommandForms = tree.nodes.flatMap { node in
            node.command.subcommands.map { quote(node.pathKey + "|" + $0.name) }
        }
        emit("# Prints the command path typed so far, then how many positionals follow it.")
        emit("function \(prefix)_command_state")
        emit("    set -l tokens (commandline -opc)")
        emit("    set -l path \(quote(program))")
        emit("    set -l positionals 0")
        emit("    set -l expect_value 0")
        emit("    set -l options_ended 0")
        emit("    for token in $tokens[2..-1]")
        emit("        if test $expect_value = 1")
        emit("            set expect_value 0")
        emit("            continue")
        emit("        end")
        emit("        if test $options_ended = 0")
        emit("            switch \"$token\"")
        emit("                case '--'")
        emit("                    set options_ended 1")
        emit("                    continue")
        emit("                case '--*=*'")
        emit("                    continue")
        emit("                case '-?*'")
        emit("                    if \(prefix)_takes_value \"$path\" \"$token\"")
        emit("                        set expect_value 1")
        emit("                    end")
        emit("                    continue")
        emit("            end")
        if !subcommandForms.isEmpty {
            emit("            if test $positionals = 0")
            emit("                switch \"$path|$token\"")
            emit("                    case " + subcommandForms.joined(separator: " "))
            emit("                        set path \"$path $token\"")
            emit("                        continue")
            emit("                end")
            emit("            end")
        }
        emit("        end")
        emit("        set positionals (math $positionals + 1)")
        emit("    end")
        emit("    echo $path")
        emit("    echo $positionals")
        emit("end")
        emit("")
        emit("# Succeeds when the command path typed so far is exactly the arguments.")
        emit("function \(prefix)_using_command")
        emit("    set -l state (\(prefix)_command_state)")
        emit("    test \"$state[1]\" = \"$argv\"")
        emit("end")
        emit("")
        emit("# Succeeds when the command path typed so far is the arguments and no positional follows it yet.")
        emit("function \(prefix)_expecting_subcommand")
        emit("    set -l state (\(prefix)_command_state)")
        emit("    test \"$state[1]\" = \"$argv\" -a \"$state[2]\" = 0")
        emit("end")
        emit("")
        emit("# Files only where the spec asks for them.")
        emit("complete -c \(program) -f")
        emit("")
        emit("# Global options")
        for option in tree.globalOptions {
            emit(optionLine(option, program: program, condition: nil))
        }

        for node in tree.nodes {
            emit("")
            emit("# \(node.pathKey)")
            let using = quote("\(prefix)_using_command \(node.pathKey)")
            for subcommand in node.command.subcommands {
                let expecting = quote("\(prefix)_expecting_subcommand \(node.pathKey)")
                emit("complete -c \(program) -n \(expecting) -a \(quote(subcommand.name)) -d \(quote(CompletionTree.summary(subcommand.abstract)))")
            }
            for option in node.options {
                emit(optionLine(option, program: program, condition: using))
            }
            for argument in node.command.arguments {
                switch argument.completion {
                case .none:
                    continue
                case .file:
                    emit("complete -c \(program) -n \(using) -F")
                case .directory:
                    emit("complete -c \(program) -n \(using) -a '(__fish_complete_directories)'")
                case .choices(let words):
                    emit("complete -c \(program) -n \(using) -a \(quote(words.joined(separator: " "))) -d \(quote(CompletionTree.summary(argument.help)))")
                }
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// One `complete` line for an option, with its value completion.
    static func optionLine(_ option: OptionSpec, program: String, condition: String?) -> String {
        var line = "complete -c \(program)"
        if let condition { line += " -n " + condition }
        if let short = option.short { line += " -s " + singleQuoted(String(short)) }
        line += " -l " + singleQuoted(option.long)
        if !option.isFlag {
            switch option.effectiveCompletion {
            case .none: line += " -x"
            case .file: line += " -r -F"
            case .directory: line += " -x -a '(__fish_complete_directories)'"
            case .choices(let words): line += " -x -a " + singleQuoted(words.joined(separator: " "))
            }
        }
        return line + " -d " + singleQuoted(CompletionTree.summary(option.help))
    }

    /// One fish single-quoted word: inside, only `\` and `'` are special.
    static func singleQuoted(_ text: String) -> String {
        "'" + text.replacing("\\", with: "\\\\").replacing("'", with: "\\'") + "'"
    }
}
