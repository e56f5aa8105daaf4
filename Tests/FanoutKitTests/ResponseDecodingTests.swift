import Foundation
import Synchronization
import Testing
@testable import FanoutKit

/// Parses a JSON fixture, optionally after a textual edit that removes or changes a field.
private func json(_ name: String, replacing old: String? = nil, with new: String = "") throws -> JSONValue {
    var text = String(decoding: try fixture(name), as: UTF8.self)
    if let old {
        #expect(text.contains(old), "the edit must apply to \(name): \(old)")
        text = text.replacingOccurrences(of: old, with: new)
    }
    return try JSONValue.parse(text)
}

/// Parses an XML fixture, optionally after a textual edit.
private func xml(_ name: String, replacing old: String? = nil, with new: String = "") throws -> XMLNode {
    var text = String(decoding: try fixture(name), as: UTF8.self)
    if let old {
        #expect(text.contains(old), "the edit must apply to \(name): \(old)")
        text = text.replacingOccurrences(of: old, with: new)
    }
    return try XMLNode.parse(text)
}

/// Expects an AWSDecodeError naming exactly this service, action and field, that exits 255 through the CLI.
private func expectDecodeError(_ service: String, _ action: String, field: String, sourceLocation: SourceLocation = #_sourceLocation,
                               _ body: () throws -> Void)
{
    do {
        try body()
        Issue.record("expected a decode error for \(field)", sourceLocation: sourceLocation)
    } catch let error as AWSDecodeError {
        #expect(error.service == service && error.action == action && error.field == field, "\(error)", sourceLocation: sourceLocation)
        #expect(error.description.contains("\(service) \(action)") && error.description.contains(field), sourceLocation: sourceLocation)
        #expect(FanoutError.wrap(error).exitCode == 255, sourceLocation: sourceLocation)
    } catch {
        Issue.record("expected AWSDecodeError, got \(error)", sourceLocation: sourceLocation)
    }
}

@Suite struct SQSDecodingTests {
    let receive = DecodeContext(service: "SQS", action: "ReceiveMessage")
    let send = DecodeContext(service: "SQS", action: "SendMessageBatch")
    let delete = DecodeContext(service: "SQS", action: "DeleteMessageBatch")

    @Test func receivedMessagesKeepEveryField() throws {
        let messages = try SQSClient.decodeMessages(try json("sqs-receive-message.json"), receive)
        #expect(messages.map(\.body) == ["one", "two"])
        #expect(messages[0].receiptHandle.hasPrefix("qcjkiscfxrglqq"))
        #expect(messages[0].messageId == "59568185-dbf5-4714-93e6-03c736757a52")
        #expect(messages[1].receiveCount == 1)
        #expect(messages[1].messageAttributes.map(\.name) == ["k"])
        #expect(messages[1].messageAttributes.first?.value == MessageAttributeValue(dataType: "String", stringValue: "v w"))
        #expect(try SQSClient.decodeMessages(.object([]), receive).isEmpty, "an empty queue answers without Messages")
    }

