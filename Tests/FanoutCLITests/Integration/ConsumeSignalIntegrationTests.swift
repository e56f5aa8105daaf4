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

            let consume = try RunningFanout(consumeArguments, environment: env)
            let consuming = await consume.waitUntil(seconds: 30) { _, stderr in stderr.contains("consuming ") }
            try #require(consuming, "consume never reported that it was consuming: \(consume.output)")
            // Every other round, wait until messages are being handled, so the signal lands mid-batch.
            if round.isMultiple(of: 2) {
                _ = await consume.waitUntil(seconds: 10) { stdout, _ in stdout.contains("\"outcome\"") }
            }
            let signalled = ContinuousClock.now
            consume.signal(SIGTERM)
            // Waits past the 2 s bound, so a slow exit and one that never comes are told apart.
            let status = await consume.exitStatus(within: 15)
            let elapsed = ContinuousClock.now - signalled
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            exitTimes.append(seconds)
            guard let status else {
                Issue.record("round \(round): consume with 16 workers still ran 15 s after SIGTERM: \(consume.output)")
                consume.kill()
                break
            }
            #expect(seconds < 2, "round \(round): consume with 16 workers took \(seconds) s to exit after SIGTERM")
            #expect(status == 130, "round \(round): \(consume.output)")
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

/// A `fanout` process still running: its output read as it comes, a signal, and its exit awaited with a deadline.
private final class RunningFanout {
    private let process: Process
    private let stdout: StreamText
    private let stderr: StreamText

    init(_ arguments: [String], environment: [String: String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Fanout.binary)
        process.arguments = arguments
        process.environment = environment
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        stdout = StreamText(out.fileHandleForReading)
        stderr = StreamText(err.fileHandleForReading)
        try process.run()
        self.process = process
    }

    var output: String { "--- stdout\n\(stdout.text.suffix(2000))\n--- stderr\n\(stderr.text.suffix(2000))" }

    /// Checks `condition` on the output so far every 5 ms until it holds, the process ends, or the time is up.
    func waitUntil(seconds: Double, _ condition: (_ stdout: String, _ stderr: String) -> Bool) async -> Bool {
        let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
        while ContinuousClock.now < deadline {
            if condition(stdout.text, stderr.text) { return true }
            if !process.isRunning { return condition(stdout.text, stderr.text) }
            try? await Task.sleep(nanoseconds: 5_000_000)  // the pause between checks of a deadline loop
        }
        return false
    }

    func signal(_ signal: Int32) { Glibc.kill(process.processIdentifier, signal) }

    /// The exit status once the process has ended, or nil when it still runs after `seconds`.
    func exitStatus(within seconds: Double) async -> Int32? {
        let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
        while process.isRunning {
            if ContinuousClock.now >= deadline { return nil }
            try? await Task.sleep(nanoseconds: 2_000_000)  // the pause between checks of a deadline loop
        }
        process.waitUntilExit()
        return process.terminationStatus
    }

    func kill() {
        Glibc.kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }
}

/// A pipe's text so far, read on a background thread as it arrives.
private final class StreamText: Sendable {
    private let collected = Mutex(Data())

    init(_ handle: FileHandle) {
        Thread.detachNewThread { [self] in
            while true {
                let chunk = handle.availableData
                if chunk.isEmpty { return }
                collected.withLock { $0.append(chunk) }
            }
        }
    }

    var text: String { collected.withLock { String(decoding: $0, as: UTF8.self) } }
}
