/// Renders `--help` pages in the layout of swift-argument-parser plus gh's `EXAMPLES:`.
///
/// Sections, each only when it has content: `OVERVIEW:`, the discussion, `USAGE:`, `ARGUMENTS:`,
/// `OPTIONS:`, `GLOBAL OPTIONS:`, `SUBCOMMANDS:`, `EXAMPLES:`. The text has no trailing newline.
public enum HelpRenderer {
    /// The widest label that still shares a line with its text.
    static let maximumLabelWidth = 26

    /// The help page of the last command in `path`, which runs from the root down.
    public static func render(path: [CommandSpec], globalOptions: [OptionSpec]) -> String {
        guard let command = path.last else { return "" }
        let names = path.map(\.name)
        let isRoot = path.count == 1
        var sections: [String] = []

        if !command.abstract.isEmpty {
            sections.append(TextLayout.wrap("OVERVIEW: " + command.abstract).joined(separator: "\n"))
        }
        if !command.discussion.isEmpty {
            sections.append(TextLayout.paragraphs(command.discussion))
        }
        sections.append(
            usageLines(path: path, globalOptions: globalOptions, prefix: "USAGE: ").joined(separator: "\n"))

        let argumentRows = command.arguments.map { (label: $0.placeholder, text: $0.help) }
        let optionRows = (command.visibleOptions + [BuiltIn.helpOption]).map { (label: optionLabel($0), text: optionText($0)) }
        let globalRows = globalOptions.filter { !$0.isHidden }.map { (label: optionLabel($0), text: optionText($0)) }
        var subcommandRows = command.subcommands.map { (label: $0.name, text: $0.abstract) }
        if isRoot && BuiltIn.rootHasHelpCommand(command) {
            subcommandRows.append((label: BuiltIn.helpCommandName, text: BuiltIn.helpCommandAbstract))
        }

        let widest = (argumentRows + optionRows + globalRows + subcommandRows)
            .map(\.label.count)
            .filter { $0 <= maximumLabelWidth }
            .max() ?? 0
        let column = 2 + widest + 2

        func section(_ title: String, _ rows: [(label: String, text: String)], footer: String? = nil) {
            guard !rows.isEmpty else { return }
            var lines = [title] + TextLayout.twoColumns(rows, column: column)
            if let footer { lines += ["", "  " + footer] }
            sections.append(lines.joined(separator: "\n"))
        }
        section("ARGUMENTS:", argumentRows)
        section("OPTIONS:", optionRows)
        section("GLOBAL OPTIONS:", globalRows)
        let helpPath = ([names[0], BuiltIn.helpCommandName] + names.dropFirst()).joined(separator: " ")
        section("SUBCOMMANDS:", subcommandRows, footer: "See '\(helpPath) <subcommand>' for detailed help.")

        if !command.examples.isEmpty {
            let examples = command.examples.map { example -> String in
                var lines: [String] = []
                if !example.description.isEmpty { lines.append("  # " + example.description) }
                lines.append("  $ " + example.command)
                return lines.joined(separator: "\n")
            }
            sections.append("EXAMPLES:\n" + examples.joined(separator: "\n\n"))
        }
        return sections.joined(separator: "\n\n")
    }

    /// The usage line(s) of the last command in `path`; the first starts with `prefix` and the others
    /// are indented to match. A command with both `run` and subcommands gets one line for each form.
    static func usageLines(path: [CommandSpec], globalOptions: [OptionSpec], prefix: String) -> [String] {
        guard let command = path.last else { return [] }
        let commandName = path.map(\.name).joined(separator: " ")
        var forms: [String] = []
        if command.run != nil || command.subcommands.isEmpty {
            let arguments = command.arguments.map(argumentUsage)
            let options = command.visibleOptions.map(optionUsage)
            let globals = globalOptions.contains { !$0.isHidden } ? ["[<global options>]"] : []
            var line = ([commandName] + arguments + options + globals).joined(separator: " ")
            if prefix.count + line.count > TextLayout.width && !options.isEmpty {
                line = ([commandName] + arguments + ["[<options>]"] + globals).joined(separator: " ")
            }
            forms.append(line)
        }
        if !command.subcommands.isEmpty {
            forms.append(commandName + " <subcommand>")
        }
        let indent = String(repeating: " ", count: prefix.count)
        return forms.enumerated().map { ($0.offset == 0 ? prefix : indent) + $0.element }
    }

    /// `<queue>`, `[<queue>]`, `<queue> ...`, `[<queue> ...]`.
    static func argumentUsage(_ argument: ArgumentSpec) -> String {
        argument.isOptional ? "[" + argument.placeholder + "]" : argument.placeholder
    }

    /// `[--wait]`, `[--to <url>]`, `[--tag <tag> ...]`.
    static func optionUsage(_ option: OptionSpec) -> String {
        var text = option.longForm
        if let placeholder = option.valuePlaceholder { text += " " + placeholder }
        if option.isRepeatable { text += " ..." }
        return "[" + text + "]"
    }

    /// `-q, --quiet`, `--region <region>`, `--tag <tag> ...`: the left column of an option row.
    static func optionLabel(_ option: OptionSpec) -> String {
        var label = option.short.map { "-\($0), " } ?? ""
        label += option.longForm
        if let placeholder = option.valuePlaceholder { label += " " + placeholder }
        if option.isRepeatable { label += " ..." }
        return label
    }

    /// The help text with `(values: table, json; default: table)` appended as applicable.
    static func optionText(_ option: OptionSpec) -> String {
        var notes: [String] = []
        if !option.choices.isEmpty { notes.append("values: " + option.choices.joined(separator: ", ")) }
        if let defaultValue = option.defaultValue { notes.append("default: " + defaultValue) }
        guard !notes.isEmpty else { return option.help }
        let suffix = "(" + notes.joined(separator: "; ") + ")"
        return option.help.isEmpty ? suffix : option.help + " " + suffix
    }
}
