import Foundation
import Testing
@testable import FanoutKit

/// The one fan-out stack fixture: a topic, its queues with their DLQs and subscriptions, the consumers' table (and
/// alarms, unless the spec turns them off), created on moto by `fanout stack up` from a spec in a fresh TempDir,
/// with every name made unique so parallel tests never share a resource. outputs.json is written to
/// `<home>/terraform/outputs.json`; `run` and `start` point fanout at it through FANOUT_OUTPUTS.
final class MotoStack {
    let home: TempDir
    /// The moto environment, without FANOUT_OUTPUTS (so a test can pass its own --outputs).
    let env: [String: String]
    /// The outputs.json `stack up` wrote.
    let outputs: String
    /// Appended to every name in the spec.
    let suffix: String
    /// The stack's unique name: the spec's `name` plus the suffix.
    let name: String
    /// The spec as written, with the unique names.
    let specPath: String
    let clients: MotoClients

    /// A stack from `spec`: its `name`, `topic`, `table` and each queue's `name` get `-<suffix>` appended.
    init(_ spec: JSONValue) throws {
        home = try TempDir()
        env = try Fanout.motoEnvironment(home: home.path)
        clients = MotoClients(endpoint: try Fanout.endpoint())
        let suffix = String(UUID().uuidString.prefix(8).lowercased())
        self.suffix = suffix
        outputs = home.path + "/terraform/outputs.json"
        name = "\(spec["name"]?.string ?? "s")-\(suffix)"
        var unique = spec.setting("name", .string(name))
        if let topic = spec["topic"]?.string { unique = unique.setting("topic", .string("\(topic)-\(suffix)")) }
        if let table = spec["table"]?.string { unique = unique.setting("table", .string("\(table)-\(suffix)")) }
        if let queues = spec["queues"]?.array {
            unique = unique.setting("queues", .array(queues.map { q in q.setting("name", .string("\(q["name"]?.string ?? "q")-\(suffix)")) }))
        }
        specPath = try home.write("spec.json", unique.pretty())
        let up = try run(["stack", "up", "--spec", specPath])
        guard up.status == 0 else { throw TestSetupError("stack up failed: \(up)") }
    }

    /// Seed 000's shape (three queues, `<name>-queue-N`) with no delay, a short visibility and 1 s long polling, so
    /// the whole message lifecycle takes seconds.
    static func workflow(visibility: Int = 2) throws -> MotoStack {
        try MotoStack(["name": "wf", "delaySeconds": 0, "visibilityTimeout": .number(Double(visibility)), "receiveWaitTimeSeconds": 1])
    }

    /// A spec from examples/.
    static func example(_ file: String) throws -> JSONValue {
        try JSONValue.parse(Array(Data(contentsOf: repository.appendingPathComponent("examples/\(file)"))))
    }

    /// The repository's root folder.
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    /// A name of the spec made unique the way the stack made it.
    func unique(_ base: String) -> String { "\(base)-\(suffix)" }

    /// The environment with FANOUT_OUTPUTS pointing at this stack, plus `extra`.
    func environment(_ extra: [String: String] = [:]) -> [String: String] {
        env.merging(["FANOUT_OUTPUTS": outputs]) { $1 }.merging(extra) { $1 }
    }

    /// Runs fanout against this stack to its end.
    func run(_ args: [String], stdin: String? = nil, environment extra: [String: String] = [:], timeout: Double = 120) throws -> RunResult {
        try Fanout.run(args, environment: environment(extra), stdin: stdin, timeout: timeout)
    }

    /// Starts fanout against this stack (a consumer, a poll) and returns at once.
    func start(_ args: [String], environment extra: [String: String] = [:]) throws -> FanoutProcess {
        try Fanout.start(args, environment: environment(extra))
    }

    func queueURLs() throws -> [String] { try TerraformOutputs.load(path: outputs).strings(.queues) }
    func dlqURLs() throws -> [String] { try TerraformOutputs.load(path: outputs).strings(.dlqs) }
}

/// SDK clients for test set-up and checks, talking to a local endpoint (moto, LocalStack) through fanout's own library.
struct MotoClients {
    let sqs: SQSClient
    let sns: SNSClient
    let dynamodb: DynamoDBClient
    init(endpoint: String, key: String = "AKIDTESTING", secret: String = "testing-secret") {
        let config = AWSClientConfig(transport: CurlTransport(), credentials: { Credentials(accessKeyId: key, secretAccessKey: secret) },
                                     region: "us-east-1")
        sqs = SQSClient(AWSClient(service: .sqs, endpoint: endpoint, config: config))
        sns = SNSClient(AWSClient(service: .sns, endpoint: endpoint, config: config))
        dynamodb = DynamoDBClient(AWSClient(service: .dynamodb, endpoint: endpoint, config: config))
    }
}

