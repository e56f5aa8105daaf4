import Foundation
import Synchronization
import Testing
@testable import FanoutKit

#if canImport(Glibc)
import Glibc
#endif

/// SIGTERM to a busy `fanout consume` with many workers on one queue: it exits promptly every time and loses
/// nothing (issue 17: a cancelled transfer's recycled curl handle used to leave another request hanging forever).
@Suite struct ConsumeSignalIntegrationTests {
    @Test func sigtermStopsSixteenWorkersWithinTwoSecondsEveryTime() async throws {
        let home = try TempDir()
        let env = try Fanout.motoEnvironment(home: home.path)
        // A plain queue (no redrive policy: receives cut short by the signal still count as receives, and must not
        // move messages to a DLQ) and a table of the consumers' shape. The visibility timeout outlasts a batch on
        // a busy moto, so a message is never handed to a second worker while the first still holds it.
        let moto = MotoClients(endpoint: try Fanout.endpoint())
        let name = uniqueName("term16")
        let queue = try await moto.sqs.createQueue(name, attributes: ["VisibilityTimeout": "20"])
        let table = name + "-messages"
        try await moto.dynamodb.createTable(table, hashKey: "consumer_id", rangeKey: "message_id")
        let consumeArguments = ["consume", "--table", table, "--wait", "1", "-o", "json"]
            + Array(repeating: ["--queue", queue], count: 16).flatMap { $0 }

        let marker = uniqueName("sig")
        let rounds = 20, perRound = 30
        var published = 0
        var exitTimes: [Double] = []
        for round in 0..<rounds {
            for start in stride(from: 0, to: perRound, by: 10) {
                let batch = (start..<min(start + 10, perRound)).map { SQSOutgoingMessage(id: "m\($0)", body: "\(marker)-\(round)-\($0)") }
                let sent = try await moto.sqs.sendMessageBatch(queue, batch)
                try #require(sent.failed.isEmpty, "set-up: SendMessageBatch failed for \(sent.failed.count) message(s)")
                published += batch.count
            }

            let consume = try Fanout.start(consumeArguments, environment: env)
            try consume.waitForStderr(containing: "consuming ", timeout: 30)
            // Every other round, wait until messages are being handled, so the signal lands mid-batch.
            if round.isMultiple(of: 2) {
                try? consume.waitForStdout(containing: "\"outcome\"", timeout: 10)
            }
            let signalled = ContinuousClock.now
            consume.signal(SIGTERM)
            // Waits past the 2 s bound, so a slow exit and one that never comes are told apart.
            let status = (try? consume.wait(timeout: 15))?.status
            let elapsed = ContinuousClock.now - signalled
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            exitTimes.append(seconds)
            guard let status else {
                Issue.record("round \(round): consume with 16 workers still ran 15 s after SIGTERM")
                break
            }
            #expect(seconds < 2, "round \(round): consume with 16 workers took \(seconds) s to exit after SIGTERM")
            #expect(status == 130, "round \(round): stdout \(consume.stdout.suffix(2000)) stderr \(consume.stderr.suffix(2000))")
        }
        #expect(exitTimes.count == rounds, "exit times after SIGTERM: \(exitTimes)")

        // Nothing lost: what was not recorded is still in the queue (messages whose receive the signal cut short come back after 20 s); consume
        // it, then every published message has a record.
        let rest = try Fanout.run(["consume", "--queue", queue, "--table", table, "--until-idle", "3", "--wait", "1"], environment: env)
        #expect(rest.status == 0, "\(rest)")
        let scanned = try Fanout.run(["scan", "--table", table, "--contains", marker, "-o", "json"], environment: env)
        #expect(scanned.status == 0, "\(scanned)")
        let records = try jsonArray(scanned.stdout)
        let recorded = Set(records.compactMap { $0["body"] as? String })
        #expect(recorded.count == published && published == rounds * perRound, "\(published) published, \(recorded.count) recorded")
        let attributes = try await moto.sqs.getQueueAttributes(queue)
        #expect(attributes["ApproximateNumberOfMessages"] == "0" && attributes["ApproximateNumberOfMessagesNotVisible"] == "0", "\(attributes)")
    }
}
