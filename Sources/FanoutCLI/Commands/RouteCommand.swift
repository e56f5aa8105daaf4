import FanoutKit
import Foundation

/// `fanout route`: which queues an event reaches.
enum RouteCommand {
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
                .value("attr", "name[:type]=value", help: "Message attribute; type String (default), Number or String.Array", repeatable: true),
                .flag("dry", help: "Evaluate the filter policies locally; publish nothing"),
                .value("expect", "q1,q2", help: "Exit 1 unless exactly these queues (names) are reached"),
                .value("timeout", "seconds", help: "Live: how long to watch the queues", default: "20"),
                .value("group-id", "id", help: "MessageGroupId for a FIFO topic"),
            ] + FanoutCommand.resourceOptions([.topic]),
            examples: [
                Example(#"fanout route --dry --attr event_type=order.cancelled '{"order_id": "o-1"}'"#, "Which queues an order.cancelled reaches, and why"),
                Example("fanout route --attr event_type=order.created '{}' --expect payment-queue,inventory-queue,notification-queue,analytics-queue",
                        "Seed 001's check, live"),
            ],
            run: { args in try await run(CommandContext(args)) })
    }

    struct Route {
        var queue: String
        var queueURL: String?
        var reached: Bool
        var why: String
    }

    static func run(_ context: CommandContext) async throws {
        let args = context.args
        let message = args.argument("message") ?? "{}"
        let attributes = try args.strings("attr").filter { !$0.isEmpty }.map(Publishing.attribute)
        let timeout = try args.double("timeout") ?? 20
        guard timeout > 0 else { throw FanoutError.usage("--timeout must be greater than 0") }
        let expected = args.string("expect").map { Set($0.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }) }
        let topic = try context.topicArn()
        if topic.hasSuffix(".fifo") && args.string("group-id") == nil && !args.flag("dry") {
            throw FanoutError.usage("\(QueueURL.nameFromArn(topic)) is a FIFO topic: pass --group-id")
        }
        let session = try await context.session()
        let subscriptions = try await session.sns.listSubscriptions(topicArn: topic).filter { $0.protocolName == "sqs" }
        var routes: [Route] = []
        if args.flag("dry") {
            for sub in subscriptions {
                let attrs = try await session.sns.getSubscriptionAttributes(sub.subscriptionArn)
                let name = QueueURL.nameFromArn(sub.endpoint)
                guard let text = attrs["FilterPolicy"], !text.isEmpty else {
                    routes.append(Route(queue: name, queueURL: nil, reached: true, why: "no filter policy: every message"))
                    continue
                }
                let scope = FilterPolicyScope(rawValue: attrs["FilterPolicyScope"] ?? "MessageAttributes") ?? .messageAttributes
                let verdict = try FilterPolicy.parse(text, scope: scope).evaluate(attributes: attributes, body: message)
                routes.append(Route(queue: name, queueURL: nil, reached: verdict.matched,
                                    why: "\(scope.rawValue) policy: " + verdict.reasons.joined(separator: "; ")))
            }
        } else {
            routes = try await probe(context, session, topic: topic, subscriptions: subscriptions, message: message, attributes: attributes, timeout: timeout)
        }
        routes.sort { $0.queue < $1.queue }
        context.emit(json: .array(routes.map { ["queue": .string($0.queue), "reached": .bool($0.reached), "why": .string($0.why)] }), ndjson: false) {
            var table = Table([.init("QUEUE"), .init("REACHED"), .init("WHY")])
            for r in routes { table.add([r.queue, r.reached ? context.terminal.green("yes") : "no", r.why]) }
            return table.render(header: context.terminal.bold)
        }
        if let expected {
            let reached = Set(routes.filter(\.reached).map(\.queue))
            if reached != expected {
                let missing = expected.subtracting(reached).sorted(), extra = reached.subtracting(expected).sorted()
                throw FanoutError.checkFailed("route differs from --expect:"
                    + (missing.isEmpty ? "" : " not reached \(missing.joined(separator: ","))")
                    + (extra.isEmpty ? "" : " also reached \(extra.joined(separator: ","))"))
            }
        }
    }

    /// Publishes a tagged probe and watches every subscribed queue for it; deletes it where it arrives.
    static func probe(_ context: CommandContext, _ session: AWSSession, topic: String, subscriptions: [SNSSubscription], message: String,
                      attributes: [(name: String, value: MessageAttributeValue)], timeout: Double) async throws -> [Route]
    {
        let tag = UUID().uuidString.lowercased()
        var queues: [(name: String, url: String)] = []
        for sub in subscriptions {
            let name = QueueURL.nameFromArn(sub.endpoint)
            queues.append((name, try await session.sqs.getQueueUrl(name)))
        }
        let probeAttributes = attributes + [(name: "fanout_probe", value: MessageAttributeValue(dataType: "String", stringValue: tag))]
        let messageId = try await session.sns.publish(topicArn: topic, SNSMessage(message: message, attributes: probeAttributes,
                                                                                     messageGroupId: context.args.string("group-id"),
                                                                                     messageDeduplicationId: topic.hasSuffix(".fifo") ? tag : nil))
        context.status("published probe \(messageId); watching \(queues.count) queue(s) for up to \(JSONValue.format(timeout)) s")
        let sqs = session.sqs
        let found = try await withThrowingTaskGroup(of: (String, Bool).self) { group in
            for (name, url) in queues {
                group.addTask {
                    let deadline = DispatchTime.now().uptimeNanoseconds + UInt64(timeout * 1e9)
                    while DispatchTime.now().uptimeNanoseconds < deadline {
                        let batch = try await sqs.receiveMessages(url, max: 10, waitSeconds: 1, visibilityTimeout: 30)
                        let probe = batch.first { m in
                            ConsumedMessage(m).messageId == messageId || m.messageAttributes.contains { $0.name == "fanout_probe" && $0.value.stringValue == tag }
                        }
                        let others = batch.filter { $0.receiptHandle != probe?.receiptHandle }.map(\.receiptHandle)
                        if !others.isEmpty { try await DeadLetters.release(sqs: sqs, queueURL: url, handles: others) }
                        if let probe {
                            _ = try await sqs.deleteMessageBatch(url, [(id: "0", receiptHandle: probe.receiptHandle)])
                            return (name, true)
                        }
                    }
                    return (name, false)
                }
            }
            var seen: [String: Bool] = [:]
            for try await (name, hit) in group { seen[name] = hit }
            return seen
        }
        return queues.map { q in
            let hit = found[q.name] ?? false
            return Route(queue: q.name, queueURL: q.url, reached: hit,
                         why: hit ? "probe arrived (deleted)" : "not seen in \(JSONValue.format(timeout)) s (filtered out, delayed, or taken by a consumer first)")
        }
    }
}