    @Test func aMessageWithoutReceiptHandleIsAnError() throws {
        let broken = try json("sqs-receive-message.json", replacing: #""ReceiptHandle": "mxeavvyekpwwiqvtmclacawwdgbggkrhnnewhxvkzwlajdtrqhymshiwklkhntvylzdrpzmntzsggrovltxhnimyhsbnkvwuashxqnngnxgscwcnkmlxvgaeabenombczkbnbyxepjlfstctvbpdrgdusxyoqlnwuiffdruzxgvutebzxpmtfxbeh", "#)
        expectDecodeError("SQS", "ReceiveMessage", field: "Messages[1].ReceiptHandle") { _ = try SQSClient.decodeMessages(broken, receive) }
        let noBody = try json("sqs-receive-message.json", replacing: #""Body": "one", "#)
        expectDecodeError("SQS", "ReceiveMessage", field: "Messages[0].Body") { _ = try SQSClient.decodeMessages(noBody, receive) }
        let noType = try json("sqs-receive-message.json", replacing: #", "DataType": "String""#)
        expectDecodeError("SQS", "ReceiveMessage", field: "Messages[1].MessageAttributes.k.DataType") {
            _ = try SQSClient.decodeMessages(noType, receive)
        }
        let notAList = try JSONValue.parse(#"{"Messages": {"MessageId": "x"}}"#)
        expectDecodeError("SQS", "ReceiveMessage", field: "Messages") { _ = try SQSClient.decodeMessages(notAList, receive) }
    }

    @Test func batchAnswersAccountForEveryRequestedId() throws {
        let sent = try BatchResult.decode(try json("sqs-send-message-batch.json"), ids: ["0", "1"], messageIds: true, send)
        #expect(sent.successful == ["0": "59568185-dbf5-4714-93e6-03c736757a52", "1": "074f2e74-5766-47ad-a641-549d9948c2d8"])
        #expect(sent.failed.isEmpty)

        let deleted = try BatchResult.decode(try json("sqs-delete-message-batch.json"), ids: ["0", "1", "bad"], messageIds: false, delete)
        #expect(deleted.successful == ["0": "", "1": ""])
        #expect(deleted.failed == [BatchResult.Failure(id: "bad", code: "ReceiptHandleIsInvalid",
                                                       message: #"The input receipt handle "not-a-handle" is not a valid receipt handle."#,
                                                       senderFault: true)])

        // A 2xx answer that forgets an entry: that entry is reported failed, never silently dropped.
        let partial = try BatchResult.decode(try json("sqs-send-message-batch.json"), ids: ["0", "1", "2"], messageIds: true, send)
        #expect(partial.successful.count == 2)
        #expect(partial.failed.map(\.id) == ["2"])
        #expect(partial.failed.first?.code == BatchResult.missingEntryCode)
        let empty = try BatchResult.decode(.object([]), ids: ["a", "b"], messageIds: false, delete)
        #expect(empty.successful.isEmpty && empty.failed.map(\.id) == ["a", "b"])
    }

    @Test func batchEntriesMissingRequiredFieldsAreErrors() throws {
        let noMessageId = try json("sqs-send-message-batch.json", replacing: #""MessageId": "074f2e74-5766-47ad-a641-549d9948c2d8", "#)
        expectDecodeError("SQS", "SendMessageBatch", field: "Successful[1].MessageId") {
            _ = try BatchResult.decode(noMessageId, ids: ["0", "1"], messageIds: true, send)
        }
        let noId = try json("sqs-delete-message-batch.json", replacing: #"{"Id": "1"}"#, with: "{}")
        expectDecodeError("SQS", "DeleteMessageBatch", field: "Successful[1].Id") {
            _ = try BatchResult.decode(noId, ids: ["0", "1"], messageIds: false, delete)
        }
        let noCode = try json("sqs-delete-message-batch.json", replacing: #""Code": "ReceiptHandleIsInvalid", "#)
        expectDecodeError("SQS", "DeleteMessageBatch", field: "Failed[0].Code") {
            _ = try BatchResult.decode(noCode, ids: ["bad"], messageIds: false, delete)
        }
        let noFault = try json("sqs-delete-message-batch.json", replacing: #""SenderFault": true, "#)
        expectDecodeError("SQS", "DeleteMessageBatch", field: "Failed[0].SenderFault") {
            _ = try BatchResult.decode(noFault, ids: ["bad"], messageIds: false, delete)
        }
    }
}

@Suite struct SNSDecodingTests {
    @Test func publishBatchDecodesAndAccountsForEveryId() throws {
        let context = DecodeContext(service: "SNS", action: "PublishBatch")
        let result = try SNSClient.decodePublishBatch(try xml("sns-publish-batch.xml"), ids: ["0", "1"], context)
        #expect(result.successful == ["0": "db89435e-3541-4c4f-80f7-6a6c02940d7e", "1": "9e81be0c-d51c-42eb-b0d0-e71a09c51dc1"])
        #expect(result.failed.isEmpty)
        let partial = try SNSClient.decodePublishBatch(try xml("sns-publish-batch.xml"), ids: ["0", "1", "7"], context)
        #expect(partial.failed.map(\.id) == ["7"] && partial.failed.first?.code == BatchResult.missingEntryCode)
        let noMessageId = try xml("sns-publish-batch.xml", replacing: "<MessageId>9e81be0c-d51c-42eb-b0d0-e71a09c51dc1</MessageId>")
        expectDecodeError("SNS", "PublishBatch", field: "Successful.member[1].MessageId") {
            _ = try SNSClient.decodePublishBatch(noMessageId, ids: ["0", "1"], context)
        }
        let failed = try xml("sns-publish-batch.xml", replacing: "<Failed/>",
                             with: "<Failed><member><Id>1</Id><Code>InvalidParameter</Code><SenderFault>true</SenderFault></member></Failed>")
        let withFailure = try SNSClient.decodePublishBatch(failed, ids: ["0", "1"], context)
        #expect(withFailure.failed == [BatchResult.Failure(id: "1", code: "InvalidParameter", message: "", senderFault: true)])
        let badFault = try xml("sns-publish-batch.xml", replacing: "<Failed/>",
                               with: "<Failed><member><Id>1</Id><Code>X</Code><SenderFault>maybe</SenderFault></member></Failed>")
        expectDecodeError("SNS", "PublishBatch", field: "Failed.member[0].SenderFault") {
            _ = try SNSClient.decodePublishBatch(badFault, ids: ["1"], context)
        }
    }

    @Test func subscriptionsNeedEveryField() throws {
        let context = DecodeContext(service: "SNS", action: "ListSubscriptionsByTopic")
        let subs = try SNSClient.decodeSubscriptions(try xml("sns-list-subscriptions-by-topic.xml"), context)
        #expect(subs == [SNSSubscription(subscriptionArn: "arn:aws:sns:us-east-1:123456789012:fixture-topic:b23679da-f9a3-4445-8054-fa3fd12d63ae",
                                         protocolName: "sqs", endpoint: "arn:aws:sqs:us-east-1:123456789012:fixture-queue",
                                         topicArn: "arn:aws:sns:us-east-1:123456789012:fixture-topic")])
        let broken = try xml("sns-list-subscriptions-by-topic.xml", replacing: "<Endpoint>arn:aws:sqs:us-east-1:123456789012:fixture-queue</Endpoint>")
        expectDecodeError("SNS", "ListSubscriptionsByTopic", field: "Subscriptions.member[0].Endpoint") {
            _ = try SNSClient.decodeSubscriptions(broken, context)
        }
    }

    @Test func attributesNeedTheirMap() throws {
        let context = DecodeContext(service: "SNS", action: "GetTopicAttributes")
        let noMap = try XMLNode.parse("<GetTopicAttributesResponse><GetTopicAttributesResult/></GetTopicAttributesResponse>")
        expectDecodeError("SNS", "GetTopicAttributes", field: "Attributes") { _ = try SNSClient.attributes(noMap, context) }
    }
}

@Suite struct CloudWatchSTSDynamoDBDecodingTests {
    @Test func alarmsDecodeFullyAndNeedTheirIdentity() throws {
        let context = DecodeContext(service: "CLOUDWATCH", action: "DescribeAlarms")
        let alarms = try CloudWatchClient.decodeAlarms(try xml("cloudwatch-describe-alarms.xml"), context)
        #expect(alarms == [MetricAlarm(name: "fixture-alarm", arn: "arn:aws:cloudwatch:us-east-1:123456789012:alarm:fixture-alarm", state: "OK",
                                       reason: "Unchecked: Initial alarm creation", updated: "2026-12-01T22:59:33.819443Z",
                                       metricName: "ApproximateNumberOfMessagesVisible", namespace: "AWS/SQS", statistic: "Maximum",
                                       dimensions: ["QueueName": "fixture-queue-dlq"], period: 60, evaluationPeriods: 1, threshold: 0,
                                       comparisonOperator: "GreaterThanThreshold")])
        #expect(try CloudWatchClient.decodeAlarms(try xml("cloudwatch-describe-alarms-empty.xml"), context).isEmpty)
        let noArn = try xml("cloudwatch-describe-alarms.xml", replacing: "<AlarmArn>arn:aws:cloudwatch:us-east-1:123456789012:alarm:fixture-alarm</AlarmArn>")
        expectDecodeError("CLOUDWATCH", "DescribeAlarms", field: "MetricAlarms.member[0].AlarmArn") { _ = try CloudWatchClient.decodeAlarms(noArn, context) }
        let noState = try xml("cloudwatch-describe-alarms.xml", replacing: "<StateValue>OK</StateValue>")
        expectDecodeError("CLOUDWATCH", "DescribeAlarms", field: "MetricAlarms.member[0].StateValue") { _ = try CloudWatchClient.decodeAlarms(noState, context) }
        let badPeriod = try xml("cloudwatch-describe-alarms.xml", replacing: "<Period>60</Period>", with: "<Period>sixty</Period>")
        expectDecodeError("CLOUDWATCH", "DescribeAlarms", field: "MetricAlarms.member[0].Period") { _ = try CloudWatchClient.decodeAlarms(badPeriod, context) }
        // A metric-math alarm has no metric fields: they stay empty.
        let math = try xml("cloudwatch-describe-alarms.xml", replacing: "<MetricName>ApproximateNumberOfMessagesVisible</MetricName>")
        #expect(try CloudWatchClient.decodeAlarms(math, context).first?.metricName == "")
    }

    @Test func assumeRoleNeedsEveryCredentialPart() throws {
        let context = DecodeContext(service: "STS", action: "AssumeRole")
        let credentials = try STSClient.decodeCredentials(try xml("sts-assume-role.xml"), context)
        #expect(credentials.accessKeyId == "ASIARZPUZDIKFDS5GREE")
        #expect(credentials.secretAccessKey == "V59nopF8R2A0lwztO00P0Ig18sarIXsa096pOoQ2")
        #expect(credentials.sessionToken?.hasPrefix("FQoGZXIvYXdzEBYaDMO5dRw9") == true)
        #expect(credentials.expiration == ISO8601.parse("2026-12-01T23:14:34.343355Z"))
        #expect(credentials.expiration != nil)
        for (part, field) in [("SessionToken", "Credentials.SessionToken"), ("SecretAccessKey", "Credentials.SecretAccessKey"),
                              ("AccessKeyId", "Credentials.AccessKeyId"), ("Expiration", "Credentials.Expiration")] {
            let text = String(decoding: try fixture("sts-assume-role.xml"), as: UTF8.self)
            let edited = text.replacingOccurrences(of: "<\(part)>", with: "<X\(part)>").replacingOccurrences(of: "</\(part)>", with: "</X\(part)>")
            expectDecodeError("STS", "AssumeRole", field: field) { _ = try STSClient.decodeCredentials(try XMLNode.parse(edited), context) }
        }
        let noCredentials = try XMLNode.parse("<AssumeRoleResponse><AssumeRoleResult/></AssumeRoleResponse>")
        expectDecodeError("STS", "AssumeRole", field: "Credentials") { _ = try STSClient.decodeCredentials(noCredentials, context) }
        let badTime = try xml("sts-assume-role.xml", replacing: "2026-12-01T23:14:34.343355Z", with: "tomorrow")
        expectDecodeError("STS", "AssumeRole", field: "Credentials.Expiration") { _ = try STSClient.decodeCredentials(badTime, context) }
    }

    @Test func callerIdentityNeedsAccountArnAndUser() throws {
        let context = DecodeContext(service: "STS", action: "GetCallerIdentity")
        let identity = try STSClient.decodeCallerIdentity(try xml("sts-get-caller-identity.xml"), context)
        #expect(identity == CallerIdentity(account: "123456789012", arn: "arn:aws:sts::123456789012:user/moto", userId: "AKIAIOSFODNN7EXAMPLE"))
        let noAccount = try xml("sts-get-caller-identity.xml", replacing: "<Account>123456789012</Account>")
        expectDecodeError("STS", "GetCallerIdentity", field: "Account") { _ = try STSClient.decodeCallerIdentity(noAccount, context) }
    }

    @Test func scanNeedsItemsAndCount() throws {
        let context = DecodeContext(service: "DYNAMODB", action: "Scan")
        let page = try DynamoDBClient.decodeScan(try json("dynamodb-scan.json"), context)
        #expect(page.items.count == 1 && page.items.first?["body"]?["S"]?.string == "hello")
        #expect(page.scannedCount == 1 && page.lastEvaluatedKey == nil)
        let noItems = try json("dynamodb-scan.json", replacing: #""Items": [{"id": {"S": "1"}, "body": {"S": "hello"}}], "#)
        expectDecodeError("DYNAMODB", "Scan", field: "Items") { _ = try DynamoDBClient.decodeScan(noItems, context) }
        let noCount = try json("dynamodb-scan.json", replacing: #", "ScannedCount": 1"#)
        expectDecodeError("DYNAMODB", "Scan", field: "ScannedCount") { _ = try DynamoDBClient.decodeScan(noCount, context) }
    }
}

/// A transport that answers from a script, one response (or error) per request, and records what it was sent.
final class ScriptedTransport: HTTPTransport, Sendable {
    private let state: Mutex<(script: [Result<HTTPResponse, TransportError>], requests: [HTTPRequest])>

    init(_ script: [Result<HTTPResponse, TransportError>]) { state = Mutex((script, [])) }

    var sent: [HTTPRequest] { state.withLock { $0.requests } }

    func send(_ request: HTTPRequest, timeouts: HTTPTimeouts) async throws -> HTTPResponse {
        let next: Result<HTTPResponse, TransportError> = state.withLock { state in
            state.requests.append(request)
            return state.script.isEmpty
                ? .failure(TransportError(code: 7, message: "script exhausted", url: request.url)) : state.script.removeFirst()
        }
        return try next.get()
    }
}

/// Scripted answers.
extension Result where Success == HTTPResponse, Failure == TransportError {
    static func ok(_ body: String) -> Self { .success(HTTPResponse(status: 200, body: Array(body.utf8))) }
    static func status(_ status: Int, _ body: String = "") -> Self { .success(HTTPResponse(status: status, body: Array(body.utf8))) }
}

/// Counts credential fetches: the signing step asks once per attempt.
final class CredentialCounter: Sendable {
    private let count = Mutex(0)
    var calls: Int { count.withLock { $0 } }
    func fetch() -> Credentials {
        count.withLock { $0 += 1 }
        return Credentials(accessKeyId: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", sessionToken: "TOKEN-SECRET")
    }
}

/// Collects --debug lines.
final class LogLines: Sendable {
    private let stored = Mutex<[String]>([])
    var lines: [String] { stored.withLock { $0 } }
    var log: DebugLog { DebugLog { line in self.stored.withLock { $0.append(line) } } }
}

@Suite struct AWSClientStepsTests {
    /// A client whose configured policy retries 3 times without waiting.
    func client(_ service: AWSService, _ transport: ScriptedTransport, counter: CredentialCounter = CredentialCounter(),
                log: DebugLog? = nil) -> AWSClient
    {
        let config = AWSClientConfig(transport: transport, credentials: { counter.fetch() }, region: "us-east-1",
                                     retry: RetryPolicy(maxAttempts: 3, baseDelay: 0, maxDelay: 0), log: log)
        return AWSClient(service: service, endpoint: "https://example.invalid/", config: config)
    }

    @Test func retriesAsConfiguredAndSignsEachAttemptWithFreshCredentials() async throws {
        let transport = ScriptedTransport([.status(500), .failure(TransportError(code: 7, message: "refused", url: "x")),
                                           .ok(#"{"QueueUrl": "https://q/1/a"}"#)])
        let counter = CredentialCounter()
        let lines = LogLines()
        let sqs = SQSClient(client(.sqs, transport, counter: counter, log: lines.log))
        #expect(try await sqs.getQueueUrl("a") == "https://q/1/a")
        #expect(transport.sent.count == 3)
        #expect(counter.calls == 3)
        #expect(transport.sent.allSatisfy { $0.headers["Authorization"]?.contains("Credential=AKIDEXAMPLE/") == true })
        #expect(transport.sent.allSatisfy { $0.headers["X-Amz-Target"] == "AmazonSQS.GetQueueUrl" })
        let text = lines.lines.joined(separator: "\n")
        #expect(lines.lines.filter { $0.hasPrefix("→ POST https://example.invalid/ SQS.GetQueueUrl (attempt ") }.count == 3)
        #expect(lines.lines.contains("  error: HTTP500: "))
        #expect(lines.lines.filter { $0.hasPrefix("  retrying SQS.GetQueueUrl in 0.00 s after ") }.count == 2)
        #expect(lines.lines.contains { $0.hasPrefix("← 200 SQS.GetQueueUrl in ") })
        #expect(!text.contains("TOKEN-SECRET") && !text.contains("wJalrXUtnFEMI"))
        #expect(!matchesSignature(text))
    }

    @Test func aPerCallPolicyReplacesTheConfiguredOne() async throws {
        let transport = ScriptedTransport([.status(500, "<html><title>500 Internal Server Error</title></html>"), .ok(#"{"TaskHandle": "h"}"#)])
        let sqs = SQSClient(client(.sqs, transport))
        await #expect(throws: AWSServiceError.self) {
            _ = try await sqs.startMessageMoveTask(sourceArn: "arn:dlq", destinationArn: nil, maxPerSecond: nil, retry: .singleAttempt)
        }
        #expect(transport.sent.count == 1, "one attempt only")
        // The same client keeps its configured retries for the next call.
        #expect(try await sqs.startMessageMoveTask(sourceArn: "arn:dlq", destinationArn: nil, maxPerSecond: nil) == "h")
        #expect(transport.sent.count == 2)

        let listing = ScriptedTransport([.status(503), .status(503), .status(503)])
        await #expect(throws: AWSServiceError.self) {
            _ = try await SQSClient(client(.sqs, listing)).listMessageMoveTasks(sourceArn: "arn:dlq", retry: RetryPolicy(maxAttempts: 2, baseDelay: 0))
        }
        #expect(listing.sent.count == 2)
    }

    @Test func aCredentialFailureIsNotRetriedAndKeepsItsError() async throws {
        let transport = ScriptedTransport([.ok(#"{"QueueUrl": "u"}"#)])
        let throttled = AWSServiceError(service: "STS", code: "Throttling", message: "slow down", httpStatus: 400)
        let counter = CredentialCounter()
        let config = AWSClientConfig(transport: transport, credentials: { _ = counter.fetch(); throw throttled }, region: "us-east-1",
                                     retry: RetryPolicy(maxAttempts: 3, baseDelay: 0, maxDelay: 0))
        await #expect(throws: throttled) {
            _ = try await SQSClient(AWSClient(service: .sqs, endpoint: "https://example.invalid/", config: config)).getQueueUrl("a")
        }
        #expect(counter.calls == 1, "the credential source is asked once")
        #expect(transport.sent.isEmpty, "nothing is sent unsigned")
    }

    @Test func aTransportFailureIsAboutTheEndpointAndNamesNoFlag() async throws {
        let refused = TransportError(code: 7, message: "Couldn't connect to server", url: "x")
        let transport = ScriptedTransport([.failure(refused), .failure(refused), .failure(refused)])
        do {
            _ = try await SNSClient(client(.sns, transport)).publish(topicArn: "arn:t", SNSMessage(message: "m"))
            Issue.record("expected a failure")
        } catch let error as FanoutError {
            #expect(error.subject == .endpoint)
            #expect(error.exitCode == 255)
            #expect(error.message == "cannot reach SNS at https://example.invalid/: Couldn't connect to server")
            #expect(error.hint?.contains("--") == false, "\(error.hint ?? "")")
        }
        #expect(transport.sent.count == 3, "connection failures are retried")
    }

    @Test func missingRequiredFieldsThroughTheClients() async throws {
        let publish = ScriptedTransport([.ok("<PublishResponse><PublishResult/></PublishResponse>")])
        await #expect(throws: AWSDecodeError(service: "SNS", action: "Publish", field: "MessageId")) {
            _ = try await SNSClient(client(.sns, publish)).publish(topicArn: "arn:t", SNSMessage(message: "m"))
        }
        let create = ScriptedTransport([.ok("{}")])
        await #expect(throws: AWSDecodeError(service: "SQS", action: "CreateQueue", field: "QueueUrl")) {
            _ = try await SQSClient(client(.sqs, create)).createQueue("q", attributes: [:])
        }
        let send = ScriptedTransport([.ok(#"{"MD5OfMessageBody": "x"}"#)])
        await #expect(throws: AWSDecodeError(service: "SQS", action: "SendMessage", field: "MessageId")) {
            _ = try await SQSClient(client(.sqs, send)).sendMessage("https://q/1/a", SQSOutgoingMessage(id: "0", body: "b"))
        }
        let topic = ScriptedTransport([.ok("<CreateTopicResponse><CreateTopicResult/></CreateTopicResponse>")])
        await #expect(throws: AWSDecodeError(service: "SNS", action: "CreateTopic", field: "TopicArn")) {
            _ = try await SNSClient(client(.sns, topic)).createTopic("t")
        }
        let subscribe = ScriptedTransport([.ok("<SubscribeResponse><SubscribeResult/></SubscribeResponse>")])
        await #expect(throws: AWSDecodeError(service: "SNS", action: "Subscribe", field: "SubscriptionArn")) {
            _ = try await SNSClient(client(.sns, subscribe)).subscribe(topicArn: "arn:t", protocolName: "sqs", endpoint: "arn:q")
        }
        let table = ScriptedTransport([.ok("{}")])
        await #expect(throws: AWSDecodeError(service: "DYNAMODB", action: "DescribeTable", field: "Table")) {
            _ = try await DynamoDBClient(client(.dynamodb, table)).describeTable("t")
        }
        let cancel = ScriptedTransport([.ok("{}")])
        await #expect(throws: AWSDecodeError(service: "SQS", action: "CancelMessageMoveTask", field: "ApproximateNumberOfMessagesMoved")) {
            _ = try await SQSClient(client(.sqs, cancel)).cancelMessageMoveTask(taskHandle: "h")
        }
        let tasks = ScriptedTransport([.ok(#"{"Results": [{"SourceArn": "arn:dlq"}]}"#)])
        await #expect(throws: AWSDecodeError(service: "SQS", action: "ListMessageMoveTasks", field: "Results[0].Status")) {
            _ = try await SQSClient(client(.sqs, tasks)).listMessageMoveTasks(sourceArn: "arn:dlq")
        }
    }

    @Test func aBatchAnswerMissingAnEntryReportsItFailed() async throws {
        let transport = ScriptedTransport([.ok(#"{"Successful": [{"Id": "0", "MessageId": "m0"}]}"#)])
        let result = try await SQSClient(client(.sqs, transport)).sendMessageBatch("https://q/1/a", [
            SQSOutgoingMessage(id: "0", body: "a"), SQSOutgoingMessage(id: "1", body: "b"),
        ])
        #expect(result.successful == ["0": "m0"])
        #expect(result.failed.map(\.id) == ["1"])
        #expect(result.failed.first?.code == BatchResult.missingEntryCode)
    }

    @Test func capturedAnswersDecodeThroughTheClients() async throws {
        func answer(_ name: String) throws -> Result<HTTPResponse, TransportError> { .success(HTTPResponse(status: 200, body: try fixture(name))) }
        let sns = ScriptedTransport([try answer("sns-create-topic.xml"), try answer("sns-publish.xml")])
        let snsClient = SNSClient(client(.sns, sns))
        #expect(try await snsClient.createTopic("fixture-topic") == "arn:aws:sns:us-east-1:123456789012:fixture-topic")
        #expect(try await snsClient.publish(topicArn: "arn:t", SNSMessage(message: "hello")) == "72dbe11c-dc2c-40ce-be8e-80293a5f7a6a")
        let sqs = ScriptedTransport([try answer("sqs-receive-message.json")])
        #expect(try await SQSClient(client(.sqs, sqs)).receiveMessages("https://q/1/a").map(\.body) == ["one", "two"])
    }

    @Test func queryBodiesUseFormEncoding() async throws {
        let transport = ScriptedTransport([.ok("<PublishResponse><PublishResult><MessageId>m</MessageId></PublishResult></PublishResponse>")])
        #expect(try await SNSClient(client(.sns, transport)).publish(topicArn: "arn:t", SNSMessage(message: "a b+c")) == "m")
        let body = String(decoding: transport.sent.first?.body ?? [], as: UTF8.self)
        #expect(body == "Action=Publish&Version=2010-03-31&TopicArn=arn%3At&Message=a+b%2Bc")
        #expect(transport.sent.first?.headers["Content-Type"] == "application/x-www-form-urlencoded; charset=utf-8")
    }
}

/// Whether text holds an unredacted SigV4 signature.
private func matchesSignature(_ text: String) -> Bool {
    text.range(of: "Signature=[0-9a-f]{64}", options: .regularExpression) != nil
}
