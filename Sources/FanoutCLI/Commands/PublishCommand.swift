import FanoutKit
import Foundation

/// `fanout publish`: messages to the topic, one or many, with attributes, templates, pacing and FIFO ids.
enum PublishCommand {
    static var spec: CommandSpec {
        CommandSpec(
            name: "publish",
            abstract: "Publish messages to the topic (argument, --file, or stdin one per line).",
            discussion: """
            Several messages go out with PublishBatch, 10 per call and never over 256 KiB. A body over 256 KiB, a \
            bad attribute or a missing topic fails before anything is sent. In bodies and ids, {{seq}} is the \
            message's number (1…N), {{uuid}} a random UUID and {{now}} the time in ISO 8601. Prints one message id \
            per line.
            """,
            arguments: [ArgumentSpec(name: "message", help: "The message body (omit to read --file or stdin)", isOptional: true)],
            options: [
                .value("file", "path", help: "Read the message body from a file", completion: .file),
                .value("attr", "name[:type]=value", help: "Message attribute; type String (default), Number or String.Array", repeatable: true),
                .value("subject", "text", help: "Subject of the message"),
                .value("group-id", "id", help: "MessageGroupId (required on a FIFO topic; {{seq}} allowed)"),
                .value("dedup-id", "id", help: "MessageDeduplicationId (FIFO; {{seq}}/{{uuid}} allowed)"),
                .value("count", "n", help: "Publish the message N times", default: "1"),
                .value("rate", "per-second", help: "At most this many messages per second"),
                .value("concurrency", "n", help: "Batches in flight at once", default: "8"),
                .flag("via-api", help: "POST to outputs.json's api_endpoint + /publish, as the seed's curl does"),
            ] + FanoutCommand.resourceOptions([.topic, .api]),
            examples: [
                Example(#"fanout publish '{"text": "fanout-test-1"}'"#, "One message, as the seed's make publish"),
                Example(#"fanout publish --count 2000 '{"n": {{seq}}}' --rate 500"#, "Load: 2,000 numbered messages at 500/s"),
                Example("fanout publish --attr event_type=order.created --attr amount:Number=42 '{}'", "With attributes"),
                Example("cat events.ndjson | fanout publish", "One message per line of stdin"),
            ],
            run: { args in try await run(CommandContext(args)) })
    }

    static func run(_ context: CommandContext) async throws {
        let args = context.args
        let count = try args.int("count") ?? 1
        guard count >= 1 else { throw FanoutError.usage("--count must be at least 1") }
        let concurrency = try args.int("concurrency") ?? 8
        guard concurrency >= 1 else { throw FanoutError.usage("--concurrency must be at least 1") }
        let rate = try args.double("rate")
        if let rate, rate <= 0 { throw FanoutError.usage("--rate must be greater than 0") }
        let attributes = try args.strings("attr").filter { !$0.isEmpty }.map(Publishing.attribute)

        // The bodies: argument, file, or stdin lines.
        var templates: [String]
        if let message = args.argument("message") {
            if args.has("file") { throw FanoutError.usage("Give the message as an argument or --file, not both") }
            templates = [message]
        } else if let file = args.string("file") {
            guard let data = FileManager.default.contents(atPath: file) else { throw FanoutError.configuration("cannot read --file \(file)") }
            templates = [String(decoding: data, as: UTF8.self)]
        } else {
            if isatty(STDIN_FILENO) == 1 { throw FanoutError.usage("No message: pass it as an argument, with --file, or on stdin") }
            templates = []
            while let line = readLine(strippingNewline: true) { if !line.isEmpty { templates.append(line) } }
            if templates.isEmpty { throw FanoutError.usage("No message: stdin was empty") }
        }

        if args.flag("via-api") { return try await viaAPI(context, bodies: templates, count: count) }

        let topic = try context.topicArn()
        let fifo = topic.hasSuffix(".fifo")
        let groupTemplate = args.string("group-id"), dedupTemplate = args.string("dedup-id")
        if fifo && groupTemplate == nil {
            throw FanoutError.usage("\(QueueURL.nameFromArn(topic)) is a FIFO topic: pass --group-id (and --dedup-id unless the topic has content-based deduplication)")
        }
        if !fifo && (groupTemplate != nil || dedupTemplate != nil) {
            throw FanoutError.usage("--group-id and --dedup-id apply to FIFO topics only; \(QueueURL.nameFromArn(topic)) is a standard topic")
        }

        var messages: [SNSMessage] = []
        var seq = 0
        for template in templates {
            for _ in 0..<count {
                seq += 1
                let m = SNSMessage(id: String(seq), message: Publishing.render(template, seq: seq), subject: args.string("subject"),
                                   attributes: attributes, messageGroupId: groupTemplate.map { Publishing.render($0, seq: seq) },
                                   messageDeduplicationId: dedupTemplate.map { Publishing.render($0, seq: seq) })
                let size = Publishing.size(m)
                if size > Publishing.maxBytes {
                    throw FanoutError.usage("Message \(seq) is \(size) bytes with its attributes; SNS accepts at most \(Publishing.maxBytes) (256 KiB)")
                }
                messages.append(m)
            }
        }

        let session = try await context.session()
        let sns = session.sns
        let limiter = RateLimiter(perSecond: rate)
        let progress = ProgressBar(context: context, total: messages.count, label: "published")
        var ids = [String?](repeating: nil, count: messages.count)
        var failures: [String] = []
        if messages.count == 1 {
            ids[0] = try await sns.publish(topicArn: topic, messages[0])
        } else {
            let batches = Publishing.batches(messages)
            try await withThrowingTaskGroup(of: (Int, BatchResult).self) { group in
                var next = 0
                var offsets: [Int] = []
                var offset = 0
                for b in batches { offsets.append(offset); offset += b.count }
                func launch() {
                    let index = next
                    next += 1
                    group.addTask {
                        try await limiter.acquire(batches[index].count)
                        return (index, try await sns.publishBatch(topicArn: topic, batches[index]))
                    }
                }
                while next < min(concurrency, batches.count) { launch() }
                for try await (index, result) in group {
                    for (i, m) in batches[index].enumerated() { if let id = result.successful[m.id] { ids[offsets[index] + i] = id } }
                    failures += result.failed.map { "message \($0.id): \($0.code) \($0.message)" }
                    progress.advance(batches[index].count)
                    if next < batches.count { launch() }
                }
            }
        }
        progress.finish()
        let published = ids.compactMap { $0 }
        context.emit(json: .array(ids.enumerated().compactMap { i, id in id.map { ["seq": .number(Double(i + 1)), "messageId": .string($0)] } }),
                     ndjson: false) { published.map { $0 + "\n" }.joined() }
        if !failures.isEmpty {
            for f in failures.prefix(5) { context.terminal.err("failed: \(f)\n") }
            throw FanoutError(.other, "\(failures.count) of \(messages.count) messages were not published")
        }
        if messages.count > 1 { context.status("published \(published.count) messages to \(QueueURL.nameFromArn(topic))") }
    }

    /// POSTs each body to the API's /publish, as the seed's curl does (HTTP API, unsigned).
    static func viaAPI(_ context: CommandContext, bodies: [String], count: Int) async throws {
        let base = try context.apiEndpoint()
        let url = (base.hasSuffix("/") ? String(base.dropLast()) : base) + "/publish"
        var seq = 0
        for template in bodies {
            for _ in 0..<count {
                seq += 1
                var headers = HTTPHeaders()
                headers.add("Content-Type", "application/json")
                let response = try await CommandContext.transport.send(
                    HTTPRequest(method: "POST", url: url, headers: headers, body: Array(Publishing.render(template, seq: seq).utf8)), timeouts: HTTPTimeouts())
                context.emit(json: ["status": .number(Double(response.status)), "body": .string(response.bodyText)], ndjson: true) {
                    response.bodyText + "\nHTTP_STATUS:\(response.status)\n"
                }
                guard (200..<300).contains(response.status) else {
                    throw FanoutError(.other, "POST \(url) answered HTTP \(response.status)")
                }
            }
        }
    }
}

/// A one-line progress bar on stderr, shown only on a terminal for long runs.
final class ProgressBar: @unchecked Sendable {
    let terminal: Terminal
    let total: Int
    let label: String
    let enabled: Bool
    var done = 0
    let started = DispatchTime.now().uptimeNanoseconds
    var lastDraw: UInt64 = 0

    init(context: CommandContext, total: Int, label: String) {
        terminal = context.terminal
        self.total = total
        self.label = label
        enabled = context.terminal.stderrIsTTY && !context.quiet && total >= 50
    }

    func advance(_ n: Int) {
        done += n
        guard enabled else { return }
        let now = DispatchTime.now().uptimeNanoseconds
        if now - lastDraw < 50_000_000 && done < total { return }
        lastDraw = now
        let elapsed = Double(now - started) / 1e9
        let rate = elapsed > 0 ? Double(done) / elapsed : 0
        let eta = rate > 0 ? Double(total - done) / rate : 0
        let width = 30
        let filled = total > 0 ? width * done / total : width
        let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled)
        terminal.err("\r\(bar) \(done)/\(total) \(label) \(Int(rate))/s ETA \(Int(eta))s\u{1B}[K")
    }

    func finish() { if enabled { terminal.err("\r\u{1B}[K") } }
}
