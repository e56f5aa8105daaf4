import FanoutKit

/// `fanout queues`: every queue and DLQ with its depth, fetched concurrently.
enum QueuesCommand: LeafCommand {
    struct Options: CommandOptions {
        var resources: ResourceOptions

        init(_ args: ParsedArguments) throws {
            resources = try ResourceOptions(args, roles: [.queues, .dlqs])
        }
    }

    static var spec: CommandSpec {
        CommandSpec(
            name: "queues",
            abstract: "Show every queue and DLQ with Visible, InFlight and Delayed counts.",
            discussion: """
            Reads the queue and DLQ URLs from outputs.json (or --queue/--dlq) and fetches their attributes \
            concurrently. Main queues also show their DLQ and maxReceiveCount from the RedrivePolicy.
            """,
            options: FanoutCommand.resourceOptions([.queues, .dlqs]),
            examples: [
                Example("fanout queues", "All queues from terraform/outputs.json"),
                Example("fanout queues --queue orders --queue payments -o json", "Named queues, as JSON"),
            ])
    }

    static func run(_ options: Options, _ context: CommandContext) async throws {
        let session = try context.session()
        let resources = context.resources(options.resources)
        let queues = try await resources.queueURLs(session.sqs)
        let dlqs = try await resources.dlqURLs(session.sqs, required: false)
        let snapshots = try await QueueSnapshot.fetch(sqs: session.sqs, queues: queues, dlqs: dlqs)
        context.emit(json: .array(snapshots.map(\.json)), ndjson: false) {
            render(snapshots, context.terminal)
        }
    }

    static func render(_ snapshots: [QueueSnapshot], _ terminal: Terminal) -> String {
        var table = Table([.init("QUEUE"), .init("KIND"), .init("VISIBLE", .right), .init("IN FLIGHT", .right), .init("DELAYED", .right),
                           .init("DLQ"), .init("MAX RECEIVES", .right)])
        for s in snapshots {
            let visible = s.isDLQ && s.visible > 0 ? terminal.red(String(s.visible)) : String(s.visible)
            table.add([s.name, s.isDLQ ? "dlq" : "queue", visible, String(s.inFlight), String(s.delayed),
                       s.isDLQ ? "" : (s.dlqName ?? "-"), s.maxReceiveCount.map(String.init) ?? ""])
        }
        return table.render(header: terminal.bold)
    }
}
