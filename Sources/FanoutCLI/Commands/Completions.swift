import FanoutKit

/// `fanout completions bash|zsh|fish`: the completion script, generated from the command spec.
enum CompletionsCommand: LeafCommand {
    static let shells = ["bash", "zsh", "fish"]

    struct Options: CommandOptions {
        var shell: String

        init(_ args: ParsedArguments) throws {
            shell = args.argument("shell") ?? ""
        }

        func validate() throws {
            guard CompletionsCommand.shells.contains(shell) else {
                throw FanoutError.usage("Unknown shell '\(shell)'. Expected one of: bash, zsh, fish.")
            }
        }
    }

    static var spec: CommandSpec {
        CommandSpec(
            name: "completions",
            abstract: "Print the shell completion script for bash, zsh or fish.",
            discussion: "The scripts are generated from the same command spec as parsing and help; `make install` installs them.",
            arguments: [ArgumentSpec(name: "shell", help: "bash, zsh or fish", completion: .choices(shells))],
            examples: [
                Example("source <(fanout completions bash)", "Enable completion in the current bash"),
                Example("fanout completions fish > ~/.config/fish/completions/fanout.fish", "Install for fish"),
            ])
    }

    static func run(_ options: Options, _ context: CommandContext) async throws {
        context.terminal.out(try CompletionScript.generate(shell: options.shell, root: FanoutCommand.root,
                                                           globalOptions: FanoutCommand.globalOptions))
    }
}
