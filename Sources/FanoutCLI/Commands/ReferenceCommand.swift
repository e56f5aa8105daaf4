import FanoutKit

/// `fanout reference` : the README's command reference, generated from the spec (`make readme`).
enum ReferenceCommand {
    static var spec: CommandSpec {
        CommandSpec(name: "reference", abstract: "Print the Markdown command reference (used to build README.md).",
                    run: { args in
                        let context = try CommandContext(args)
                        context.terminal.out(ReferenceRenderer.markdown(root: FanoutCommand.root, globalOptions: FanoutCommand.globalOptions))
                    })
    }
}
