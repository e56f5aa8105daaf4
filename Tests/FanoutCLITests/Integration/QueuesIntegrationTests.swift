import Foundation
import Testing
@testable import FanoutKit

/// `fanout queues` against real queues on moto holding known message counts.
@Suite struct QueuesIntegrationTests {
    /// The expected JSON numbers for the seeded pair, checked exactly.
    func expectSeededJSON(_ stdout: String, _ q: SeededQueues, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let rows = try jsonArray(stdout, sourceLocation: sourceLocation)
        try #require(rows.count == 2, "\(stdout)", sourceLocation: sourceLocation)
        let main = rows[0], dlq = rows[1]
        #expect(main["name"] as? String == q.mainName, sourceLocation: sourceLocation)
        #expect(main["url"] as? String == q.mainURL, sourceLocation: sourceLocation)
        #expect(main["arn"] as? String == "arn:aws:sqs:us-east-1:123456789012:\(q.mainName)", sourceLocation: sourceLocation)
        #expect(main["kind"] as? String == "queue", sourceLocation: sourceLocation)
        #expect(main["visible"] as? Int == 3, sourceLocation: sourceLocation)
        #expect(main["inFlight"] as? Int == 1, sourceLocation: sourceLocation)
        #expect(main["delayed"] as? Int == 2, sourceLocation: sourceLocation)
        #expect(main["dlq"] as? String == q.dlqName, sourceLocation: sourceLocation)
        #expect(main["maxReceiveCount"] as? Int == 3, sourceLocation: sourceLocation)

        #expect(dlq["name"] as? String == q.dlqName, sourceLocation: sourceLocation)
        #expect(dlq["url"] as? String == q.dlqURL, sourceLocation: sourceLocation)
        #expect(dlq["arn"] as? String == q.dlqArn, sourceLocation: sourceLocation)
        #expect(dlq["kind"] as? String == "dlq", sourceLocation: sourceLocation)
        #expect(dlq["visible"] as? Int == 4, sourceLocation: sourceLocation)
        #expect(dlq["inFlight"] as? Int == 0, sourceLocation: sourceLocation)
        #expect(dlq["delayed"] as? Int == 0, sourceLocation: sourceLocation)
        // A DLQ row has no dlq/maxReceiveCount members at all.
        #expect(dlq["dlq"] == nil && dlq["maxReceiveCount"] == nil, "\(dlq)", sourceLocation: sourceLocation)
    }

    @Test func flatOutputsJSONHasExactDepths() async throws {
        let q = try await SeededQueues.create()
        let home = try TempDir()
        let outputs = try home.write("outputs.json", q.flatOutputs)
        let result = await Fanout.runInProcess(["queues", "--outputs", outputs, "--output", "json"],
                                    environment: try Fanout.motoEnvironment(home: home.path))
        #expect(result.status == 0, "\(result)")
        #expect(result.stderr.isEmpty, "\(result)")
        try expectSeededJSON(result.stdout, q)
    }

    /// The table, byte for byte: names left-aligned, counts right-aligned under their headers, no trailing blanks.
    @Test func flatOutputsTable() async throws {
        let q = try await SeededQueues.create()
        let home = try TempDir()
        // The default --outputs is terraform/outputs.json under the working directory.
        try home.write("terraform/outputs.json", q.flatOutputs)
        let result = try Fanout.run(["queues"], environment: try Fanout.motoEnvironment(home: home.path), cwd: home.path)
        #expect(result.status == 0, "\(result)")

        func left(_ s: String, _ width: Int) -> String { s + String(repeating: " ", count: width - s.count) }
        func right(_ s: String, _ width: Int) -> String { String(repeating: " ", count: width - s.count) + s }
        let nameWidth = max("QUEUE".count, q.mainName.count, q.dlqName.count)
        let dlqWidth = max("DLQ".count, q.dlqName.count)
        let expected = [
            [left("QUEUE", nameWidth), "KIND ", "VISIBLE", "IN FLIGHT", "DELAYED", left("DLQ", dlqWidth), "MAX RECEIVES"],
            [left(q.mainName, nameWidth), "queue", right("3", 7), right("1", 9), right("2", 7), left(q.dlqName, dlqWidth), right("3", 12)],
            [left(q.dlqName, nameWidth), "dlq  ", right("4", 7), right("0", 9), right("0", 7)],
        ].map { $0.joined(separator: "  ") }.joined(separator: "\n") + "\n"
        #expect(result.stdout == expected, "\(result)")
    }

