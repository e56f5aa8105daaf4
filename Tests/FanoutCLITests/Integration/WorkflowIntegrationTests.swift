import Foundation
import Testing
@testable import FanoutKit

/// Seed 000's workflow through the built binary against moto: stack up, publish, consume, scan, poll.
@Suite struct WorkflowIntegrationTests {
    @Test func stackUpIsIdempotentAndDownRemovesEverything() throws {
        let stack = try MotoStack.workflow()
        let second = try stack.run(["stack", "up", "--spec", stack.specPath, "-o", "json"])
        #expect(second.status == 0, "\(second)")
        let changes = try JSONValue.parse(second.stdout)["changes"]?.array ?? []
        #expect(changes.count == 14)
        #expect(changes.allSatisfy { $0["action"]?.string == "found" }, "\(second.stdout)")
        let outputs = try JSONValue.parse(String(contentsOfFile: stack.outputs, encoding: .utf8))
        #expect(outputs["queues"]?.array?.count == 3)
        #expect(outputs["dlqs"]?[0]?["url"]?.string?.hasSuffix("\(stack.name)-queue-1-dlq") == true)
        #expect(outputs["sns_topic_arn"]?.string?.hasSuffix(":\(stack.name)-topic") == true)
        let status = try stack.run(["stack", "status"])
        #expect(status.status == 0, "\(status)")
        let refused = try stack.run(["stack", "down"])
        #expect(refused.status == 252, "\(refused)")
        let down = try stack.run(["stack", "down", "--yes", "-o", "json"])
        #expect(down.status == 0, "\(down)")
        #expect((try JSONValue.parse(down.stdout)["changes"]?.array ?? []).allSatisfy { $0["action"]?.string == "deleted" })
        let after = try stack.run(["stack", "status"])
        #expect(after.status == 1, "\(after)")
    }

