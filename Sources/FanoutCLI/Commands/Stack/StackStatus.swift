import FanoutKit

/// `fanout stack status`: whether each resource in outputs.json exists, with queue depths.
enum StackStatusCommand: LeafCommand {
    struct Options: CommandOptions {
        init(_ args: ParsedArguments) throws {}
    }

    static var spec: CommandSpec {
        CommandSpec(name: "status", abstract: "Show whether each resource in outputs.json exists, with queue depths.")
    }

    static func run(_ options: Options, _ context: CommandContext) async throws {
        let outputs = try context.resources(ResourceOptions()).outputs()
        let session = try context.session()
        let resources = try await Stack(session: session).status(outputs)
        func status(_ r: StackResourceStatus) -> String { r.exists ? r.detail.map { "ok (\($0))" } ?? "ok" : "missing" }
        context.emit(json: .array(resources.map { ["kind": .string($0.kind), "name": .string($0.name), "status": .string(status($0))] }),
                     ndjson: false) {
            var table = Table([.init("KIND"), .init("NAME"), .init("STATUS")])
            for r in resources { table.add([r.kind, r.name, status(r)]) }
            return table.render(header: context.terminal.bold)
        }
        let missing = resources.filter { !$0.exists }.count
        if missing > 0 { throw FanoutError.checkFailed("\(missing) resource(s) named in \(outputs.path) are missing") }
    }
}
