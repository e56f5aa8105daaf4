import FanoutKit

/// `fanout dlq cancel`: cancel the running message move task of a DLQ.
enum DLQCancelCommand: LeafCommand {
    struct Options: CommandOptions {
        var queue: String?
        var resources: ResourceOptions

        init(_ args: ParsedArguments) throws {
            queue = args.argument("queue")
            resources = try ResourceOptions(args, roles: [.dlqs])
        }
    }

    static var spec: CommandSpec {
        CommandSpec(name: "cancel", abstract: "Cancel the running message move task of a DLQ.", arguments: [DLQCommand.queueArgument],
                    options: FanoutCommand.resourceOptions([.dlqs]))
    }

    static func run(_ options: Options, _ context: CommandContext) async throws {
        let session = try context.session()
        let dlqs = try await DLQCommand.fetch(options.queue, options.resources, context, session)
        var cancelled = 0
        for dlq in dlqs {
            for (handle, moved) in try await MoveTask.cancelRunning(session.sqs, sourceArn: dlq.arn) {
                cancelled += 1
                context.emit(json: ["dlq": .string(dlq.name), "taskHandle": .string(handle), "moved": .number(Double(moved))], ndjson: true) {
                    "\(dlq.name): cancelled after \(moved) moved\n"
                }
            }
        }
        if cancelled == 0 { throw FanoutError.checkFailed("no running move task") }
    }
}
