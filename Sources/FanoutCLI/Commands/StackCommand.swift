import FanoutKit
import Foundation

/// `fanout stack up | status | down`: the seed's Terraform apply/destroy, for emulators and sandbox accounts.
enum StackCommand {
    static var spec: CommandSpec {
        CommandSpec(
            name: "stack",
            abstract: "Provision, inspect or delete the fan-out topology and its outputs.json.",
            discussion: """
            'stack up' creates seed 000's topology — one SNS topic, N queues with DLQs (maxReceiveCount 3, 14-day \
            retention), a queue policy that admits only the topic, one subscription per queue, the consumers' \
            DynamoDB table and one CloudWatch alarm per DLQ — and writes outputs.json. It converges: a second run \
            changes nothing and says what it found.
            """,
            subcommands: [upSpec, statusSpec, downSpec])
    }

    static var upSpec: CommandSpec {
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
            ],
            run: { args in try await up(CommandContext(args)) })
    }

    static var statusSpec: CommandSpec {
        CommandSpec(name: "status", abstract: "Show whether each resource in outputs.json exists, with queue depths.",
                    run: { args in try await status(CommandContext(args)) })
    }

    static var downSpec: CommandSpec {
        CommandSpec(name: "down", abstract: "Delete every resource outputs.json names (asks on a terminal; --yes otherwise).",
                    options: [.flag("yes", short: "y", help: "Do not ask for confirmation")],
                    run: { args in try await down(CommandContext(args)) })
    }

    static func up(_ context: CommandContext) async throws {
        var spec = try context.args.string("spec").map { try StackSpec.load(path: $0) } ?? StackSpec.seed()
        if let name = context.args.string("name") {
            let renamed = try StackSpec.parse(["name": .string(name), "queueCount": .number(Double(spec.queues.count))], source: "--name")
            spec.name = renamed.name
            spec.topicName = renamed.topicName + (spec.fifo ? ".fifo" : "")
            spec.tableName = renamed.tableName
            for i in spec.queues.indices { spec.queues[i].name = renamed.queues[i].name + (spec.fifo ? ".fifo" : "") }
        }
        if let delay = try context.args.int("delay") {
            guard (0...900).contains(delay) else { throw FanoutError.usage("--delay must be between 0 and 900 seconds") }
            for i in spec.queues.indices { spec.queues[i].delaySeconds = delay }
        }
        let session = try await context.session()
        let (changes, outputs) = try await Stack(session: session).up(spec, progress: progress(context))
        let path = context.outputsPath
        try writeOutputs(outputs, to: path)
        let created = changes.filter { $0.action == .created }.count
        let updated = changes.filter { $0.action == .updated }.count
        let found = changes.filter { $0.action == .found }.count
        context.status("stack \(spec.name): \(created) created, \(updated) updated, \(found) unchanged; wrote \(path)")
        context.emit(json: ["outputs": .string(path), "changes": .array(changes.map(\.json))], ndjson: false) { "" }
    }

    /// One stderr line per change ("  created  queue fanout-queue-1"), unless --quiet.
    static func progress(_ context: CommandContext) -> @Sendable (StackChange) -> Void {
        let terminal = context.terminal, quiet = context.quiet
        return { change in
            if !quiet { terminal.err("  \(change.action.rawValue.padding(toLength: 8, withPad: " ", startingAt: 0)) \(change.kind) \(change.name)\n") }
        }
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

    static func status(_ context: CommandContext) async throws {
        let outputs = try context.outputs()
        let session = try await context.session()
        let queues = (try? outputs.strings(.queues)) ?? []
        let dlqs = (try? outputs.strings(.dlqs)) ?? []
        var rows: [(String, String, String)] = []
        var missing = 0
        if let topic = try? outputs.string(.topic) {
            let ok = (try? await session.sns.getTopicAttributes(topic)) != nil
            rows.append(("topic", QueueURL.nameFromArn(topic), ok ? "ok" : "missing"))
            if !ok { missing += 1 }
        }
        for (url, isDLQ) in queues.map({ ($0, false) }) + dlqs.map({ ($0, true) }) {
            do {
                let s = QueueSnapshot(url: url, isDLQ: isDLQ, attributes: try await session.sqs.getQueueAttributes(url, names: QueueSnapshot.attributeNames))
                rows.append((isDLQ ? "dlq" : "queue", s.name, "ok (\(s.delayed) delayed, \(s.inFlight) in flight, \(s.visible) visible)"))
            } catch {
                rows.append((isDLQ ? "dlq" : "queue", QueueURL.name(url), "missing"))
                missing += 1
            }
        }
        if let table = try? outputs.string(.table) {
            let ok = (try? await session.dynamodb.describeTable(table)) != nil
            rows.append(("table", table, ok ? "ok" : "missing"))
            if !ok { missing += 1 }
        }
        let alarms = (outputs.document["alarms"]?.array ?? []).compactMap(\.string)
        if !alarms.isEmpty {
            let present = Dictionary(uniqueKeysWithValues: try await session.cloudwatch.describeAlarms(names: alarms).map { ($0.name, $0.state) })
            for name in alarms {
                rows.append(("alarm", name, present[name].map { "ok (\($0))" } ?? "missing"))
                if present[name] == nil { missing += 1 }
            }
        }
        context.emit(json: .array(rows.map { ["kind": .string($0.0), "name": .string($0.1), "status": .string($0.2)] }), ndjson: false) {
            var table = Table([.init("KIND"), .init("NAME"), .init("STATUS")])
            for r in rows { table.add([r.0, r.1, r.2]) }
            return table.render(header: context.terminal.bold)
        }
        if missing > 0 { throw FanoutError.checkFailed("\(missing) resource(s) named in \(outputs.path) are missing") }
    }

    static func down(_ context: CommandContext) async throws {
        let outputs = try context.outputs()
        try Confirmation.require(context, flag: "yes", question: "Delete every resource named in \(outputs.path)?")
        let session = try await context.session()
        let changes = try await Stack(session: session).down(outputs, progress: progress(context))
        context.status("deleted \(changes.filter { $0.action == .deleted }.count), already gone \(changes.filter { $0.action == .missing }.count)")
        context.emit(json: ["changes": .array(changes.map(\.json))], ndjson: false) { "" }
    }
}

/// Destructive verbs ask on a terminal and need their --yes flag otherwise.
enum Confirmation {
    static func require(_ context: CommandContext, flag: String, question: String) throws {
        if context.args.flag(flag) { return }
        guard isatty(STDIN_FILENO) == 1, context.terminal.stderrIsTTY else {
            throw FanoutError.usage("\(question) Not a terminal: pass --\(flag) to confirm")
        }
        context.terminal.err("\(question) [y/N] ")
        let answer = readLine()?.lowercased() ?? ""
        guard answer == "y" || answer == "yes" else { throw FanoutError(.interrupted, "cancelled") }
    }
}
