import FanoutKit
import Foundation

/// `fanout route`: which queues an event reaches.
enum RouteCommand: LeafCommand {
    struct Options: CommandOptions {
        static let maxTimeout = 3600.0

        var message: String?
        var attributes: [MessageAttributeOption]
        var dry: Bool
        /// Queue names that must be reached, and no others.
        var expect: Set<String>?
        var timeout: Double
        var groupId: String?
        var resources: ResourceOptions

        init(_ args: ParsedArguments) throws {
            message = args.argument("message")
            attributes = try MessageAttributeOption.parse(args, "attr")
            dry = args.flag("dry")
            expect = args.string("expect").map {
                Set($0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty })
            }
            // The spec gives a default, so the read is never nil.
            timeout = args.defaulted(try args.seconds("timeout", max: Self.maxTimeout), "timeout")
            groupId = try args.nonEmpty("group-id")
            resources = try ResourceOptions(args, roles: [.topic])
        }
    }

    static var spec: CommandSpec {
        CommandSpec(
            name: "route",
            abstract: "Show which queues a message reaches: filter policies evaluated (--dry) or a live probe.",
            discussion: """
            --dry reads every subscription's filter policy (GetSubscriptionAttributes) and evaluates it against the \
            message and its attributes locally, with SNS's matching rules, saying for each queue why it matched or \
            not. Without --dry it publishes the message as a probe (with the attribute fanout_probe=<id>), watches \
            every subscribed queue, deletes the probe where it arrives and reports where that was; a consumer that \
            is faster than the watch takes the probe first (then its queue reads "not seen"). --expect names the \
            queues that must be reached, and no others.
            """,
            arguments: [ArgumentSpec(name: "message", help: "The message body", isOptional: true)],
            options: [
                MessageAttributeOption.spec,
                .flag("dry", help: "Evaluate the filter policies locally; publish nothing"),
                .value("expect", "q1,q2", help: "Exit 1 unless exactly these queues (names) are reached"),
                .value("timeout", "seconds", help: "Live: how long to watch the queues", default: "20"),
                .value("group-id", "id", help: "MessageGroupId for a FIFO topic"),
            ] + FanoutCommand.resourceOptions([.topic]),
            examples: [
                Example(#"fanout route --dry --attr event_type=order.cancelled '{"order_id": "o-1"}'"#, "Which queues an order.cancelled reaches, and why"),
                Example("fanout route --attr event_type=order.created '{}' --expect payment-queue,inventory-queue,notification-queue,analytics-queue",
                        "Seed 001's check, live"),
            ])
    }

    static func run(_ options: Options, _ context: CommandContext) async throws {
        let message = options.message ?? "{}"
        let attributes = options.attributes.map(\.pair)
        let topic = try context.resources(options.resources).topicArn()
        if topic.hasSuffix(".fifo") && options.groupId == nil && !options.dry {
            throw FanoutError.usage("\(QueueURL.nameFromArn(topic)) is a FIFO topic: pass --group-id")
        }
        let session = try context.session()
        let subscriptions = try await Routing.queueSubscriptions(sns: session.sns, topicArn: topic)
        var routes: [Routing.Route] = []
        if options.dry {
            routes = try await Routing.evaluate(sns: session.sns, subscriptions: subscriptions, message: message, attributes: attributes)
        } else {
            let probe = Routing.probe(session: session, topicArn: topic, subscriptions: subscriptions, message: message,
                                      attributes: attributes, groupId: options.groupId, timeout: options.timeout)
            try await probe.forEach { event in
                switch event {
                case .published(let messageId, let queues):
                    context.status("published probe \(messageId); watching \(queues.count) queue(s) for up to \(JSONValue.format(options.timeout)) s")
                case .watched(let route):
                    routes.append(route)
                }
            }
            routes.sort { $0.queue < $1.queue }
        }
        context.emit(json: .array(routes.map { ["queue": .string($0.queue), "reached": .bool($0.reached), "why": .string($0.why)] }), ndjson: false) {
            var table = Table([.init("QUEUE"), .init("REACHED"), .init("WHY")])
            for r in routes { table.add([r.queue, r.reached ? context.terminal.green("yes") : "no", r.why]) }
            return table.render(header: context.terminal.bold)
        }
        if let expected = options.expect {
            let reached = Set(routes.filter(\.reached).map(\.queue))
            if reached != expected {
                let missing = expected.subtracting(reached).sorted(), extra = reached.subtracting(expected).sorted()
                throw FanoutError.checkFailed("route differs from --expect:"
                    + (missing.isEmpty ? "" : " not reached \(missing.joined(separator: ","))")
                    + (extra.isEmpty ? "" : " also reached \(extra.joined(separator: ","))"))
            }
        }
    }
}
