/// The zsh completion script: one `_arguments` function per command, with descriptions; a command
/// with subcommands hands the rest of the line to the subcommand's function (`*:: :->argument`).
/// Works both from `$fpath` (autoloaded through `#compdef`) and when sourced after `compinit`.
enum ZshCompletion {
    static func script(_ tree: CompletionTree) -> String {
        let program = tree.programName
        let rootFunction = "_" + CompletionTree.identifier([program])
        let quote = ShellQuoting.singleQuoted
        var lines: [String] = []
        func emit(_ line: String) { lines.append(line) }

        emit("#compdef \(program)")
        emit("# zsh completion for \(program). Generated from the command spec; do not edit.")
        emit("")
        emit("# Appends the global options to the caller's `arguments` array.")
        emit("\(rootFunction)_global_options() {")
        emit("    arguments+=(")
        for option in tree.globalOptions {
            for spec in optionSpecs(option) { emit("        " + spec) }
        }
        emit("    )")
        emit("}")

        for node in tree.nodes {
            let function = "_" + CompletionTree.identifier(node.path)
            let subcommands = node.command.subcommands
            emit("")
            emit("# \(node.pathKey)")
            emit("\(function)() {")
            emit("    local context state state_descr line")
            emit("    typeset -A opt_args")
            emit("    integer ret=1")
            emit("    local -a arguments")
            emit("    arguments=(")
            for option in node.options {
                for spec in optionSpecs(option) { emit("        " + spec) }
            }
            if subcommands.isEmpty {
                for argument in node.command.arguments {
                    let prefix = argument.isVariadic ? "*:" : (argument.isOptional ? "::" : ":")
                    emit("        " + quote(prefix + escapeMessage(argument.name.lowercased()) + ":" + action(argument.completion)))
                }
            } else {
                emit("        " + quote(": :->subcommand"))
                emit("        " + quote("*:: :->argument"))
            }
            emit("    )")
            emit("    \(rootFunction)_global_options")
            emit("    _arguments -s -S $arguments && ret=0")
            if !subcommands.isEmpty {
                emit("    case $state in")
                emit("        (subcommand)")
                emit("            local -a subcommands")
                emit("            subcommands=(")
                for subcommand in subcommands {
                    let entry = escapeDescribeName(subcommand.name) + ":" + CompletionTree.summary(subcommand.abstract)
                    emit("                " + quote(entry))
                }
                emit("            )")
                emit("            _describe -t subcommands \(quote(node.pathKey + " subcommand")) subcommands && ret=0")
                // A command that also runs may take a positional where a subcommand name could go.
                if let first = node.command.arguments.first, node.command.run != nil, first.completion != .none {
                    emit("            " + action(first.completion) + " && ret=0")
                }
                emit("            ;;")
                emit("        (argument)")
                emit("            case $words[1] in")
                for subcommand in subcommands {
                    let subFunction = "_" + CompletionTree.identifier(node.path + [subcommand.name])
                    emit("                (\(escapeWord(subcommand.name))) \(subFunction) && ret=0 ;;")
                }
                emit("            esac")
                emit("            ;;")
                emit("    esac")
            }
            emit("    return ret")
            emit("}")
        }

        emit("")
        emit("if [[ $funcstack[1] == \(rootFunction) ]]; then")
        emit("    \(rootFunction) \"$@\"")
        emit("else")
        emit("    compdef \(rootFunction) \(program)")
        emit("fi")
        return lines.joined(separator: "\n") + "\n"
    }

    /// `_arguments` specs for one option: `'--region=[AWS region.]:region:'`, a pair for an option
    /// with a short name (each excluding the other unless repeatable).
    static func optionSpecs(_ option: OptionSpec) -> [String] {
        let forms = BashCompletion.typedForms(option)
        let exclusion: String
        if option.long == BuiltIn.helpOption.long {
            exclusion = "(- *)"  // after --help nothing else matters
        } else if option.isRepeatable {
            exclusion = "*"
        } else {
            exclusion = "(" + forms.joined(separator: " ") + ")"
        }
        let description = "[" + escapeMessage(CompletionTree.summary(option.help)) + "]"
        var value = ""
        if let valueName = option.valueName {
            value = ":" + escapeMessage(valueName.lowercased()) + ":" + action(option.effectiveCompletion)
        }
        return forms.map { form in
            // `--long=` accepts both `--long value` and `--long=value`.
            let name = form.hasPrefix("--") && !option.isFlag ? form + "=" : form
            return ShellQuoting.singleQuoted(exclusion + name + description + value)
        }
    }

    /// The `_arguments` action for a completion kind.
    static func action(_ kind: CompletionKind) -> String {
        switch kind {
        case .none: return ""
        case .file: return "_files"
        case .directory: return "_files -/"
        case .choices(let words): return "(" + words.map(escapeWord).joined(separator: " ") + ")"
        }
    }

    /// Escapes text inside `[...]` descriptions and `:message:` parts of an `_arguments` spec.
    static func escapeMessage(_ text: String) -> String {
        var result = ""
        for character in text {
            if character == "[" || character == "]" || character == ":" || character == "\\" { result.append("\\") }
            result.append(character)
        }
        return result
    }

    /// Escapes a word inside a `(a b c)` action list or used as a `case` pattern.
    static func escapeWord(_ text: String) -> String {
        var result = ""
        for character in text {
            if !(character.isLetter || character.isNumber || "-_./@+,".contains(character)) { result.append("\\") }
            result.append(character)
        }
        return result
    }

    /// Escapes the name part of a `_describe` entry, where `:` separates name and description.
    static func escapeDescribeName(_ text: String) -> String {
        text.replacing(":", with: "\\:")
    }
}
