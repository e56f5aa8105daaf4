import FanoutKit
import Foundation

/// `fanout scan`: the consumers' table as proof of processing.
enum ScanCommand: LeafCommand {
    struct Options: CommandOptions {
        var contains: String?
        var consumer: String?
        var expect: Int?
        var resources: ResourceOptions

        init(_ args: ParsedArguments) throws {
            contains = args.string("contains")
            consumer = try args.nonEmpty("consumer")
            expect = try args.int("expect", in: 0...Int.max)
            resources = try ResourceOptions(args, roles: [.table])
        }
    }

    static var spec: CommandSpec {
        CommandSpec(
            name: "scan",
            abstract: "List the records the consumers wrote: proof of processing.",
            discussion: "Scans the table to the end (every page), optionally filtered as the seed's contains(body, …) scan.",
            options: [
                .value("contains", "text", help: "Only records whose body contains this text"),
                .value("consumer", "id", help: "Only records of this consumer (e.g. consumer_1)"),
                .value("expect", "n", help: "Exit 1 unless exactly N records match"),
            ] + FanoutCommand.resourceOptions([.table]),
            examples: [
                Example("fanout scan --contains fanout-test-1 --expect 3", "Seed Test 1: one record per consumer"),
                Example("fanout scan -o json | jq length", "Count every record"),
            ])
    }

    static func run(_ options: Options, _ context: CommandContext) async throws {
        let table = try context.resources(options.resources).tableName()
        let session = try context.session()
        let records = try await ProcessedRecord.scan(session.dynamodb, table: table,
                                                     .init(bodyContains: options.contains, consumerId: options.consumer))
        func time(_ r: ProcessedRecord) -> String? { r.processedAt.map { ISO8601.format(Date(timeIntervalSince1970: $0)) } }
        context.emit(json: .array(records.map {
            ["consumer": .string($0.consumerId), "messageId": .string($0.messageId), "body": .string($0.body),
             "processedAt": time($0).map(JSONValue.string) ?? .null]
        }), ndjson: false) {
            var t = Table([.init("CONSUMER"), .init("MESSAGE ID"), .init("PROCESSED AT"), .init("BODY")])
            for r in records {
                let body = r.body.count > 60 ? String(r.body.prefix(57)) + "..." : r.body
                t.add([r.consumerId, r.messageId, time(r) ?? "", body.replacingOccurrences(of: "\n", with: " ")])
            }
            return t.render(header: context.terminal.bold)
        }
        if let expect = options.expect, records.count != expect {
            throw FanoutError.checkFailed("expected \(expect) record(s), found \(records.count)")
        }
    }
}
