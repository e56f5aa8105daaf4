/// The bash completion script: a `complete -F` function plus table functions, one `case` each,
/// keyed by the command path (`'fanout dlq|redrive'`). Works with bash 3.2 and later.
enum BashCompletion {
    static func script(_ tree: CompletionTree) -> String {
        let program = tree.programName
        let function = "_" + CompletionTree.identifier([program])
        let quote = ShellQuoting.singleQuoted
        var lines: [String] = []
        func emit(_ line: String) { lines.append(line) }

        emit("# bash completion for \(program). Generated from the command spec; do not edit.")
        emit("")

        // Subcommand names per path.
        emit("# Succeeds when word $2 names a subcommand of command path $1.")
        emit("\(function)_is_subcommand() {")
        let subcommandPatterns = tree.nodes.flatMap { node in
            node.command.subcommands.map { quote(node.pathKey + "|" + $0.name) }
        }
        if !subcommandPatterns.isEmpty {
            emit("    case \"$1|$2\" in")
            emit("        " + subcommandPatterns.joined(separator: "|") + ") return 0 ;;")
            emit("    esac")
        }
        emit("    return 1")
        emit("}")
        emit("")

        // Options that take a value: the command's own first, since they shadow globals.
        emit("# Succeeds when option $2 (as typed) takes a value in command path $1.")
        emit("\(function)_takes_value() {")
        let commandValuePatterns = tree.nodes.flatMap { node in
            node.options.filter { !$0.isFlag }.flatMap { option in
                typedForms(option).map { quote(node.pathKey + "|" + $0) }
            }
        }
        if !commandValuePatterns.isEmpty {
            emit("    case \"$1|$2\" in")
            emit("        " + commandValuePatterns.joined(separator: "|") + ") return 0 ;;")
            emit("    esac")
        }
        let globalValuePatterns = tree.globalOptions.filter { !$0.isFlag }.flatMap(typedForms).map(quote)
        if !globalValuePatterns.isEmpty {
            emit("    case \"$2\" in")
            emit("        " + globalValuePatterns.joined(separator: "|") + ") return 0 ;;")
            emit("    esac")
        }
        emit("    return 1")
        emit("}")
        emit("")

        emit("# Adds to COMPREPLY the words $2... that start with $1.")
        emit("\(function)_add_words() {")
        emit("    local prefix=\"$1\" word")
        emit("    shift")
        emit("    for word in \"$@\"; do")
        emit("        [[ $word == \"$prefix\"* ]] && COMPREPLY+=(\"$word\")")
        emit("    done")
        emit("    return 0")
        emit("}")
        emit("")
        emit("# Adds to COMPREPLY the paths starting with $2; $1 is -f (files) or -d (directories).")
        emit("\(function)_add_paths() {")
        emit("    local word")
        emit("    type compopt >/dev/null 2>&1 && compopt -o filenames 2>/dev/null")
        emit("    while IFS= read -r word; do COMPREPLY+=(\"$word\"); done < <(compgen \"$1\" -- \"$2\")")
        emit("    return 0")
        emit("}")
        emit("")

        emit("# Completes the value $3 of option $2 in command path $1.")
        emit("\(function)_complete_value() {")
        let commandValueCases = tree.nodes.flatMap { node in
            node.options.filter { !$0.isFlag && $0.effectiveCompletion != .none }.map { option in
                (patterns: typedForms(option).map { quote(node.pathKey + "|" + $0) }, option: option)
            }
        }
        if !commandValueCases.isEmpty {
            emit("    case \"$1|$2\" in")
            for valueCase in commandValueCases {
                emit("        " + valueCase.patterns.joined(separator: "|") + ")")
                emit("            " + completionCall(valueCase.option.effectiveCompletion, prefix: "\"$3\"", function: function) + "; return 0 ;;")
            }
            emit("    esac")
        }
        let globalValueCases = tree.globalOptions.filter { !$0.isFlag && $0.effectiveCompletion != .none }
        if !globalValueCases.isEmpty {
            emit("    case \"$2\" in")
            for option in globalValueCases {
                emit("        " + typedForms(option).map(quote).joined(separator: "|") + ")")
                emit("            " + completionCall(option.effectiveCompletion, prefix: "\"$3\"", function: function) + " ;;")
            }
            emit("    esac")
        }
        emit("    return 0")
        emit("}")
        emit("")

        emit("# Completes the option names starting with $2 for command path $1, globals included.")
        emit("\(function)_complete_options() {")
        let nodesWithOptions = tree.nodes.filter { !$0.options.isEmpty }
        if !nodesWithOptions.isEmpty {
            emit("    case \"$1\" in")
            for node in nodesWithOptions {
                emit("        " + quote(node.pathKey) + ") \(function)_add_words \"$2\" " + node.options.map { quote($0.longForm) }.joined(separator: " ") + " ;;")
            }
            emit("    esac")
        }
        emit("    \(function)_add_words \"$2\" " + tree.globalOptions.map { quote($0.longForm) }.joined(separator: " "))
        emit("    return 0")
        emit("}")
        emit("")

        emit("# Completes the subcommand names starting with $2 for command path $1.")
        emit("\(function)_complete_subcommands() {")
        let groups = tree.nodes.filter { !$0.command.subcommands.isEmpty }
        if !groups.isEmpty {
            emit("    case \"$1\" in")
            for node in groups {
                emit("        " + quote(node.pathKey) + ") \(function)_add_words \"$2\" " + node.command.subcommands.map { quote($0.name) }.joined(separator: " ") + " ;;")
            }
            emit("    esac")
        }
        emit("    return 0")
        emit("}")
        emit("")

        emit("# Completes positional argument number $2 (from 0), starting with $3, for command path $1.")
        emit("\(function)_complete_argument() {")
        let argumentNodes = tree.nodes.filter(\.completesArguments)
        if !argumentNodes.isEmpty {
            emit("    case \"$1\" in")
            for node in argumentNodes {
                emit("        " + quote(node.pathKey) + ")")
                var keyword = "if"
                for (index, argument) in node.command.arguments.enumerated() where argument.completion != .none {
                    let test = argument.isVariadic ? "(( $2 >= \(index) ))" : "(( $2 == \(index) ))"
                    emit("            \(keyword) \(test); then")
                    emit("                " + completionCall(argument.completion, prefix: "\"$3\"", function: function))
                    keyword = "elif"
                }
                emit("            fi")
                emit("            ;;")
            }
            emit("    esac")
        }
        emit("    return 0")
        emit("}")
        emit("")

        emit("""
            \(function)() {
                local cur="${COMP_WORDS[COMP_CWORD]}"
                local path=\(quote(program)) word option='' positionals=0 options_ended=0 i
                COMPREPLY=()
                for (( i = 1; i < COMP_CWORD; i++ )); do
                    word="${COMP_WORDS[i]}"
                    # bash splits `--output=json` into `--output`, `=`, `json` (COMP_WORDBREAKS).
                    if [[ $word == '=' && -n $option ]]; then continue; fi
                    if [[ -n $option ]]; then option=''; continue; fi
                    if (( ! options_ended )); then
                        if [[ $word == '--' ]]; then options_ended=1; continue; fi
                        if [[ $word == -?* ]]; then
                            if [[ $word != *=* ]] && \(function)_takes_value "$path" "$word"; then option="$word"; fi
                            continue
                        fi
                        if (( positionals == 0 )) && \(function)_is_subcommand "$path" "$word"; then
                            path="$path $word"
                            continue
                        fi
                    fi
                    positionals=$(( positionals + 1 ))
                done

                if [[ -n $option ]]; then
                    [[ $cur == '=' ]] && cur=''
                    \(function)_complete_value "$path" "$option" "$cur"
                    return 0
                fi
                if (( ! options_ended )) && [[ $cur == --*=* ]]; then
                    option="${cur%%=*}"
                    if \(function)_takes_value "$path" "$option"; then
                        \(function)_complete_value "$path" "$option" "${cur#*=}"
                        for i in "${!COMPREPLY[@]}"; do COMPREPLY[i]="$option=${COMPREPLY[i]}"; done
                    fi
                    return 0
                fi
                if (( ! options_ended )) && [[ $cur == -* ]]; then
                    \(function)_complete_options "$path" "$cur"
                    return 0
                fi
                if (( positionals == 0 && ! options_ended )); then
                    \(function)_complete_subcommands "$path" "$cur"
                fi
                \(function)_complete_argument "$path" "$positionals" "$cur"
                return 0
            }

            complete -F \(function) \(program)
            """)
        return lines.joined(separator: "\n") + "\n"
    }

    /// How an option can be typed: `--output`, and `-o` when it has a short name.
    static func typedForms(_ option: OptionSpec) -> [String] {
        [option.longForm] + (option.short.map { ["-\($0)"] } ?? [])
    }

    /// The shell command that completes `kind` for the word in `prefix` (a shell expression).
    static func completionCall(_ kind: CompletionKind, prefix: String, function: String) -> String {
        switch kind {
        case .none: return ":"
        case .file: return "\(function)_add_paths -f \(prefix)"
        case .directory: return "\(function)_add_paths -d \(prefix)"
        case .choices(let words): return "\(function)_add_words \(prefix) " + words.map(ShellQuoting.singleQuoted).joined(separator: " ")
        }
    }
}