    /// `terraform output -json`'s wrapped shape is unwrapped; FANOUT_OUTPUTS points at it.
    @Test func terraformWrappedOutputs() async throws {
        let q = try await SeededQueues.create()
        let home = try TempDir()
        let outputs = try home.write("tf-outputs.json", q.terraformOutputs)
        var env = try Fanout.motoEnvironment(home: home.path)
        env["FANOUT_OUTPUTS"] = outputs
        let result = await Fanout.runInProcess(["queues", "-o", "json"], environment: env)
        #expect(result.status == 0, "\(result)")
        try expectSeededJSON(result.stdout, q)
    }

    /// A custom layout read with --queues-filter/--dlqs-filter (one yields a string, the other an array).
    @Test func customFilters() async throws {
        let q = try await SeededQueues.create()
        let home = try TempDir()
        let outputs = try home.write("custom.json", """
            {"stack": {"orders": {"queue_url": "\(q.mainURL)"}, "dead_letter_urls": ["\(q.dlqURL)"]}, "queues": "not a list"}
            """)
        let env = try Fanout.motoEnvironment(home: home.path)
        let result = await Fanout.runInProcess(["queues", "--outputs", outputs, "-o", "json", "--queues-filter", ".stack.orders.queue_url",
                                     "--dlqs-filter", ".stack.dead_letter_urls"], environment: env)
        #expect(result.status == 0, "\(result)")
        try expectSeededJSON(result.stdout, q)

        // Without --dlqs-filter and no `dlqs` output, there are no DLQs: only the main queue is listed.
        let mainOnly = await Fanout.runInProcess(["queues", "--outputs", outputs, "-o", "json", "--queues-filter", "[.stack.orders.queue_url]"],
                                      environment: env)
        #expect(mainOnly.status == 0, "\(mainOnly)")
        let rows = try jsonArray(mainOnly.stdout)
        #expect(rows.map { $0["name"] as? String } == [q.mainName])
        #expect(rows.first?["visible"] as? Int == 3)
    }

    /// --queue/--dlq by URL and by name (GetQueueUrl) need no outputs.json at all.
    @Test func queueOverridesWithoutOutputsFile() async throws {
        let q = try await SeededQueues.create()
        let home = try TempDir()
        let env = try Fanout.motoEnvironment(home: home.path)
        #expect(!FileManager.default.fileExists(atPath: home.path + "/terraform/outputs.json"))

        let byURL = try Fanout.run(["queues", "--queue", q.mainURL, "--dlq", q.dlqURL, "-o", "json"], environment: env, cwd: home.path)
        #expect(byURL.status == 0, "\(byURL)")
        try expectSeededJSON(byURL.stdout, q)

        let byName = try Fanout.run(["queues", "--queue", q.mainName, "--dlq", q.dlqName, "-o", "json"], environment: env, cwd: home.path)
        #expect(byName.status == 0, "\(byName)")
        try expectSeededJSON(byName.stdout, q)

        // --queue alone: just that queue, no DLQ rows (and still no outputs.json needed).
        let single = try Fanout.run(["queues", "--queue", q.mainName, "-o", "json"], environment: env, cwd: home.path)
        #expect(single.status == 0, "\(single)")
        let rows = try jsonArray(single.stdout)
        #expect(rows.count == 1)
        #expect(rows.first?["url"] as? String == q.mainURL)
        #expect(rows.first?["dlq"] as? String == q.dlqName)
        #expect(rows.first?["delayed"] as? Int == 2)
    }

    /// A stack without DLQs: a missing, null or empty `dlqs` output lists the queues alone (flat and wrapped shapes).
    @Test func stackWithoutDLQs() async throws {
        let q = try await SeededQueues.create()
        let home = try TempDir()
        let env = try Fanout.motoEnvironment(home: home.path)
        let shapes = [
            "no dlqs key": #"{"queues": [{"url": "\#(q.mainURL)"}]}"#,
            "null dlqs": #"{"queues": [{"url": "\#(q.mainURL)"}], "dlqs": null}"#,
            "empty dlqs": #"{"queues": [{"url": "\#(q.mainURL)"}], "dlqs": []}"#,
            "terraform, empty dlqs": #"""
                {"queues": {"sensitive": false, "type": ["tuple", [["object", {"url": "string"}]]], "value": [{"url": "\#(q.mainURL)"}]},
                 "dlqs": {"sensitive": false, "type": ["tuple", []], "value": []}}
                """#,
        ]
        for (label, text) in shapes.sorted(by: { $0.key < $1.key }) {
            let outputs = try home.write("outputs-\(label.replacingOccurrences(of: " ", with: "-")).json", text)
            let result = await Fanout.runInProcess(["queues", "--outputs", outputs, "-o", "json"], environment: env)
            #expect(result.status == 0, "\(label): \(result)")
            let rows = (try? jsonArray(result.stdout)) ?? []
            #expect(rows.map { $0["name"] as? String } == [q.mainName], "\(label): \(result)")
            #expect(rows.first?["visible"] as? Int == 3, "\(label)")
        }
    }
}
