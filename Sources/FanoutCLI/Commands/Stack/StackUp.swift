import FanoutKit
import Foundation

/// `fanout stack up`: create or converge the topology and write outputs.json.
enum StackUpCommand: LeafCommand {
    struct Options: CommandOptions {
        var spec: String?
        var name: String?
        /// DelaySeconds of every queue, 0…900 (SQS's range).
        var delay: Int?

        init(_ args: ParsedArguments) throws {
            spec = try args.nonEmpty("spec")
            name = try args.nonEmpty("name")
            delay = try args.int("delay", in: 0...900)
        }
    }

    static var spec: CommandSpec {
        CommandSpec(
            name: "up",
            abstract: "Create or converge the topology and write outputs.json.",
            discussion: """
            The spec is JSON: {"name": "fanout", "queueCount": 3, "delaySeconds": 60, "visibilityTimeout": 30, \
            "maxReceiveCount": 3, "fifo": false, "alarms": true} or "queues": [{"name": …, "delaySeconds": …, \
            "rawMessageDelivery": …, "filterPolicy": {…}}]. Without --spec, seed 000's topology.
            """,
            options: [
                .value("spec", "file", help: "JSON stack spec (default: seed 000's topology)", completion: .file),
                .value("name", "prefix", help: "Name prefix of every resource (overrides the spec's name)"),
                .value("delay", "seconds", help: "DelaySeconds of every queue (overrides the spec; the seed uses 60)"),
            ],
            examples: [
                Example("fanout stack up", "Seed 000's topology in the current region; writes terraform/outputs.json"),
                Example("fanout stack up --endpoint-url http://127.0.0.1:5000 --delay 5", "A local moto stack with a 5-second delay"),
            ])
    }

    static func run(_ options: Options, _ context: CommandContext) async throws {
        var spec = try options.spec.map { try StackSpec.load(path: $0) } ?? StackSpec.seed()
        if let name = options.name {
            let renamed = try StackSpec.parse(["name": .string(name), "queueCount": .number(Double(spec.queues.count))], source: "--name")
            spec.name = renamed.name
            spec.topicName = renamed.topicName + (spec.fifo ? ".fifo" : "")
            spec.tableName = renamed.tableName
            for i in spec.queues.indices { spec.queues[i].name = renamed.queues[i].name + (spec.fifo ? ".fifo" : "") }
        }
        if let delay = options.delay {
            for i in spec.queues.indices { spec.queues[i].delaySeconds = delay }
        }
        let session = try context.session()
        let (changes, outputs) = try await Stack(session: session).up(spec, progress: StackGroup.progress(context))
        let path = context.outputsPath
        try writeOutputs(outputs, to: path)
        let created = changes.filter { $0.action == .created }.count
        let updated = changes.filter { $0.action == .updated }.count
        let found = changes.filter { $0.action == .found }.count
        context.status("stack \(spec.name): \(created) created, \(updated) updated, \(found) unchanged; wrote \(path)")
        context.emit(json: ["outputs": .string(path), "changes": .array(changes.map(\.json))], ndjson: false) { "" }
    }

    static func writeOutputs(_ outputs: JSONValue, to path: String) throws {
        let dir = (path as NSString).deletingLastPathComponent
        do {
            if !dir.isEmpty { try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true) }
            try (outputs.pretty() + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        } catch {
            throw FanoutError.configuration("cannot write \(path): \(error.localizedDescription)")
        }
    }
}
