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
/// through; after `timeout` it gets SIGTERM, and SIGKILL 2 s later. While it runs, a heartbeat extends the batch's
/// visibility at half the queue's visibility timeout.
///
/// The reply is capped at 6 MiB, Lambda's limit for a synchronous response payload: a handler that prints more is
/// killed and its batch fails.
public struct HandlerRun: Sendable {
    public var command: String
    public var timeout: Double
    public var environment: [String: String]

    /// Lambda's 6 MB response payload limit, in bytes.
    static let replyLimit = 6 * 1024 * 1024

    public init(command: String, timeout: Double, environment: [String: String]) {
        self.command = command
        self.timeout = timeout
        self.environment = environment
    }

    /// Runs the handler; `heartbeat` is called every `heartbeatInterval` seconds until it ends.
    public func run(event: JSONValue, ids: [String], heartbeatInterval: Double, heartbeat: @escaping @Sendable () async -> Void) async throws -> LambdaContract.Outcome {
        let child = ChildProcess(
            command: command, environment: environment, input: .bytes(event.serializedBytes()),
            errorOutput: .passedThrough, outputLimit: Self.replyLimit,
            timeout: timeout.isFinite ? .seconds(max(0, timeout)) : nil, gracePeriod: .seconds(2))
        let beats = Task {
            while !Task.isCancelled {
                try? await Task.sleep(nanoseconds: UInt64(max(0.5, heartbeatInterval) * 1e9))
                if Task.isCancelled { break }
                await heartbeat()
            }
        }
        defer { beats.cancel() }
        let result: ChildProcess.Result
        do {
            result = try await child.run()
        } catch let error as ChildProcess.Failure {
            throw FanoutError.configuration("cannot run the handler command '\(command)': \(error)", subject: .input("handler"))
        }
        switch result.stop {
        case .timedOut:
            return .init(failed: Set(ids), reason: "handler timed out after \(JSONValue.format(timeout)) s and was killed")
        case .outputLimitExceeded:
            return .init(failed: Set(ids), reason: "handler printed more than 6 MiB (Lambda's response payload limit) and was killed")
        case nil:
            return LambdaContract.outcome(stdout: String(decoding: result.stdout, as: UTF8.self), exitStatus: result.exitStatus, ids: ids)
        }
    }
}
