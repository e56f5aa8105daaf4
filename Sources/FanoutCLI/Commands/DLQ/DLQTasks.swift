import FanoutKit
import Foundation

/// `fanout dlq tasks`: recent message move tasks of the DLQs.
enum DLQTasksCommand: LeafCommand {
    typealias Options = DLQCommand.QueueOptions

    static var spec: CommandSpec { DLQCommand.queueSpec("tasks", "List recent message move tasks of the DLQs.") }

    static func run(_ options: Options, _ context: CommandContext) async throws {
        let session = try context.session()
        let dlqs = try await DLQCommand.fetch(options.queue, options.resources, context, session)
        var rows: [(String, MessageMoveTask)] = []
        for dlq in dlqs {
            do {
                rows += try await session.sqs.listMessageMoveTasks(sourceArn: dlq.arn).map { (dlq.name, $0) }
            } catch let e as AWSServiceError where MoveTask.isUnsupported(e) {
                throw FanoutError(.aws(e), "\(session.client(.sqs).endpoint) has no SQS message move tasks (\(e.code))")
            }
        }
        context.emit(json: .array(rows.map { name, t in
            .object([("dlq", .string(name)), ("taskHandle", t.taskHandle.map(JSONValue.string) ?? .null), ("status", .string(t.status)),
                     ("moved", .number(Double(t.moved))), ("total", t.toMove.map { .number(Double($0)) } ?? .null),
                     ("destination", t.destinationArn.map { .string(QueueURL.nameFromArn($0)) } ?? .null), ("failureReason", t.failureReason.map(JSONValue.string) ?? .null)])
        }), ndjson: false) {
            var table = Table([.init("DLQ"), .init("STATUS"), .init("MOVED", .right), .init("TOTAL", .right), .init("TO"), .init("STARTED"), .init("REASON")])
            for (name, t) in rows {
                table.add([name, t.status, String(t.moved), t.toMove.map(String.init) ?? "", t.destinationArn.map(QueueURL.nameFromArn) ?? "(source)",
                           t.startedTimestamp.map { ISO8601.format(Date(timeIntervalSince1970: $0 > 1e11 ? $0 / 1000 : $0)) } ?? "", t.failureReason ?? ""])
            }
            return table.render(header: context.terminal.bold)
        }
    }
}
