import Foundation
import Testing
@testable import FanoutKit

/// Routing, FIFO and the Lambda contract against moto: filter policies (dry and live), raw delivery, the order
/// pipeline example, FIFO order and deduplication, and `consume --exec`.
@Suite struct RoutingIntegrationTests {
    @Test func orderPipelineRoutesSeed001Events() throws {
        var spec = try MotoStack.example("order-pipeline.json")
        spec = spec.setting("visibilityTimeout", 5).setting("receiveWaitTimeSeconds", 1)
        let stack = try MotoStack(spec)
        let cases: [(String, Set<String>)] = [
            ("order.created", ["payment-queue", "inventory-queue", "notification-queue", "analytics-queue"]),
            ("order.cancelled", ["inventory-queue", "notification-queue", "analytics-queue"]),
            ("order.refunded", ["payment-queue", "notification-queue", "analytics-queue"]),
            ("payment.completed", ["notification-queue", "analytics-queue"]),
        ]
        for (event, expected) in cases {
            let args = ["--attr", "event_type=\(event)", #"{"order_id": "o-1"}"#]
            let dry = try stack.reached(["--dry"] + args)
            #expect(dry == expected, "dry \(event)")
            // --timeout: how long the probe watches each queue. moto delivers during the publish, so a hit is seen at once
            // and only the queues that are not reached wait it out; 6 s is generous for a loaded machine.
            let live = try stack.reached(["--timeout", "6"] + args)
            #expect(live == expected, "live \(event)")
        }
        // --expect holds and fails as it should.
        #expect(try stack.run(["route", "--dry", "--attr", "event_type=order.cancelled", "{}", "--expect",
                               [stack.unique("inventory-queue"), stack.unique("notification-queue"), stack.unique("analytics-queue")].joined(separator: ",")]).status == 0)
        let wrong = try stack.run(["route", "--dry", "--attr", "event_type=order.cancelled", "{}", "--expect", stack.unique("payment-queue")])
        #expect(wrong.status == 1)
        #expect(wrong.stderr.contains("not reached"))
    }

    /// Each operator: the local evaluation (--dry) and moto's delivery (live) agree.
    @Test func dryEvaluationAndLiveDeliveryAgree() throws {
        let spec: JSONValue = [
            "name": "ops", "delaySeconds": 0, "visibilityTimeout": 5, "receiveWaitTimeSeconds": 1, "alarms": false,
            "queues": [
                ["name": "exact", "filterPolicy": ["color": ["red", "blue"]]],
                ["name": "prefix", "filterPolicy": ["sku": [["prefix": "AB-"]]]],
                ["name": "anything-but", "filterPolicy": ["color": [["anything-but": ["red"]]]]],
                ["name": "numeric", "filterPolicy": ["amount": [["numeric": [">", 10, "<=", 100]]]]],
                ["name": "absent", "filterPolicy": ["color": [["exists": false]]]],
                ["name": "body", "filterPolicyScope": "MessageBody", "filterPolicy": ["order": ["status": ["paid"]]]],
            ],
        ]
        let stack = try MotoStack(spec)
        let messages: [[String]] = [
            ["--attr", "color=red", "--attr", "amount:Number=50", #"{"order": {"status": "paid"}}"#],
            ["--attr", "color=green", "--attr", "sku=AB-123", "--attr", "amount:Number=5", #"{"order": {"status": "new"}}"#],
            ["--attr", "sku=XY-1", "--attr", "amount:Number=100", #"{"order": {"status": "paid"}}"#],
        ]
        for args in messages {
            let dry = try stack.reached(["--dry"] + args)
            let live = try stack.reached(["--timeout", "6"] + args)
            #expect(dry == live, "\(args): dry \(dry.sorted()) vs live \(live.sorted())")
            #expect(!dry.isEmpty)
        }
    }

    @Test func rawDeliveryGivesTheBareBody() async throws {
        let stack = try MotoStack(["name": "raw", "delaySeconds": 0, "alarms": false,
                                   "queues": [["name": "enveloped"], ["name": "bare", "rawMessageDelivery": true]]])
        let body = #"{"text": "raw é"}"#
        #expect(try stack.run(["publish", "--attr", "kind=test", body]).status == 0)
        let urls = try stack.queueURLs()
        let moto = stack.clients
        let enveloped = try await moto.sqs.receiveMessages(urls[0], max: 1, visibilityTimeout: 0)
        let bare = try await moto.sqs.receiveMessages(urls[1], max: 1, visibilityTimeout: 0)
        #expect(bare.first?.body == body)
        #expect(bare.first?.messageAttributes.first { $0.name == "kind" }?.value.stringValue == "test")
        #expect(try JSONValue.parse(enveloped.first?.body ?? "")["Type"]?.string == "Notification")
        #expect(ConsumedMessage(enveloped[0]).body == body)
        // consume handles both shapes: two records with the same body.
        #expect(try stack.run(["consume", "--until-idle", "2", "--wait", "1"]).status == 0)
        let records = try JSONValue.parse(try stack.run(["scan", "-o", "json"]).stdout).array ?? []
        #expect(records.count == 2)
        #expect(records.allSatisfy { $0["body"]?.string == body })
    }

    @Test func fifoKeepsOrderAndDeduplicates() async throws {
        var spec = try MotoStack.example("fifo.json")
        spec = spec.setting("visibilityTimeout", 5)
        let stack = try MotoStack(spec)
        let noGroup = try stack.run(["publish", "x"])
        #expect(noGroup.status == 252, "a FIFO topic needs --group-id")
        for n in 1...3 { #expect(try stack.run(["publish", "--group-id", "g1", #"{"n": \#(n)}"#]).status == 0) }
        // A producer retry (same deduplication id) within the deduplication window is delivered once. (With
        // content-based deduplication alone, moto deduplicates only raw deliveries: each SNS envelope differs.)
        #expect(try stack.run(["publish", "--group-id", "g2", "--dedup-id", "dup-1", #"{"dup": true}"#]).status == 0)
        #expect(try stack.run(["publish", "--group-id", "g2", "--dedup-id", "dup-1", #"{"dup": true}"#]).status == 0)
        let depths = try JSONValue.parse(try stack.run(["queues", "-o", "json"]).stdout).array ?? []
        #expect(depths.filter { $0["kind"]?.string == "queue" }.allSatisfy { $0["visible"]?.int == 4 }, "\(depths)")
        let consumed = try stack.run(["consume", "--queue", "1", "--until-idle", "2", "--wait", "1"])
        #expect(consumed.status == 0, "\(consumed)")
        let records = (try JSONValue.parse(try stack.run(["scan", "--consumer", "consumer_1", "-o", "json"]).stdout).array ?? [])
            .filter { $0["body"]?.string?.contains("\"n\"") == true }
        // scan sorts by processed_at: the order of processing.
        #expect(records.compactMap { try? JSONValue.parse($0["body"]?.string ?? "")["n"]?.int } == [1, 2, 3])
    }

    /// A failure stops the rest of its FIFO group: message 3 waits until message 2 has left (for the DLQ).
    @Test func aFailureStopsItsFIFOGroup() throws {
        var spec = try MotoStack.example("fifo.json")
        spec = spec.setting("visibilityTimeout", 1).setting("queues", [["name": "ordered"]])
        let stack = try MotoStack(spec)
        for n in 1...3 { #expect(try stack.run(["publish", "--group-id", "g", #"{"n": \#(n)}"#]).status == 0) }
        // Message 2 reappears after each 1 s visibility; stopping after 5 idle seconds leaves room for a slow moto.
        let consumed = try stack.run(["consume", "--fail-when", ".n == 2", "--until-idle", "5", "--wait", "1", "-o", "json"])
        #expect(consumed.status == 0, "\(consumed)")
        let events = consumed.stdout.split(separator: "\n").compactMap { try? JSONValue.parse(String($0)) }
        let stopped = events.filter { $0["reason"]?.string == "an earlier message of its group failed" }
        #expect(!stopped.isEmpty, "message 3 was held back while message 2 failed")
        let records = (try JSONValue.parse(try stack.run(["scan", "-o", "json"]).stdout).array ?? [])
            .compactMap { try? JSONValue.parse($0["body"]?.string ?? "")["n"]?.int }
        #expect(records == [1, 3], "1 first, 3 only after 2 went to the DLQ")
        #expect(try JSONValue.parse(try stack.run(["dlq", "-o", "json"]).stdout)[0]?["visible"]?.int == 1)
    }

    /// --exec with examples/handler.py: partial batch failures delete exactly the successes; a poison message
    /// reaches the DLQ after maxReceiveCount while its batch siblings are handled once.
    @Test func execHandlerPartialFailuresAndPoison() throws {
        let stack = try MotoStack(["name": "exec", "delaySeconds": 0, "visibilityTimeout": 2, "receiveWaitTimeSeconds": 1, "queueCount": 1, "alarms": false])
        for p in [#"{"n": 1}"#, #"{"n": 2, "poison": true}"#, #"{"n": 3}"#, #"{"n": 4}"#] {
            #expect(try stack.run(["publish", p]).status == 0)
        }
        let log = stack.home.path + "/handler.log"
        let handler = "python3 " + MotoStack.repository.appendingPathComponent("examples/handler.py").path
        // The poison reappears after each failure; stopping after 5 idle seconds leaves room for a slow moto.
        let result = try Fanout.run(["consume", "--exec", handler, "--backoff", "0", "--until-idle", "5", "--wait", "1", "-o", "json", "--outputs", stack.outputs],
                                    environment: stack.env.merging(["HANDLER_LOG": log]) { $1 })
        #expect(result.status == 0, "\(result)")
        let handled = try String(contentsOfFile: log, encoding: .utf8).split(separator: "\n").compactMap { try? JSONValue.parse(String($0)) }
        #expect(handled.compactMap { $0["payload"]?["n"]?.int }.sorted() == [1, 3, 4], "each sibling handled exactly once")
        let events = result.stdout.split(separator: "\n").compactMap { try? JSONValue.parse(String($0)) }
        #expect(events.filter { $0["outcome"]?.string == "failed" }.count == 3, "the poison fails on each of its 3 receives")
        #expect(events.filter { $0["outcome"]?.string == "handled" }.count == 3)
        let dlq = try JSONValue.parse(try stack.run(["dlq", "-o", "json"]).stdout).array ?? []
        #expect(dlq.first?["visible"]?.int == 1)
        let queue = try JSONValue.parse(try stack.run(["queues", "-o", "json"]).stdout).array ?? []
        #expect(queue.first?["visible"]?.int == 0 && queue.first?["inFlight"]?.int == 0)
    }

    @Test func execExitStatusTimeoutAndHeartbeat() async throws {
        let stack = try MotoStack(["name": "hb", "delaySeconds": 0, "visibilityTimeout": 2, "receiveWaitTimeSeconds": 1, "queueCount": 1, "maxReceiveCount": 5, "alarms": false])
        let url = try stack.queueURLs()[0]
        let moto = stack.clients
        // A non-zero exit fails the whole batch: nothing is deleted, the message backs off (30 s hidden).
        _ = try await moto.sqs.sendMessage(url, SQSOutgoingMessage(id: "1", body: "a"))
        let failing = try interruptedOnceSeen("handler exited 3", ["consume", "--exec", "cat >/dev/null; exit 3", "--backoff", "30", "--wait", "0",
                                                                  "-o", "json", "--outputs", stack.outputs], env: stack.env)
        #expect(failing.contains("handler exited 3"), "\(failing)")
        let hidden = try await moto.sqs.getQueueAttributes(url, names: ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"])
        #expect(hidden["ApproximateNumberOfMessagesNotVisible"] == "1" && hidden["ApproximateNumberOfMessages"] == "0", "backed off, not deleted: \(hidden)")
        // A handler that hangs is killed at --timeout, and its batch fails.
        let other = try await moto.sqs.createQueue(uniqueName("hang"), attributes: ["VisibilityTimeout": "30"])
        _ = try await moto.sqs.sendMessage(other, SQSOutgoingMessage(id: "1", body: "b"))
        let hung = try interruptedOnceSeen("timed out after 1 s", ["consume", "--queue", other, "--exec", "sleep 30", "--timeout", "1", "--backoff", "30",
                                                                   "--wait", "0", "-o", "json", "--outputs", stack.outputs], env: stack.env)
        #expect(hung.contains("timed out after 1 s"), "\(hung)")
        // Heartbeat: a handler still running past the 2 s visibility keeps its message hidden. The queue is sampled
        // while the consumer runs (blocking, so no sample is delayed by other tests): while the handler runs (it writes
        // its log line only when done) the message is never visible, and at least one such sample is taken well past
        // the visibility (2.5 s after the receive was surely done).
        let slow = try await moto.sqs.createQueue(uniqueName("slow"), attributes: ["VisibilityTimeout": "2"])
        _ = try await moto.sqs.sendMessage(slow, SQSOutgoingMessage(id: "1", body: #"{"sleep": 6}"#))
        let handler = "python3 " + MotoStack.repository.appendingPathComponent("examples/handler.py").path
        let log = stack.home.path + "/slow-handler.log"
        let consumer = try Fanout.start(["consume", "--queue", slow, "--exec", handler, "--until-idle", "1", "--wait", "0", "--outputs", stack.outputs],
                                        environment: stack.env.merging(["HANDLER_LOG": log]) { $1 })
        func handlerDone() -> Bool { ((try? FileManager.default.attributesOfItem(atPath: log)[.size] as? Int) ?? 0) > 0 }
        var receivedBy: Date?  // the end of the first sample that saw the message in flight: it was received before
        var samples: [(at: Double, visible: Int, inFlight: Int, handlerRan: Bool)] = []
        let deadline = Date().addingTimeInterval(90)
        while consumer.isRunning && Date() < deadline {
            let started = Date()
            let now = try queueCounts(slow, environment: stack.env)
            if receivedBy == nil && now.inFlight == 1 { receivedBy = Date() }
            // `at` is a lower bound of the time since the receive: from the receive at the latest to this sample's start.
            // Checked after the sample: a handler not done yet ran during the whole sample.
            if let receivedBy { samples.append((started.timeIntervalSince(receivedBy), now.visible, now.inFlight, !handlerDone())) }
            usleep(200_000)  // the sampling interval (blocking on purpose, see waitFor); each sample is judged by its own timestamps
        }
        let result = try consumer.wait()
        #expect(receivedBy != nil, "the consumer took the message: \(result)")
        #expect(samples.filter(\.handlerRan).allSatisfy { $0.visible == 0 }, "the message never became visible while its handler ran: \(samples)")
        #expect(samples.contains { $0.handlerRan && $0.at >= 2.5 && $0.inFlight == 1 }, "past the 2 s visibility, the message is still hidden: \(samples)")
        #expect(handlerDone(), "the handler finished its work")
        #expect(result.status == 0, "\(result)")
        #expect(try await moto.sqs.isEmpty(slow), "handled once and deleted")
    }

    /// Starts fanout, waits until its stdout shows `text`, sends SIGINT, and returns its stdout (it must exit 130).
    func interruptedOnceSeen(_ text: String, _ args: [String], env: [String: String], sourceLocation: SourceLocation = #_sourceLocation) throws -> String {
        let consumer = try Fanout.start(args, environment: env)
        try consumer.waitForStdout(containing: text)
        consumer.signal(SIGINT)
        let result = try consumer.wait()
        #expect(result.exited && result.status == 130, "\(result)", sourceLocation: sourceLocation)
        return result.stdout
    }

    @Test func specsAWSWouldRejectAreRefusedBeforeAnythingIsCreated() async throws {
        let home = try TempDir()
        let env = try Fanout.motoEnvironment(home: home.path)
        let name = uniqueName("bad")
        let cases: [(JSONValue, String)] = [
            (["name": .string(name), "queues": [["name": .string("\(name)-q.fifo")]]], "fifo"),
            (["name": .string(name), "queues": [["name": .string("\(name)-q"), "filterPolicy": ["a": "not-a-list"]]]], "filterPolicy"),
            (["name": .string(name), "queues": [["name": .string("\(name)-q"), "filterPolicy": [
                "a": ["1", "2", "3", "4", "5", "6"], "b": ["1", "2", "3", "4", "5", "6"], "c": ["1", "2", "3", "4", "5"]]]]], "filterPolicy"),
            (["name": .string(name), "contentBasedDeduplication": false], "FIFO"),
        ]
        for (spec, word) in cases {
            let path = try home.write("spec.json", spec.serialized())
            let r = try Fanout.run(["stack", "up", "--spec", path, "--outputs", home.path + "/o.json"], environment: env)
            #expect(r.status == 253, "\(spec.serialized()): \(r)")
            #expect(r.stderr.contains(word), "\(r.stderr)")
        }
        let urls = try await MotoClients(endpoint: try Fanout.endpoint()).sqs.listQueues(prefix: name)
        #expect(urls.isEmpty, "nothing was created")
    }

    @Test func subscriptionDLQIsCreatedAndWired() async throws {
        let stack = try MotoStack(["name": "sdlq", "delaySeconds": 0, "alarms": false, "queues": [["name": "events", "subscriptionDLQ": true]]])
        let outputs = try JSONValue.parse(String(contentsOfFile: stack.outputs, encoding: .utf8))
        let dlqURL = outputs["queues"]?[0]?["subscription_dlq_url"]?.string ?? ""
        #expect(dlqURL.hasSuffix(stack.unique("events") + "-sns-dlq"))
        #expect(outputs["dlqs"]?.array?.contains { $0["kind"]?.string == "subscription" } == true)
        let sub = outputs["queues"]?[0]?["subscription_arn"]?.string ?? ""
        let attributes = try await stack.clients.sns.getSubscriptionAttributes(sub)
        #expect(attributes["RedrivePolicy"]?.contains(stack.unique("events") + "-sns-dlq") == true, "\(attributes)")
        let list = try JSONValue.parse(try stack.run(["dlq", "-o", "json"]).stdout).array ?? []
        #expect(list.contains { $0["name"]?.string == stack.unique("events") + "-sns-dlq" && $0["sources"]?.array?.isEmpty == true })
    }
}

extension MotoStack {
    /// The queues a route run says were reached, with this stack's suffix removed.
    func reached(_ args: [String]) throws -> Set<String> {
        let r = try run(["route"] + args + ["-o", "json"])
        guard r.status == 0 else { throw TestSetupError("route failed: \(r)") }
        return Set((try JSONValue.parse(r.stdout).array ?? []).filter { $0["reached"]?.bool == true }
            .compactMap { $0["queue"]?.string?.replacingOccurrences(of: "-\(suffix)", with: "") })
    }
}
