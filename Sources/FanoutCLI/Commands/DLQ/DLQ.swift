import FanoutKit

/// `fanout dlq …`: look at dead-letter queues and move their messages back.
enum DLQCommand {
    /// The group: `fanout dlq` itself lists the DLQs.
    static var spec: CommandSpec {
        var spec = DLQListCommand.command
        spec.subcommands = [DLQInspectCommand.command, DLQRedriveCommand.command, DLQTasksCommand.command, DLQCancelCommand.command]
        return spec
    }

    static let queueArgument = ArgumentSpec(name: "queue", help: "A DLQ: its number in outputs.json (1…), name or URL (default: every DLQ)",
                                            isOptional: true)

    /// The options of the leaves that take only a DLQ (`tasks`, `cancel`): the queue argument and --dlq.
    struct QueueOptions: CommandOptions {
        var queue: String?
        var resources: ResourceOptions

        init(_ args: ParsedArguments) throws {
            queue = args.argument("queue")
            resources = try ResourceOptions(args, roles: [.dlqs])
        }
    }

    /// The spec of a leaf that takes only a DLQ.
    static func queueSpec(_ name: String, _ abstract: String) -> CommandSpec {
        CommandSpec(name: name, abstract: abstract, arguments: [queueArgument], options: FanoutCommand.resourceOptions([.dlqs]))
    }

    /// The DLQ the argument names (number, name or URL), or every DLQ from outputs.json / --dlq.
    static func fetch(_ queue: String?, _ resources: ResourceOptions, _ context: CommandContext, _ session: AWSSession) async throws -> [DeadLetterQueue] {
        let stack = context.resources(resources)
        let sqs = session.sqs
        return try await DeadLetterQueue.fetch(sqs: sqs, chosen: queue, all: { try await stack.dlqURLs(sqs) },
                                               resolve: { try await StackResources.resolve([$0], sqs)[0] })
    }
}

/// `fanout dlq`: every DLQ, its depth and the queues that feed it.
enum DLQListCommand: LeafCommand {
    struct Options: CommandOptions {
        var resources: ResourceOptions

        init(_ args: ParsedArguments) throws {
            resources = try ResourceOptions(args, roles: [.dlqs])
        }
    }

    static var spec: CommandSpec {
        CommandSpec(
            name: "dlq",
            abstract: "List DLQs with their depth and source queues; inspect and redrive their messages.",
            options: FanoutCommand.resourceOptions([.dlqs]),
            examples: [Example("fanout dlq", "Every DLQ, its depth and the queues that feed it")])
    }

    static func run(_ options: Options, _ context: CommandContext) async throws {
        let session = try context.session()
        let dlqs = try await DLQCommand.fetch(nil, options.resources, context, session)
        context.emit(json: .array(dlqs.map {
            ["name": .string($0.name), "url": .string($0.url), "visible": .number(Double($0.visible)), "inFlight": .number(Double($0.inFlight)),
             "sources": .array($0.sources.map { .string(QueueURL.name($0)) })]
        }), ndjson: false) {
            var table = Table([.init("DLQ"), .init("VISIBLE", .right), .init("IN FLIGHT", .right), .init("SOURCES")])
            for d in dlqs {
                table.add([d.name, d.visible > 0 ? context.terminal.red(String(d.visible)) : "0", String(d.inFlight),
                           d.sources.isEmpty ? "(none: an SNS subscription DLQ?)" : d.sources.map(QueueURL.name).joined(separator: ", ")])
            }
            return table.render(header: context.terminal.bold)
        }
    }
}
