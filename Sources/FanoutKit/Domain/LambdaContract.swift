import Foundation

/// The AWS Lambda SQS contract, for running an existing SQS handler unchanged: the exact event JSON on stdin, a
/// partial-batch reply on stdout.
public enum LambdaContract {
    /// `{"Records": [...]}` as Lambda builds it for an SQS event source mapping.
    public static func event(_ messages: [SQSMessage], queueArn: String, region: String) -> JSONValue {
        .object([("Records", .array(messages.map { m in
            var attributes: [(String, JSONValue)] = []
            for key in ["ApproximateReceiveCount", "SentTimestamp", "SenderId", "ApproximateFirstReceiveTimestamp",
                        "SequenceNumber", "MessageGroupId", "MessageDeduplicationId", "AWSTraceHeader", "DeadLetterQueueSourceArn"] {
                if let v = m.attributes[key] { attributes.append((key, .string(v))) }
            }
            let messageAttributes: [(String, JSONValue)] = m.messageAttributes.map { attr in
                var fields: [(String, JSONValue)] = []
                if let s = attr.value.stringValue { fields.append(("stringValue", .string(s))) }
                if let b = attr.value.binaryValueBase64 { fields.append(("binaryValue", .string(b))) }
                fields += [("stringListValues", []), ("binaryListValues", []), ("dataType", .string(attr.value.dataType))]
                return (attr.name, .object(fields))
            }
            return .object([
                ("messageId", .string(m.messageId)), ("receiptHandle", .string(m.receiptHandle)), ("body", .string(m.body)),
                ("attributes", .object(attributes)), ("messageAttributes", .object(messageAttributes)),
                ("md5OfBody", .string(m.md5OfBody ?? Digest.md5(Array(m.body.utf8)).hex)), ("eventSource", "aws:sqs"),
                ("eventSourceARN", .string(queueArn)), ("awsRegion", .string(region)),
            ])
        }))])
    }

    /// What a handler run decided: the message ids that failed (all of them when the run failed), and why.
    public struct Outcome: Sendable, Equatable {
        public var failed: Set<String>
        public var reason: String?
    }

    /// Lambda's reading of a reply: `{"batchItemFailures": [{"itemIdentifier": id}]}` fails those items; an
    /// identifier that is missing, empty or not in the batch fails the whole batch; any other reply succeeds.
    public static func outcome(stdout: String, exitStatus: Int32, ids: [String]) -> Outcome {
        if exitStatus != 0 { return Outcome(failed: Set(ids), reason: "handler exited \(exitStatus)") }
        guard let reply = try? JSONValue.parse(stdout.trimmingCharacters(in: .whitespacesAndNewlines)),
              let failures = reply["batchItemFailures"]?.array else { return Outcome(failed: [], reason: nil) }
        var failed = Set<String>()
        for failure in failures {
            guard let id = failure["itemIdentifier"]?.string, !id.isEmpty, ids.contains(id) else {
                return Outcome(failed: Set(ids), reason: "invalid batchItemFailures entry \(failure.serialized()): the whole batch fails")
            }
            failed.insert(id)
        }
        return Outcome(failed: failed, reason: failed.isEmpty ? nil : "reported in batchItemFailures")
    }

    /// Seed 004's backoff for a failed message: min(max, base · 2^(receives − 1)) seconds of visibility.
    public static func backoff(receiveCount: Int, base: Int, max: Int) -> Int {
        let exponent = Swift.max(0, Swift.min(receiveCount - 1, 20))
        return Swift.min(max, base * (1 << exponent))
    }
}

/// Runs a handler command for one batch: the event on its stdin, its stdout read as the reply, its stderr passed
/// through; killed after `timeout`. While it runs, a heartbeat extends the batch's visibility at half the queue's
/// visibility timeout.
public struct HandlerRun: Sendable {
    public var command: String
    public var timeout: Double
    public var environment: [String: String]

    public init(command: String, timeout: Double, environment: [String: String]) {
        self.command = command
        self.timeout = timeout
        self.environment = environment
    }

    /// Runs the handler; `heartbeat` is called every `heartbeatInterval` seconds until it ends.
    public func run(event: JSONValue, ids: [String], heartbeatInterval: Double, heartbeat: @escaping @Sendable () async -> Void) async throws -> LambdaContract.Outcome {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", command]
        process.environment = environment
        let input = Pipe(), output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = FileHandle.standardError
        let finished = ProcessExit()
        process.terminationHandler = { p in finished.finish(p.terminationStatus) }
        do {
            try process.run()
        } catch {
            throw FanoutError.configuration("cannot run --exec '\(command)': \(error.localizedDescription)")
        }
        let reader = Task.detached { output.fileHandleForReading.readDataToEndOfFile() }
        input.fileHandleForWriting.write(Data(event.serializedBytes()))
        try? input.fileHandleForWriting.close()
        let beats = Task {
            while !Task.isCancelled {
                try? await Task.sleep(nanoseconds: UInt64(max(0.5, heartbeatInterval) * 1e9))
                if Task.isCancelled { break }
                await heartbeat()
            }
        }
        let pid = process.processIdentifier
        let killer = Task {
            try? await Task.sleep(nanoseconds: UInt64(timeout * 1e9))
            guard !Task.isCancelled, finished.status == nil else { return }
            finished.timedOut = true
            kill(pid, SIGTERM)
            try? await Task.sleep(nanoseconds: 2_000_000_000)
            if finished.status == nil { kill(pid, SIGKILL) }
        }
        let status = await finished.wait()
        beats.cancel()
        killer.cancel()
        let stdout = String(decoding: await reader.value, as: UTF8.self)
        if finished.timedOut { return .init(failed: Set(ids), reason: "handler timed out after \(JSONValue.format(timeout)) s and was killed") }
        return LambdaContract.outcome(stdout: stdout, exitStatus: status, ids: ids)
    }
}

/// A child's exit status, awaited once.
final class ProcessExit: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Int32?
    private var waiter: CheckedContinuation<Int32, Never>?
    private var _timedOut = false

    var status: Int32? { lock.lock(); defer { lock.unlock() }; return value }
    var timedOut: Bool {
        get { lock.lock(); defer { lock.unlock() }; return _timedOut }
        set { lock.lock(); _timedOut = newValue; lock.unlock() }
    }

    func finish(_ status: Int32) {
        lock.lock()
        value = status
        let w = waiter
        waiter = nil
        lock.unlock()
        w?.resume(returning: status)
    }

    func wait() async -> Int32 {
        await withCheckedContinuation { c in
            lock.lock()
            if let value { lock.unlock(); c.resume(returning: value); return }
            waiter = c
            lock.unlock()
        }
    }
}
