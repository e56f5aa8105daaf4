import FanoutKit

/// `fanout stack down`: delete every resource outputs.json names.
enum StackDownCommand: LeafCommand {
    struct Options: CommandOptions {
        var yes: Bool

        init(_ args: ParsedArguments) throws {
            yes = args.flag("yes")
        }
    }

    static var spec: CommandSpec {
        CommandSpec(name: "down", abstract: "Delete every resource outputs.json names (asks on a terminal; --yes otherwise).",
                    options: [.flag("yes", short: "y", help: "Do not ask for confirmation")])
    }

    static func run(_ options: Options, _ context: CommandContext) async throws {
        let outputs = try context.resources(ResourceOptions()).outputs()
        try Confirmation.require(context, confirmed: options.yes, flag: "yes", question: "Delete every resource named in \(outputs.path)?")
        let session = try context.session()
        let changes = try await Stack(session: session).down(outputs, progress: StackGroup.progress(context))
        context.status("deleted \(changes.filter { $0.action == .deleted }.count), already gone \(changes.filter { $0.action == .missing }.count)")
        context.emit(json: ["changes": .array(changes.map(\.json))], ndjson: false) { "" }
    }
}
