/// The README's command reference, rendered from the same spec as help and completions.
public enum ReferenceRenderer {
    /// Markdown for every command, depth first: a `###` heading per command with its usage, abstract,
    /// discussion, arguments, options and examples, after a `### Global options` section.
    /// The caller puts it under its own `##` heading.
    public static func markdown(root: CommandSpec, globalOptions: [OptionSpec]) -> String {
        var blocks: [String] = []
        let globals = globalOptions.filter { !$0.isHidden }
        if !globals.isEmpty {
            blocks.append("### Global options")
            blocks.append("Accepted by every command, before or after the subcommand names.")
            blocks.append(globals.map(optionItem).joined(separator: "\n"))
        }
        func visit(_ path: [CommandSpec]) {
            guard let command = path.last else { return }
            blocks.append("### `" + path.map(\.name).joined(separator: " ") + "`")
            if !command.abstract.isEmpty { blocks.append(command.abstract) }
            if !command.discussion.isEmpty { blocks.append(markdownParagraphs(command.discussion)) }
            let usage = HelpRenderer.usageLines(path: path, globalOptions: globalOptions, prefix: "")
            blocks.append("```\n" + usage.joined(separator: "\n") + "\n```")
            if !command.arguments.isEmpty {
                blocks.append("Arguments:")
                blocks.append(command.arguments.map { "- `\($0.placeholder)`" + ($0.isOptional ? " (optional)" : "") + ": " + $0.help }.joined(separator: "\n"))
            }
            if !command.visibleOptions.isEmpty {
                blocks.append("Options:")
                blocks.append(command.visibleOptions.map(optionItem).joined(separator: "\n"))
            }
            if !command.subcommands.isEmpty {
                blocks.append("Subcommands:")
                let parent = path.map(\.name).joined(separator: " ")
                blocks.append(command.subcommands.map { "- `\(parent) \($0.name)`: \($0.abstract)" }.joined(separator: "\n"))
            }
            if !command.examples.isEmpty {
                blocks.append("Examples:")
                let examples = command.examples.map { example in
                    (example.description.isEmpty ? "" : "# " + example.description + "\n") + example.command
                }
                blocks.append("```sh\n" + examples.joined(separator: "\n\n") + "\n```")
            }
            for subcommand in command.subcommands { visit(path + [subcommand]) }
        }
        visit([root])
        return blocks.joined(separator: "\n\n") + "\n"
    }

    /// ``- `-q, --quiet`: Print less. (default: …)``
    static func optionItem(_ option: OptionSpec) -> String {
        "- `" + HelpRenderer.optionLabel(option) + "`: " + HelpRenderer.optionText(option)
    }

    /// The discussion with indented (preformatted) paragraphs fenced as code.
    static func markdownParagraphs(_ text: String) -> String {
        TextLayout.paragraphs(text, width: Int.max).split(separator: "\n\n", omittingEmptySubsequences: true).map { paragraph in
            paragraph.first == " " || paragraph.contains("\n") ? "```\n" + paragraph + "\n```" : String(paragraph)
        }.joined(separator: "\n\n")
    }
}
