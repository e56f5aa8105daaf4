import Synchronization
import Foundation

/// A message as the consumer Lambdas see it: the SNS envelope unwrapped when there is one (raw delivery has none).
public struct ConsumedMessage: Sendable {
    public var messageId: String
    public var body: String
    public var sqs: SQSMessage

    public init(_ sqs: SQSMessage) {
        self.sqs = sqs
        if let json = try? JSONValue.parse(sqs.body), json["Type"]?.string == "Notification",
           let id = json["MessageId"]?.string, let message = json["Message"]?.string
        {
            messageId = id
            body = message
        } else {
            messageId = sqs.messageId
            body = sqs.body
        }
    }

    /// What `--fail-when` sees: the body as JSON when it is JSON, else as a string.
    public var filterInput: JSONValue { (try? JSONValue.parse(body)) ?? .string(body) }
}

/// Which messages a consumer is made to fail: none, all, or those a jq condition on the body matches.
/// The condition is compiled once per consumer. The compiled program lives inside the mutex, so evaluations
/// are serialised and `disable()` may come from another task (verify heals the consumer while it runs).
public final class FailureRule: Sendable {
    private struct State {
        var program: JQProgram?
        var always: Bool
        var enabled = true
    }

    private let state: Mutex<State>

    /// Stops failing from now on (verify's DLQ test heals the consumer before it redrives).
    public func disable() {
        state.withLock { $0.enabled = false }
    }

    public static let never = FailureRule()

    private init() {
        state = Mutex(State(program: nil, always: false, enabled: false))
    }

    /// `failWhen` (a jq condition) restricts the failures to matching messages; otherwise `always` fails every one.
    public init(failWhen: String?, always: Bool) throws {
        let program = try failWhen.map { try JQProgram($0) }
        state = Mutex(State(program: program, always: always))
    }

    /// Why this message must fail, or nil to process it.
    func reason(for message: ConsumedMessage) throws -> String? {
        let input = message.filterInput
        return try state.withLock { state -> String? in
            guard state.enabled else { return nil }
            if let program = state.program {
                return try program.isTrue(for: input) ? "the failure condition matched" : nil
            }
            return state.always ? "this consumer is set to fail" : nil
        }
    }
}

public struct ConsumeEvent: Sendable {
    public enum Outcome: String, Sendable { case persisted, duplicate, handled, failed }
    public var consumerId: String
    public var queue: String
    public var messageId: String
    public var outcome: Outcome
    public var reason: String?
    public var receiveCount: Int
    public var milliseconds: Double

    public var json: JSONValue {
        var m: [(String, JSONValue)] = [("consumer", .string(consumerId)), ("queue", .string(queue)), ("messageId", .string(messageId)),
                                        ("outcome", .string(outcome.rawValue)), ("receiveCount", .number(Double(receiveCount))),
                                        ("ms", .number((milliseconds * 10).rounded() / 10))]
        if let reason { m.append(("reason", .string(reason))) }
        return .object(m)
    }
}

/// One consumer: long-polls its queue 10 at a time, persists each message to the table with a conditional
/// write (a redelivered message never makes a second record), then deletes exactly the successes. A failure
/// leaves the message to its visibility timeout, so the queue's redrive policy moves it to the DLQ after
/// maxReceiveCount receives.
public struct QueueConsumer: Sendable {
    public var sqs: SQSClient
    public var dynamodb: DynamoDBClient
    public var table: String
    public var queueURL: String
    public var consumerId: String
    /// Which messages this consumer is made to fail (to reproduce the seed's Test 4).
    public var failure: FailureRule

    public init(sqs: SQSClient, dynamodb: DynamoDBClient, table: String, queueURL: String, consumerId: String, failure: FailureRule) {
        self.sqs = sqs
        self.dynamodb = dynamodb
        self.table = table
        self.queueURL = queueURL
        self.consumerId = consumerId
        self.failure = failure
    }

    /// One receive → process → delete round. Returns the events; an empty array when nothing arrived.
    /// Processing and deleting run to the end even when the calling task is cancelled: a message received is
    /// either persisted and deleted, or left for redelivery — never deleted unprocessed.
    public func round(wait: Int) async throws -> [ConsumeEvent] {
        let messages = try await sqs.receiveMessages(queueURL, max: 10, waitSeconds: wait)
        if messages.isEmpty { return [] }
        let decisions = try messages.map { m in
            let message = ConsumedMessage(m)
            return (message, try failure.reason(for: message))
        }
        let work = Task { try await process(messages, decisions) }
        return try await work.value
    }