extension SQSClient {
    /// Visible plus in-flight (ApproximateNumberOfMessages + …NotVisible).
    func depth(_ url: String) async throws -> Int {
        let a = try await getQueueAttributes(url, names: ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"])
        return (Int(a["ApproximateNumberOfMessages"] ?? "") ?? 0) + (Int(a["ApproximateNumberOfMessagesNotVisible"] ?? "") ?? 0)
    }
}

/// (visible, in flight) of one queue, read by `fanout queues --queue URL` and so without suspending (see `waitFor`).
func queueCounts(_ url: String, environment: [String: String]) throws -> (visible: Int, inFlight: Int) {
    let r = try Fanout.run(["queues", "--queue", url, "-o", "json"], environment: environment)
    guard r.status == 0, let row = (try? JSONValue.parse(r.stdout))?[0], let visible = row["visible"]?.int, let inFlight = row["inFlight"]?.int
    else { throw TestSetupError("queues --queue \(url) failed: \(r)") }
    return (visible, inFlight)
}

/// A one-queue stack (a main queue with a RedrivePolicy, maxReceiveCount 3, to its DLQ) holding known message
/// counts: 3 visible, 2 delayed (per-message DelaySeconds), 1 in flight in the main queue and 4 visible in the DLQ.
struct SeededQueues {
    let stack: MotoStack
    let mainURL: String
    let mainName: String
    let dlqURL: String
    let dlqName: String
    let dlqArn: String

    static func create(prefix: String = "itest") async throws -> SeededQueues {
        let stack = try MotoStack(["name": .string(prefix), "queueCount": 1, "delaySeconds": 0, "alarms": false])
        let sqs = stack.clients.sqs
        let mainURL = try #require(try stack.queueURLs().first), dlqURL = try #require(try stack.dlqURLs().first)
        let dlqArn = try #require(try await sqs.getQueueAttributes(dlqURL, names: ["QueueArn"])["QueueArn"])
        // 4 immediately visible (one of them is then received and stays in flight), 2 delayed for 15 minutes.
        for i in 0..<4 { _ = try await sqs.sendMessage(mainURL, SQSOutgoingMessage(id: "v\(i)", body: "visible \(i)")) }
        for i in 0..<2 {
            _ = try await sqs.sendMessage(mainURL, SQSOutgoingMessage(id: "d\(i)", body: "delayed \(i)", delaySeconds: 900))
        }
        let received = try await sqs.receiveMessages(mainURL, max: 1, waitSeconds: 0, visibilityTimeout: 3600)
        try #require(received.count == 1, "set-up: expected to receive exactly one message")
        for i in 0..<4 { _ = try await sqs.sendMessage(dlqURL, SQSOutgoingMessage(id: "x\(i)", body: "dead \(i)")) }
        return SeededQueues(stack: stack, mainURL: mainURL, mainName: QueueURL.name(mainURL), dlqURL: dlqURL,
                            dlqName: QueueURL.name(dlqURL), dlqArn: dlqArn)
    }

    /// outputs.json in the seed's flat shape.
    var flatOutputs: String {
        """
        {"sns_topic_arn": "arn:aws:sns:us-east-1:123456789012:\(mainName)-topic",
         "queues": [{"url": "\(mainURL)"}],
         "dlqs": [{"url": "\(dlqURL)"}],
         "dynamodb_table_name": "\(mainName)-table"}
        """
    }

    /// outputs.json as `terraform output -json` writes it: every output wrapped in {sensitive, type, value}.
    var terraformOutputs: String {
        """
        {
          "dlqs": {"sensitive": false, "type": ["tuple", [["object", {"url": "string"}]]], "value": [{"url": "\(dlqURL)"}]},
          "dynamodb_table_name": {"sensitive": false, "type": "string", "value": "\(mainName)-table"},
          "queues": {"sensitive": false, "type": ["tuple", [["object", {"url": "string"}]]], "value": [{"url": "\(mainURL)"}]},
          "sns_topic_arn": {"sensitive": false, "type": "string", "value": "arn:aws:sns:us-east-1:123456789012:\(mainName)-topic"}
        }
        """
    }
}
