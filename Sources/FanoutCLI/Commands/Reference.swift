import FanoutKit

/// `fanout reference` : the README's command reference, generated from the spec (`make readme`).
enum ReferenceCommand: LeafCommand {
    struct Options: CommandOptions {
        init(_ args: ParsedArguments) throws {}
    }

    static var spec: CommandSpec {
        CommandSpec(name: "reference", abstract: "Print the Markdown command reference (used to build README.md).")
    }

    static func run(_ options: Options, _ context: CommandContext) async throws {
        context.terminal.out(ReferenceRenderer.markdown(root: FanoutCommand.root, globalOptions: FanoutCommand.globalOptions))
    }
}
