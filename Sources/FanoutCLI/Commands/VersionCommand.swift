import FanoutKit

/// `fanout version`.
enum VersionCommand {
    static var spec: CommandSpec {
        CommandSpec(name: "version", abstract: "Print fanout's version.",
                    run: { args in
                        let context = try CommandContext(args)
                        context.emit(json: ["version": .string(FanoutVersion.string)], ndjson: false) { "fanout \(FanoutVersion.string)\n" }
                    })
    }
}
