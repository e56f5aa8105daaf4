import FanoutKit
import Foundation

/// `fanout publish`: messages to the topic, one or many, with attributes, templates, pacing and FIFO ids.
enum PublishCommand: LeafCommand {
    /// Where the message bodies come from.
    enum Source: Sendable, Equatable {
        case argument(String)
        case file(String)
        /// One message per non-empty line.
        case standardInput
    }

    struct Options: CommandOptions {
        static let maxCount = 1_000_000
        static let maxConcurrency = 64
        static let rates = 0.001...1_000_000.0

        var message: String?
        var file: String?
        var attributes: [MessageAttributeOption]
        var subject: String?
        var groupId: String?
        var dedupId: String?
        var count: Int
        var rate: Double?
        var concurrency: Int
        var viaAPI: Bool
        var resources: ResourceOptions

        init(_ args: ParsedArguments) throws {
            message = args.argument("message")
            file = try args.nonEmpty("file")
            attributes = try MessageAttributeOption.parse(args, "attr")
            subject = try args.nonEmpty("subject")
            groupId = try args.nonEmpty("group-id")
            dedupId = try args.nonEmpty("dedup-id")
            // The spec gives both a default, so neither read is nil.
            count = args.defaulted(try args.int("count", in: 1...Self.maxCount), "count")
            concurrency = args.defaulted(try args.int("concurrency", in: 1...Self.maxConcurrency), "concurrency")
            rate = try args.number("rate", in: Self.rates, unit: "a number of messages per second")
            viaAPI = args.flag("via-api")
            resources = try ResourceOptions(args, roles: [.topic, .api])
        }

        func validate() throws {
            if message != nil && file != nil { throw FanoutError.usage("Give the message as an argument or --file, not both") }
        }

        var source: Source {
            if let message { return .argument(message) }
            return file.map(Source.file) ?? .standardInput
        }
    }

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
                MessageAttributeOption.spec,
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
            ])
    }

    static func run(_ options: Options, _ context: CommandContext) async throws {
        let templates = try bodies(options.source, context.terminal)
        let resources = context.resources(options.resources)
        if options.viaAPI { return try await viaAPI(context, endpoint: resources.apiEndpoint(), bodies: templates, count: options.count) }

        let topic = try resources.topicArn()
        let fifo = topic.hasSuffix(".fifo")
        if fifo && options.groupId == nil {
            throw FanoutError.usage("\(QueueURL.nameFromArn(topic)) is a FIFO topic: pass --group-id (and --dedup-id unless the topic has content-based deduplication)")
        }
        if !fifo && (options.groupId != nil || options.dedupId != nil) {
            throw FanoutError.usage("--group-id and --dedup-id apply to FIFO topics only; \(QueueURL.nameFromArn(topic)) is a standard topic")
        }
        let messages = try PublishRequest.messages(templates: templates, count: options.count, subject: options.subject,
                                                   attributes: options.attributes.map(\.pair),
                                                   groupId: options.groupId, deduplicationId: options.dedupId)
        let request = PublishRequest(topicArn: topic, messages: messages, rate: options.rate, concurrency: options.concurrency)

        let session = try context.session()
        let progress = ProgressBar(context.terminal, quiet: context.quiet, total: messages.count, label: "published")
        var ids = [String?](repeating: nil, count: messages.count)
        var failures: [PublishFailure] = []
        var summary = PublishSummary(total: messages.count, published: 0, failed: 0)
        try await Publishing.publish(request, sns: session.sns).forEach { event in
            switch event {
            case .acknowledged(let published):
                for m in published { ids[m.seq - 1] = m.messageId }
                progress.advance(published.count)
            case .failed(let entries):
                failures += entries
                progress.advance(entries.count)
            case .finished(let counts):
                summary = counts
            }
        }
        progress.finish()
        let published = ids.compactMap { $0 }
        context.emit(json: .array(ids.enumerated().compactMap { i, id in id.map { ["seq": .number(Double(i + 1)), "messageId": .string($0)] } }),
                     ndjson: false) { published.map { $0 + "\n" }.joined() }
        if !failures.isEmpty {
            for f in failures.prefix(5) { context.terminal.err("failed: \(f)\n") }
            throw FanoutError(.other, "\(summary.failed) of \(summary.total) messages were not published")
        }
        if messages.count > 1 { context.status("published \(published.count) messages to \(QueueURL.nameFromArn(topic))") }
    }

    /// The bodies: the argument, the file, or stdin's non-empty lines.
    static func bodies(_ source: Source, _ terminal: Terminal) throws -> [String] {
        switch source {
        case .argument(let message):
            return [message]
        case .file(let path):
            guard let data = FileManager.default.contents(atPath: path) else { throw FanoutError.configuration("cannot read --file \(path)") }
            return [String(decoding: data, as: UTF8.self)]
        case .standardInput:
            if terminal.stdinIsTTY { throw FanoutError.usage("No message: pass it as an argument, with --file, or on stdin") }
            var lines: [String] = []
            while let line = terminal.stdin.readLine() { if !line.isEmpty { lines.append(line) } }
            if lines.isEmpty { throw FanoutError.usage("No message: stdin was empty") }
            return lines
        }
    }

    /// POSTs each body to the API's /publish, as the seed's curl does (HTTP API, unsigned).
    static func viaAPI(_ context: CommandContext, endpoint base: String, bodies: [String], count: Int) async throws {
        let url = (base.hasSuffix("/") ? String(base.dropLast()) : base) + "/publish"
        var seq = 0
        for template in bodies {
            for _ in 0..<count {
                seq += 1
                var headers = HTTPHeaders()
                headers.add("Content-Type", "application/json")
                let response = try await context.transport.send(
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

/// `--attr NAME[:TYPE]=VALUE`, as publish and route take it: parsed by `Publishing.attribute` in the parse step.
struct MessageAttributeOption: Sendable, Equatable {
    var name: String
    var value: MessageAttributeValue

    var pair: (name: String, value: MessageAttributeValue) { (name, value) }

    static let spec = OptionSpec.value("attr", "name[:type]=value", help: "Message attribute; type String (default), Number or String.Array",
                                       repeatable: true)

    /// Every attribute given (an empty value is skipped); FanoutKit's error gains a hint naming the option.
    static func parse(_ args: ParsedArguments, _ long: String) throws -> [MessageAttributeOption] {
        try args.strings(long).filter { !$0.isEmpty }.map { text in
            do {
                let (name, value) = try Publishing.attribute(text)
                return MessageAttributeOption(name: name, value: value)
            } catch var error as FanoutError where error.subject == .input("attribute") {
                error.hint = "--\(long) takes NAME=VALUE or NAME:TYPE=VALUE, TYPE one of String, Number, String.Array"
                throw error
            }
        }
    }
}
