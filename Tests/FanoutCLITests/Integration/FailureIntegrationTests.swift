import Foundation
import Testing
@testable import FanoutKit

/// The failure path against moto: inspect, client-side redrive (standard and FIFO), --filter, SIGKILL safety,
/// alarms and verify.
@Suite struct FailureIntegrationTests {
    /// A message body that must survive byte for byte.
    static let trickyBody = "{\"text\": \"dlq \\\"quoted\\\" é 日本 😀\"}\n  trailing spaces  \t+*~/=%20"

    static func attributes() -> [(name: String, value: MessageAttributeValue)] {
        [("event_type", MessageAttributeValue(dataType: "String", stringValue: "order.created")),
         ("amount", MessageAttributeValue(dataType: "Number", stringValue: "42.5")),
         ("blob", MessageAttributeValue(dataType: "Binary", binaryValueBase64: "AAECA/8=")),
         ("custom", MessageAttributeValue(dataType: "String.custom", stringValue: "x"))]
    }

    static func sameAttributes(_ a: [(name: String, value: MessageAttributeValue)], _ b: [(name: String, value: MessageAttributeValue)]) -> Bool {
        Dictionary(uniqueKeysWithValues: a.map { ($0.name, $0.value) }) == Dictionary(uniqueKeysWithValues: b.map { ($0.name, $0.value) })
    }

