import FanoutKit

/// The typed options of one leaf command: built once from the parsed command line (defaults come from the
/// spec, written once), then validated, before any network call or file write.
public protocol CommandOptions: Sendable, Equatable {
    /// The parse step: reads every option and argument the command declares into typed fields.
    init(_ arguments: ParsedArguments) throws
    /// The validate step: rejects bad combinations (swift-argument-parser's `validate()`).
    func validate() throws
}

extension CommandOptions {
    public func validate() throws {}
}

/// A command that runs: one file per leaf, holding its spec, its `Options` and its `run`.
/// `run` never sees a string key: only `Options`.
protocol LeafCommand {
    associatedtype Options: CommandOptions
    /// The command's spec, without `run`.
    static var spec: CommandSpec { get }
    static func run(_ options: Options, _ context: CommandContext) async throws
}

extension LeafCommand {
    /// Parse and validate, as the parser's tests and the runner call it.
    static func options(_ arguments: ParsedArguments) throws -> Options {
        let options = try Options(arguments)
        try options.validate()
        return options
    }

    /// The spec with its run step wired: parse → validate → run.
    static var command: CommandSpec {
        var command = spec
        command.run = { arguments in
            let options = try Self.options(arguments)
            return { context in try await Self.run(options, context) }
        }
        return command
    }
}
