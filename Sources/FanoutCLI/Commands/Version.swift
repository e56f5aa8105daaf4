import FanoutKit

/// `fanout version`.
enum VersionCommand: LeafCommand {
    struct Options: CommandOptions {
        init(_ args: ParsedArguments) throws {}
    }

    static var spec: CommandSpec {
        CommandSpec(name: "version", abstract: "Print fanout's version.")
    }

    static func run(_ options: Options, _ context: CommandContext) async throws {
        context.emit(json: ["version": .string(FanoutVersion.string)], ndjson: false) { "fanout \(FanoutVersion.string)\n" }
    }
}