    func process(_ messages: [SQSMessage], _ decisions: [(ConsumedMessage, String?)]) async throws -> [ConsumeEvent] {
        let queueName = QueueURL.name(queueURL)
        // Messages of one FIFO group are handled one after another, in order, and a failure stops the rest of its
        // group (as Lambda does); groups — and every message of a standard queue — run concurrently.
        var lanes: [[Int]] = []
        var laneOfGroup: [String: Int] = [:]
        for (index, (message, _)) in decisions.enumerated() {
            if let group = message.sqs.attributes["MessageGroupId"] {
                if let lane = laneOfGroup[group] { lanes[lane].append(index); continue }
                laneOfGroup[group] = lanes.count
            }
            lanes.append([index])
        }
        let events = await withTaskGroup(of: [(Int, ConsumeEvent)].self) { group in
            for lane in lanes {
                group.addTask {
                    var out: [(Int, ConsumeEvent)] = []
                    var stopped = false
                    for index in lane {
                        let (message, failure) = decisions[index]
                        let event = stopped
                            ? ConsumeEvent(consumerId: consumerId, queue: queueName, messageId: message.messageId, outcome: .failed,
                                           reason: "an earlier message of its group failed", receiveCount: message.sqs.receiveCount, milliseconds: 0)
                            : await persist(message, failure: failure, queueName: queueName)
                        if event.outcome == .failed { stopped = true }
                        out.append((index, event))
                    }
                    return out
                }
            }
            var out = [ConsumeEvent?](repeating: nil, count: decisions.count)
            for await results in group { for (i, e) in results { out[i] = e } }
            return out.compactMap { $0 }
        }
        // Delete only what was persisted (or had been already).
        let successes = zip(messages, events).enumerated().filter { $0.element.1.outcome != .failed }
            .map { (id: String($0.offset), receiptHandle: $0.element.0.receiptHandle) }
        if !successes.isEmpty {
            let result = try await sqs.deleteMessageBatch(queueURL, successes)
            if let failure = result.failed.first {
                throw FanoutError(.aws(AWSServiceError(service: "SQS", code: failure.code, message: failure.message, httpStatus: 400)),
                                  "DeleteMessageBatch left \(result.failed.count) message(s) undeleted (\(failure.code)); they will be redelivered and recognised as duplicates")
            }
        }
        return events
    }

    /// Writes one record with a condition, so a redelivered message never makes a second record.
    func persist(_ message: ConsumedMessage, failure: String?, queueName: String) async -> ConsumeEvent {
        let started = DispatchTime.now().uptimeNanoseconds
        func event(_ outcome: ConsumeEvent.Outcome, _ reason: String?) -> ConsumeEvent {
            ConsumeEvent(consumerId: consumerId, queue: queueName, messageId: message.messageId, outcome: outcome, reason: reason,
                         receiveCount: message.sqs.receiveCount, milliseconds: Double(DispatchTime.now().uptimeNanoseconds - started) / 1e6)
        }
        if let failure { return event(.failed, failure) }
        let record = ProcessedRecord(consumerId: consumerId, messageId: message.messageId, body: message.body, queue: queueName,
                                     sqsMessageId: message.sqs.messageId, processedAt: Date().timeIntervalSince1970)
        do {
            let written = try await dynamodb.putItem(table, item: record.item, condition: ProcessedRecord.writeOnce)
            return event(written ? .persisted : .duplicate, nil)
        } catch {
            return event(.failed, "\(FanoutError.wrap(error).message)")
        }
    }
}

extension SQSClient {
    /// Whether the queue holds nothing at all: not visible, not in flight, not delayed.
    public func isEmpty(_ queueURL: String) async throws -> Bool {
        let names = ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible", "ApproximateNumberOfMessagesDelayed"]
        let a = try await getQueueAttributes(queueURL, names: names)
        return names.allSatisfy { (Int(a[$0] ?? "0") ?? 0) == 0 }
    }
}
