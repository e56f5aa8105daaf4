import FanoutKit

/// `fanout completions bash|zsh|fish`: the completion script, generated from the command spec.
enum CompletionsCommand {
    static var spec: CommandSpec {
        CommandSpec(
            name: "completions",
            abstract: "Print the shell completion script for bash, zsh or fish.",
            discussion: "The scripts are generated from the same command spec as parsing and help; `make install` installs them.",
            arguments: [ArgumentSpec(name: "shell", help: "bash, zsh or fish", completion: .choices(["bash", "zsh", "fish"]))],
            examples: [
                Example("source <(fanout completions bash)", "Enable completion in the current bash"),
                Example("fanout completions fish > ~/.config/fish/completions/fanout.fish", "Install for fish"),
            ],
            run: { args in
                let context = try CommandContext(args)
                let shell = args.argument("shell") ?? ""
                do {
                    context.terminal.out(try CompletionScript.generate(shell: shell, root: FanoutCommand.root,
                                                                       globalOptions: FanoutCommand.globalOptions))
                } catch {
                    throw FanoutError.usage("Unknown shell '\(shell)'. Expected one of: bash, zsh, fish.")
                }
            })
    }
}