    @Test func publishConsumeScanGivesOneRecordPerConsumer() throws {
        let stack = try MotoStack.workflow()
        let marker = uniqueName("fanout-test")
        let published = try stack.run(["publish", #"{"text": "\#(marker)"}"#])
        #expect(published.status == 0, "\(published)")
        #expect(published.stdout.split(separator: "\n").count == 1)
        let polled = try stack.run(["poll", "--once", "-o", "json"])
        #expect(polled.status == 0)
        let queues = try JSONValue.parse(polled.stdout)["queues"]?.array ?? []
        #expect(queues.filter { $0["kind"]?.string == "queue" }.allSatisfy { $0["visible"]?.int == 1 }, "\(polled.stdout)")
        let consumed = try stack.run(["consume", "--until-idle", "2", "--wait", "1", "-o", "json"])
        #expect(consumed.status == 0, "\(consumed)")
        let events = consumed.stdout.split(separator: "\n").compactMap { try? JSONValue.parse(String($0)) }
        #expect(Set(events.compactMap { $0["consumer"]?.string }) == ["consumer_1", "consumer_2", "consumer_3"])
        let scanned = try stack.run(["scan", "--contains", marker, "--expect", "3", "-o", "json"])
        #expect(scanned.status == 0, "\(scanned)")
        let records = try JSONValue.parse(scanned.stdout).array ?? []
        #expect(Set(records.compactMap { $0["consumer"]?.string }) == ["consumer_1", "consumer_2", "consumer_3"])
        #expect(Set(records.compactMap { $0["messageId"]?.string }).count == 1)
        let wrong = try stack.run(["scan", "--contains", marker, "--expect", "4"])
        #expect(wrong.status == 1)
        let drained = try stack.run(["poll", "--until-drained", "--interval", "0.5", "--timeout", "10"])
        #expect(drained.status == 0, "\(drained)")
    }

    /// The same SNS message delivered twice (an at-least-once redelivery) still makes one record per consumer.
    @Test func duplicateDeliveryMakesOneRecord() async throws {
        let stack = try MotoStack.workflow()
        let queue = try stack.queueURLs()[0]
        let moto = stack.clients
        let envelope = #"{"Type": "Notification", "MessageId": "dup-1", "TopicArn": "t", "Message": "twice"}"#
        _ = try await moto.sqs.sendMessage(queue, SQSOutgoingMessage(id: "a", body: envelope))
        _ = try await moto.sqs.sendMessage(queue, SQSOutgoingMessage(id: "b", body: envelope))
        let consumed = try stack.run(["consume", "--queue", "1", "--until-idle", "2", "--wait", "1", "-o", "json"])
        #expect(consumed.status == 0, "\(consumed)")
        let outcomes = consumed.stdout.split(separator: "\n").compactMap { try? JSONValue.parse(String($0))["outcome"]?.string }.sorted()
        #expect(outcomes == ["duplicate", "persisted"])
        let scanned = try stack.run(["scan", "--contains", "twice", "--expect", "1"])
        #expect(scanned.status == 0, "\(scanned)")
    }

    /// Seed Test 4: consumer 1 fails, the message reaches DLQ 1 after three receives; consumers 2 and 3 persist it.
    @Test func failingConsumerSendsTheMessageToItsDLQ() throws {
        let stack = try MotoStack.workflow(visibility: 1)
        let marker = uniqueName("dlq-test")
        #expect(try stack.run(["publish", #"{"text": "\#(marker)"}"#]).status == 0)
        // The failed message reappears after its 1 s visibility; stopping after 5 idle seconds leaves room for a slow moto.
        let consumed = try stack.run(["consume", "--fail-queue", "1", "--fail-when", ".text | startswith(\"dlq-test\")", "--until-idle", "5", "--wait", "1", "-o", "json"])
        #expect(consumed.status == 0, "\(consumed)")
        let failures = consumed.stdout.split(separator: "\n").compactMap { try? JSONValue.parse(String($0)) }.filter { $0["outcome"]?.string == "failed" }
        #expect(failures.count == 3)
        #expect(failures.allSatisfy { $0["consumer"]?.string == "consumer_1" })
        let queues = try JSONValue.parse(try stack.run(["queues", "-o", "json"]).stdout).array ?? []
        #expect(queues.first { $0["name"]?.string == "\(stack.name)-queue-1-dlq" }?["visible"]?.int == 1)
        let scanned = try stack.run(["scan", "--contains", marker, "-o", "json"])
        #expect(Set((try JSONValue.parse(scanned.stdout).array ?? []).compactMap { $0["consumer"]?.string }) == ["consumer_2", "consumer_3"])
    }

    @Test func pollTimesOutWithExit1() throws {
        let stack = try MotoStack.workflow()
        #expect(try stack.run(["publish", "waiting"]).status == 0)
        let timedOut = try stack.run(["poll", "--until-drained", "--interval", "0.5", "--timeout", "1"])
        #expect(timedOut.status == 1, "\(timedOut)")
        #expect(timedOut.stderr.contains("timed out"))
        #expect(timedOut.stdout.contains("Delayed: 0 | InFlight: 0 | Visible: 1"))
    }

    @Test func badPublishInputFailsBeforeSending() throws {
        let stack = try MotoStack.workflow()
        let big = try stack.home.write("big.txt", String(repeating: "x", count: 262_145))
        let oversize = try stack.run(["publish", "--file", big])
        #expect(oversize.status == 252, "\(oversize)")
        #expect(oversize.stderr.contains("256 KiB"))
        let badAttr = try stack.run(["publish", "--attr", "n:Number=abc", "x"])
        #expect(badAttr.status == 252)
        let fifoOnly = try stack.run(["publish", "--group-id", "g", "x"])
        #expect(fifoOnly.status == 252)
        let noTopic = try Fanout.run(["publish", "x", "--outputs", stack.home.path + "/none.json"], environment: stack.env)
        #expect(noTopic.status == 253)
        let queues = try JSONValue.parse(try stack.run(["queues", "-o", "json"]).stdout).array ?? []
        #expect(queues.allSatisfy { $0["visible"]?.int == 0 && $0["delayed"]?.int == 0 }, "nothing was sent")
        let batch = try stack.run(["publish"], stdin: (1...23).map { "line \($0)" }.joined(separator: "\n") + "\n")
        #expect(batch.status == 0, "\(batch)")
        #expect(batch.stdout.split(separator: "\n").count == 23)
    }

    @Test func ctrlCStopsPollWith130() throws {
        let stack = try MotoStack.workflow()
        let poll = try stack.start(["poll", "--interval", "0.5"])
        // The second report, not the first: poll is then surely in its loop, with its Ctrl-C handling in place.
        try poll.waitForStdout(containing: "Delayed: 0 | InFlight: 0 | Visible: 0", times: 2)
        poll.signal(SIGINT)
        let result = try poll.wait()
        #expect(result.exited, "\(result)")
        #expect(result.status == 130, "\(result)")
        #expect(result.stdout.contains("Delayed: 0 | InFlight: 0 | Visible: 0"))
    }

    /// SIGTERM while consuming 1,002 messages (334 published × 3 queues): what was persisted is deleted, nothing is lost,
    /// and the exit status is 130. The signal is sent once the consumer has reported some messages, so it lands
    /// mid-run however slow the machine is.
    @Test func sigtermStopsConsumeWithoutLosingMessages() async throws {
        let stack = try MotoStack.workflow(visibility: 1)
        let marker = uniqueName("term")
        #expect(try stack.run(["publish", "--count", "334", #"{"text": "\#(marker)-{{seq}}"}"#]).status == 0)
        let consumer = try stack.start(["consume", "--wait", "1", "-o", "json"])
        try consumer.waitForStdoutLines(10)
        consumer.signal(SIGTERM)
        let result = try consumer.wait()
        #expect(result.exited, "\(result)")
        #expect(result.status == 130, "\(result)")
        let processed = result.stdout.split(separator: "\n").count
        #expect(processed >= 10 && processed < 1002, "the signal should land mid-run: \(processed) processed")
        // Every message is either recorded (and gone from its queue) or still in its queue: consume the rest. Close to
        // a thousand messages take minutes when moto shares a loaded 2-core machine: a 10-minute deadline.
        let rest = try stack.run(["consume", "--until-idle", "3", "--wait", "1"], timeout: 600)
        #expect(rest.status == 0, "\(rest)")
        let scanned = try stack.run(["scan", "--contains", marker, "--expect", "1002"])
        #expect(scanned.status == 0, "\(scanned)")
    }
}