    @Test func inspectShowsAndLeavesTheMessage() async throws {
        let stack = try MotoStack.workflow()
        let dlq = try stack.dlqURLs()[0]
        let moto = stack.clients
        _ = try await moto.sqs.sendMessage(dlq, SQSOutgoingMessage(id: "1", body: #"{"text": "broken order"}"#, messageAttributes: Self.attributes()))
        let inspected = try stack.run(["dlq", "inspect", "1", "-o", "json"])
        #expect(inspected.status == 0, "\(inspected)")
        let record = try JSONValue.parse(inspected.stdout)[0]
        #expect(record?["bodyJSON"]?["text"]?.string == "broken order")
        #expect(record?["attributes"]?["event_type"]?["value"]?.string == "order.created")
        #expect(record?["attributes"]?["amount"]?["type"]?.string == "Number")
        #expect(record?["receiveCount"]?.int == 1)
        #expect(record?["sourceQueues"]?[0]?.string == "\(stack.name)-queue-1")
        #expect(inspected.stderr.contains("a peek is a receive"))
        let table = try stack.run(["dlq", "inspect", "1"])
        #expect(table.stdout.contains("\"text\": \"broken order\""))
        // Still there, visible again at once.
        let list = try JSONValue.parse(try stack.run(["dlq", "-o", "json"]).stdout)
        #expect(list[0]?["visible"]?.int == 1)
        #expect(list[0]?["inFlight"]?.int == 0)
    }

    @Test func clientSideRedriveKeepsBodyAndAttributes() async throws {
        let stack = try MotoStack.workflow()
        let (queue, dlq) = (try stack.queueURLs()[0], try stack.dlqURLs()[0])
        let moto = stack.clients
        _ = try await moto.sqs.sendMessage(dlq, SQSOutgoingMessage(id: "1", body: Self.trickyBody, messageAttributes: Self.attributes()))
        let moved = try stack.run(["dlq", "redrive", "1", "--yes", "-o", "json"])
        #expect(moved.status == 0, "\(moved)")
        #expect(moved.stderr.contains("no SQS message move tasks"), "moto has none: said on stderr")
        #expect(try JSONValue.parse(moved.stdout)["moved"]?.int == 1)
        let back = try await moto.sqs.receiveMessages(queue, max: 10, visibilityTimeout: 0)
        #expect(back.count == 1)
        #expect(back.first?.body == Self.trickyBody)
        #expect(Self.sameAttributes(back.first?.messageAttributes ?? [], Self.attributes()))
        #expect(try JSONValue.parse(try stack.run(["dlq", "-o", "json"]).stdout)[0]?["visible"]?.int == 0)
        // consume then persists it.
        #expect(try stack.run(["consume", "--queue", "1", "--until-idle", "2", "--wait", "1"]).status == 0)
        #expect(try stack.run(["scan", "--consumer", "consumer_1", "--expect", "1"]).status == 0)
    }

    @Test func fifoRedriveKeepsGroupAndDeduplicationIds() async throws {
        let moto = MotoClients(endpoint: try Fanout.endpoint())
        let name = uniqueName("fifo")
        let dlq = try await moto.sqs.createQueue("\(name)-dlq.fifo", attributes: ["FifoQueue": "true"])
        let target = try await moto.sqs.createQueue("\(name).fifo", attributes: ["FifoQueue": "true"])
        for i in 1...3 {
            _ = try await moto.sqs.sendMessage(dlq, SQSOutgoingMessage(id: "\(i)", body: "\(Self.trickyBody) #\(i)", messageAttributes: Self.attributes(),
                                                                       messageGroupId: "group-\(i % 2)", messageDeduplicationId: "dedup-\(i)"))
        }
        let home = try TempDir()
        let env = try Fanout.motoEnvironment(home: home.path)
        let moved = try Fanout.run(["dlq", "redrive", dlq, "--to", target, "--yes", "-o", "json"], environment: env)
        #expect(moved.status == 0, "\(moved)")
        #expect(try JSONValue.parse(moved.stdout)["moved"]?.int == 3)
        var received: [SQSMessage] = []
        for _ in 0..<5 where received.count < 3 { received += try await moto.sqs.receiveMessages(target, max: 10, visibilityTimeout: 60) }
        #expect(received.count == 3)
        for m in received {
            let i = Int(m.body.split(separator: "#").last ?? "") ?? 0
            #expect(m.body == "\(Self.trickyBody) #\(i)")
            #expect(m.attributes["MessageGroupId"] == "group-\(i % 2)")
            #expect(m.attributes["MessageDeduplicationId"] == "dedup-\(i)")
            #expect(Self.sameAttributes(m.messageAttributes, Self.attributes()))
        }
    }

    @Test func filterMovesOnlyMatchesAndDryRunMovesNothing() async throws {
        let stack = try MotoStack.workflow()
        let (queue, dlq) = (try stack.queueURLs()[0], try stack.dlqURLs()[0])
        let moto = stack.clients
        for i in 1...6 {
            // SNS envelopes, as a non-raw subscription delivers them: the filter sees the published message.
            let message = JSONValue.object([("kind", .string(i % 2 == 0 ? "retry" : "poison")), ("n", .number(Double(i)))]).serialized()
            let envelope = JSONValue.object([("Type", "Notification"), ("MessageId", .string("m\(i)")), ("Message", .string(message))]).serialized()
            _ = try await moto.sqs.sendMessage(dlq, SQSOutgoingMessage(id: "\(i)", body: envelope))
        }
        let dry = try stack.run(["dlq", "redrive", "1", "--dry-run", "--filter", ".kind == \"retry\"", "-o", "json"])
        #expect(dry.status == 0, "\(dry)")
        #expect(try JSONValue.parse(dry.stdout)["wouldMove"]?.int == 3)
        #expect(try JSONValue.parse(dry.stdout)["moved"]?.int == 0)
        #expect(try JSONValue.parse(try stack.run(["dlq", "-o", "json"]).stdout)[0]?["visible"]?.int == 6, "dry run leaves all six visible")
        let moved = try stack.run(["dlq", "redrive", "1", "--filter", ".kind == \"retry\"", "--yes", "-o", "json"])
        #expect(moved.status == 0, "\(moved)")
        let report = try JSONValue.parse(moved.stdout)
        #expect(report["moved"]?.int == 3)
        #expect(report["skipped"]?.int == 3)
        let back = try await moto.sqs.receiveMessages(queue, max: 10, visibilityTimeout: 60)
        #expect(Set(back.map { ConsumedMessage($0).messageId }) == ["m2", "m4", "m6"])
        #expect(try JSONValue.parse(try stack.run(["dlq", "-o", "json"]).stdout)[0]?["visible"]?.int == 3, "the skipped stay, visible again")
        let bad = try stack.run(["dlq", "redrive", "1", "--filter", ".kind ==", "--yes"])
        #expect(bad.status == 252)
        let noYes = try stack.run(["dlq", "redrive", "1"])
        #expect(noYes.status == 252, "off a terminal a redrive needs --yes")
    }

    /// SIGKILL at random points, 20 times, over a DLQ of 200 messages: every message is still in the DLQ, the target,
    /// or both — never neither. Duplicates (in both) are counted and reported. The first kill waits until a move has
    /// visibly started (however slowly the binary starts on a loaded machine), so at least one kill lands mid-move;
    /// the other nineteen land at random points, from before the first request to well into the move.
    @Test func sigkillNeverLosesAMessage() async throws {
        let moto = MotoClients(endpoint: try Fanout.endpoint())
        let name = uniqueName("kill")
        let dlq = try await moto.sqs.createQueue("\(name)-dlq", attributes: [:])
        let target = try await moto.sqs.createQueue(name, attributes: [:])
        for start in stride(from: 0, to: 200, by: 10) {
            let result = try await moto.sqs.sendMessageBatch(dlq, (start..<start + 10).map { SQSOutgoingMessage(id: "\($0)", body: "message-\($0)") })
            #expect(result.failed.isEmpty)
        }
        let home = try TempDir()
        let env = try Fanout.motoEnvironment(home: home.path)
        var generator = SystemRandomNumberGenerator()
        for round in 0..<20 {
            let redrive = try Fanout.start(["dlq", "redrive", dlq, "--to", target, "--client-side", "--yes", "-q"], environment: env)
            if round == 0 {
                try await eventually("a first message moved to the target", timeout: 60, interval: 0.05,
                                     { try await moto.sqs.depth(target) }, until: { $0 > 0 || !redrive.isRunning })
            }
            try await Task.sleep(nanoseconds: UInt64(Double.random(in: 0.02...0.6, using: &generator) * 1e9))
            redrive.signal(SIGKILL)
            _ = try redrive.wait(timeout: 60)
        }
        let inDLQ = try await moto.sqs.depth(dlq), inTarget = try await moto.sqs.depth(target)
        // What reached the target is the original messages, nothing else.
        var bodies: [String] = []
        for _ in 0..<40 {
            let batch = try await moto.sqs.receiveMessages(target, max: 10, visibilityTimeout: 300)
            if batch.isEmpty { break }
            bodies += batch.map(\.body)
        }
        let duplicates = inDLQ + inTarget - 200
        print("sigkill test: \(inDLQ) in the DLQ, \(inTarget) in the target, \(duplicates) duplicate(s) (in both), \(Set(bodies).count) distinct moved")
        #expect(inDLQ + inTarget >= 200, "a message was lost: \(inDLQ) + \(inTarget) < 200")
        #expect(bodies.count == inTarget, "every message in the target was read back: \(bodies.count) of \(inTarget)")
        #expect(bodies.allSatisfy { $0.hasPrefix("message-") })
        #expect(Set(bodies).count + inDLQ >= 200, "every original is in the target or still in the DLQ")
        #expect(inTarget > 0, "the kills should leave some messages moved")
    }

    @Test func alarmsExpectJudgesTheLiveVerdict() async throws {
        let stack = try MotoStack.workflow()
        #expect(try stack.run(["alarms", "--live", "--expect", "OK"]).status == 0)
        let dlq = try stack.dlqURLs()[1]
        _ = try await stack.clients.sqs.sendMessage(dlq, SQSOutgoingMessage(id: "1", body: "dead"))
        let notOK = try stack.run(["alarms", "--live", "--expect", "OK"])
        #expect(notOK.status == 1, "\(notOK)")
        #expect(notOK.stderr.contains("\(stack.name)-queue-2 is ALARM"))
        let json = try JSONValue.parse(try stack.run(["alarms", "--live", "-o", "json"]).stdout).array ?? []
        #expect(json.first { $0["queue"]?.string == "\(stack.name)-queue-2-dlq" }?["liveState"]?.string == "ALARM")
        #expect(json.first { $0["queue"]?.string == "\(stack.name)-queue-2-dlq" }?["liveValue"]?.int == 1)
        // CloudWatch's own state on moto never changes: without --live, OK holds.
        #expect(try stack.run(["alarms", "--expect", "OK"]).status == 0)
        let waited = try stack.run(["alarms", "--live", "--wait", "OK", "--timeout", "1", "--interval", "0.5"])
        #expect(waited.status == 1)
    }

    @Test func verifyPassesWhenHealthyAndFailsWhenAConsumerIsBroken() throws {
        let stack = try MotoStack.workflow(visibility: 1)
        // verify returns as soon as every step holds: 90 s is only the deadline, generous for a loaded machine.
        let healthy = try stack.run(["verify", "--consume", "--dlq-test", "--interval", "0.5", "--timeout", "90", "-o", "json"])
        #expect(healthy.status == 0, "\(healthy)")
        let steps = try JSONValue.parse(healthy.stdout)["steps"]?.array ?? []
        #expect(steps.count == 7)
        #expect(steps.allSatisfy { $0["passed"]?.bool == true })
        let broken = try stack.run(["verify", "--consume", "--fail-queue", "2", "--interval", "0.5", "--timeout", "15", "-o", "json"])
        #expect(broken.status == 1, "\(broken)")
        let failed = (try JSONValue.parse(broken.stdout)["steps"]?.array ?? []).filter { $0["passed"]?.bool == false }.compactMap { $0["step"]?.string }
        #expect(failed.contains("one record per consumer (Test 1)"))
        let idle = try stack.run(["verify", "--interval", "0.5", "--timeout", "2"])
        #expect(idle.status == 1)
        #expect(idle.stderr.contains("no consumer seems to be running"))
    }
}
