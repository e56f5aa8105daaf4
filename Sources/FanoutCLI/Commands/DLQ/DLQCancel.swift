import FanoutKit

/// `fanout dlq cancel`: cancel the running message move task of a DLQ.
enum DLQCancelCommand: LeafCommand {
    typealias Options = DLQCommand.QueueOptions

    static var spec: CommandSpec { DLQCommand.queueSpec("cancel", "Cancel the running message move task of a DLQ.") }

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
