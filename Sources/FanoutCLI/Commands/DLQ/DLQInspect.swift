import FanoutKit
import Foundation

/// `fanout dlq inspect`: peek at DLQ messages without deleting them.
enum DLQInspectCommand: LeafCommand {
    /// `--max`: at least one message, at most this many per DLQ.
    static let maxMessages = 1...1_000_000

    struct Options: CommandOptions {
        var queue: String?
        var max: Int
        var resources: ResourceOptions

        init(_ args: ParsedArguments) throws {
            queue = args.argument("queue")
            max = args.defaulted(try args.int("max", in: DLQInspectCommand.maxMessages), "max")
            resources = try ResourceOptions(args, roles: [.dlqs])
        }
    }

    static var spec: CommandSpec {
        CommandSpec(
            name: "inspect",
            abstract: "Peek at DLQ messages without deleting them.",
            discussion: """
            Shows body (pretty when it is JSON), message attributes, ApproximateReceiveCount, sent and first-receive \
            times and the source queue. A peek is a receive: it raises the receive count by one. Every message is made \
            visible again at once.
            """,
            arguments: [DLQCommand.queueArgument],
            options: [.value("max", "n", help: "At most this many messages per DLQ", default: "10")] + FanoutCommand.resourceOptions([.dlqs]),
            examples: [Example("fanout dlq inspect 1 --max 5", "Five messages of the first DLQ")])
    }

    static func run(_ options: Options, _ context: CommandContext) async throws {
        let session = try context.session()
        let dlqs = try await DLQCommand.fetch(options.queue, options.resources, context, session)
        context.status("note: a peek is a receive (ApproximateReceiveCount goes up by one); every message is made visible again at once")
        var records: [JSONValue] = []
        var text = ""
        for dlq in dlqs {
            let messages = try await DeadLetters.peek(sqs: session.sqs, queueURL: dlq.url, max: options.max)
            let source = dlq.sources.map(QueueURL.name).joined(separator: ", ")
            text += context.terminal.bold("\(dlq.name)") + " · \(dlq.visible) visible · source: \(source.isEmpty ? "-" : source) · \(messages.count) shown\n"
            for m in messages {
                let body = ConsumedMessage(m)
                let parsed = try? JSONValue.parse(body.body)
                let sent = timestamp(m.attributes["SentTimestamp"])
                let first = timestamp(m.attributes["ApproximateFirstReceiveTimestamp"])
                var attributes: [(String, JSONValue)] = m.messageAttributes.map {
                    ($0.name, ["type": .string($0.value.dataType), "value": .string($0.value.stringValue ?? $0.value.binaryValueBase64 ?? "")])
                }
                if let envelope = try? JSONValue.parse(m.body), envelope["Type"]?.string == "Notification", let snsAttributes = envelope["MessageAttributes"]?.object {
                    attributes += snsAttributes.map { ($0.0, ["type": $0.1["Type"] ?? .null, "value": $0.1["Value"] ?? .null]) }
                }
                records.append(.object([
                    ("queue", .string(dlq.name)), ("messageId", .string(m.messageId)), ("snsMessageId", .string(body.messageId)),
                    ("receiveCount", .number(Double(m.receiveCount))), ("sentAt", sent.map(JSONValue.string) ?? .null),
                    ("firstReceivedAt", first.map(JSONValue.string) ?? .null), ("sourceQueues", .array(dlq.sources.map { .string(QueueURL.name($0)) })),
                    ("attributes", .object(attributes)), ("body", .string(body.body)), ("bodyJSON", parsed ?? .null),
                ]))
                text += "── \(m.messageId) · receives \(m.receiveCount) · sent \(sent ?? "?") · first received \(first ?? "?")\n"
                for (name, value) in attributes {
                    text += "   \(name) = \(value["value"]?.string ?? value["value"]?.serialized() ?? "") (\(value["type"]?.string ?? ""))\n"
                }
                text += (parsed.map { $0.pretty() } ?? body.body) + "\n"
            }
        }
        context.emit(json: .array(records), ndjson: false) { text }
    }

    static func timestamp(_ millis: String?) -> String? {
        guard let millis, let ms = Double(millis) else { return nil }
        return ISO8601.format(Date(timeIntervalSince1970: ms / 1000))
    }
}
