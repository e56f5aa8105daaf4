import FanoutKit
import Foundation

/// `fanout scan`: the consumers' table as proof of processing.
enum ScanCommand {
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
            ],
            run: { args in try await run(CommandContext(args)) })
    }

    struct Record {
        var consumer: String
        var messageId: String
        var body: String
        var processedAt: Double?

        init(_ item: JSONValue) {
            consumer = item["consumer_id"]?["S"]?.string ?? ""
            messageId = item["message_id"]?["S"]?.string ?? ""
            body = item["body"]?["S"]?.string ?? ""
            processedAt = (item["processed_at"]?["N"]?.string).flatMap(Double.init)
        }

        var time: String { processedAt.map { ISO8601.format(Date(timeIntervalSince1970: $0)) } ?? "" }
    }

    static func run(_ context: CommandContext) async throws {
        let expect = try context.args.int("expect")
        let table = try context.tableName()
        let session = try await context.session()
        var clauses: [String] = []
        var values: [(String, JSONValue)] = []
        var names: [(String, JSONValue)] = []
        if let text = context.args.string("contains") {
            clauses.append("contains(#body, :text)")
            names.append(("#body", "body"))
            values.append((":text", ["S": .string(text)]))
        }
        if let consumer = context.args.string("consumer") {
            clauses.append("#consumer = :consumer")
            names.append(("#consumer", "consumer_id"))
            values.append((":consumer", ["S": .string(consumer)]))
        }
        var records: [Record] = []
        var startKey: JSONValue?
        repeat {
            let page = try await session.dynamodb.scan(table, filter: clauses.isEmpty ? nil : clauses.joined(separator: " AND "),
                                                       values: values.isEmpty ? nil : .object(values), names: names.isEmpty ? nil : .object(names),
                                                       startKey: startKey)
            records += page.items.map(Record.init)
            startKey = page.lastEvaluatedKey
        } while startKey != nil
        records.sort { ($0.processedAt ?? 0, $0.consumer) < ($1.processedAt ?? 0, $1.consumer) }
        context.emit(json: .array(records.map {
            ["consumer": .string($0.consumer), "messageId": .string($0.messageId), "body": .string($0.body),
             "processedAt": $0.processedAt.map { .string(ISO8601.format(Date(timeIntervalSince1970: $0))) } ?? .null]
        }), ndjson: false) {
            var t = Table([.init("CONSUMER"), .init("MESSAGE ID"), .init("PROCESSED AT"), .init("BODY")])
            for r in records {
                let body = r.body.count > 60 ? String(r.body.prefix(57)) + "..." : r.body
                t.add([r.consumer, r.messageId, r.time, body.replacingOccurrences(of: "\n", with: " ")])
            }
            return t.render(header: context.terminal.bold)
        }
        if let expect, records.count != expect {
            throw FanoutError.checkFailed("expected \(expect) record(s), found \(records.count)")
        }
    }
}
