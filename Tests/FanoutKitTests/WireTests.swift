import Foundation
import Testing
@testable import FanoutKit

/// Reads a fixture captured from a real moto 5.2.1 server (Tests/FanoutKitTests/Fixtures).
func fixture(_ name: String) throws -> [UInt8] {
    let dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")
    return Array(try Data(contentsOf: dir.appendingPathComponent(name)))
}

@Suite struct JSONValueTests {
    @Test func roundTripsAndKeepsKeyOrder() throws {
        let text = #"{"b":1,"a":[true,false,null,"x\n\"y\"",1.5,-2e3],"c":{"é":"日本"}}"#
        let value = try JSONValue.parse(text)
        #expect(value.serialized() == #"{"b":1,"a":[true,false,null,"x\n\"y\"",1.5,-2000],"c":{"é":"日本"}}"#)
        #expect(value["a"]?[3]?.string == "x\n\"y\"")
        #expect(value["c"]?["é"]?.string == "日本")
    }

    @Test func decodesEscapesAndSurrogatePairs() throws {
        #expect(try JSONValue.parse(#""\u00e9\ud83d\ude00\/""#) == .string("é😀/"))
    }

    @Test(arguments: ["", "{", "[1,]", "{\"a\" 1}", "tru", "\"abc", "1 2", "{\"a\":1,}"])
    func rejectsInvalidText(_ text: String) {
        #expect(throws: JSONParseError.self) { try JSONValue.parse(text) }
    }

    @Test func countsAsStringsOrNumbers() throws {
        #expect(JSONValue.string("3").int == 3)
        #expect(JSONValue.number(3).int == 3)
        #expect(JSONValue.number(3.5).int == nil)
    }

    @Test func escapesControlCharacters() {
        #expect(JSONValue.string("a\u{01}b\tc").serialized() == #""a\u0001b\tc""#)
    }
}

@Suite struct XMLNodeTests {
    @Test func readsCapturedSNSAttributes() throws {
        let xml = try XMLNode.parse(try fixture("sns-get-topic-attributes.xml"))
        #expect(xml.name == "GetTopicAttributesResponse")
        let attributes = try SNSClient.attributes(xml, DecodeContext(.sns, "GetTopicAttributes"))
        #expect(attributes["TopicArn"] == "arn:aws:sns:us-east-1:123456789012:top")
    }

    @Test func decodesEntitiesCDATAAndNamespaces() throws {
        let xml = try XMLNode.parse(#"<?xml version="1.0"?><a:Root xmlns:a="x"><!-- c --><B k='v'>1 &lt; 2 &amp; &#233;&#x65E5;</B><C><![CDATA[<raw>]]></C><D/></a:Root>"#)
        #expect(xml.name == "Root")
        #expect(xml.text("B") == "1 < 2 & é日")
        #expect(xml.text("C") == "<raw>")
        #expect(xml.child("D")?.text == "")
    }

    @Test(arguments: ["", "<a>", "<a></b", "text", "<a b=c></a>"])
    func rejectsBrokenXML(_ text: String) {
        #expect(throws: XMLParseError.self) { try XMLNode.parse(text) }
    }
}

@Suite struct ErrorDecodingTests {
    let sqs = AWSClient(service: .sqs, endpoint: "http://127.0.0.1/", config: AWSClientConfig(
        transport: CurlTransport(), credentials: { Credentials(accessKeyId: "a", secretAccessKey: "b") }, region: "us-east-1"))

    @Test func decodesJSONErrors() throws {
        var headers = HTTPHeaders()
        headers.add("x-amzn-RequestId", "req-1")
        let error = sqs.decodeError(HTTPResponse(status: 400, headers: headers, body: try fixture("sqs-error-nonexistent-queue.json")))
        #expect(error == AWSServiceError(service: "SQS", code: "QueueDoesNotExist", message: "The specified queue does not exist.", requestId: "req-1", httpStatus: 400))
        #expect(FanoutError.aws(error).exitCode == 254)
    }

    @Test func decodesDynamoDBErrors() throws {
        let error = sqs.decodeError(HTTPResponse(status: 400, body: try fixture("dynamodb-error-resource-not-found.json")))
        #expect(error.code == "ResourceNotFoundException")
    }

    @Test func decodesQueryXMLErrors() throws {
        let error = sqs.decodeError(HTTPResponse(status: 404, body: try fixture("sns-error-not-found.xml")))
        #expect(error.code == "NotFound")
        #expect(error.message == "Endpoint does not exist")
        #expect(error.requestId == "Xm7UTSs83wz7LJij6O1KCvA3vk7hD4wuZC7kZKG38tBgx5rw7yOx")
    }

    @Test func summarisesHTMLPages() throws {
        let error = sqs.decodeError(HTTPResponse(status: 500, body: try fixture("sqs-move-task-unimplemented.html")))
        #expect(error.code == "HTTP500")
        #expect(error.message == "500 Internal Server Error")
        #expect(RetryPolicy().isRetryable(error))
    }

    @Test func exitCodeTable() {
        #expect(FanoutError.checkFailed("x").exitCode == 1)
        #expect(FanoutError(.interrupted, "x").exitCode == 130)
        #expect(FanoutError.usage("x").exitCode == 252)
        #expect(FanoutError.configuration("x").exitCode == 253)
        #expect(FanoutError.network("x").exitCode == 255)
    }
}

@Suite struct RedactionAndRetryTests {
    @Test func redactsSignaturesSecretsAndTokens() {
        let text = """
        Authorization: AWS4-HMAC-SHA256 Credential=AKID/20261122/us-east-1/sqs/aws4_request, SignedHeaders=host;x-amz-date, Signature=abcdef0123
        X-Amz-Security-Token: FQoGZXIvYXdzEJr
        body: <Credentials><AccessKeyId>ASIA1</AccessKeyId><SecretAccessKey>wJalrXUtnFEMI</SecretAccessKey><SessionToken>FQoGZXIvYXdzEJr</SessionToken></Credentials>
        {"SecretAccessKey":"wJalrXUtnFEMI","SessionToken":"FQoGZXIvYXdzEJr"}
        """
        let out = Redaction.redact(text)
        #expect(!out.contains("abcdef0123"))
        #expect(!out.contains("wJalrXUtnFEMI"))
        #expect(!out.contains("FQoGZXIvYXdzEJr"))
        #expect(out.contains("Credential=AKID/20261122"))
        #expect(out.contains("<AccessKeyId>ASIA1</AccessKeyId>"))
    }

    @Test func retriesWhatTheSDKsRetry() {
        let policy = RetryPolicy()
        func err(_ code: String, _ status: Int) -> AWSServiceError { AWSServiceError(service: "SQS", code: code, message: "", httpStatus: status) }
        #expect(policy.isRetryable(err("ThrottlingException", 400)))
        #expect(policy.isRetryable(err("RequestThrottled", 403)))
        #expect(policy.isRetryable(err("X", 503)))
        #expect(policy.isRetryable(TransportError(code: 7, message: "connect failed", url: "x")))
        #expect(!policy.isRetryable(err("QueueDoesNotExist", 400)))
        #expect(!policy.isRetryable(err("AccessDenied", 403)))
        for retry in 0..<8 {
            let d = policy.delay(beforeRetry: retry)
            #expect(d >= 0 && d <= min(Double(1 << retry), 20))
        }
    }
}

@Suite struct TerraformOutputsTests {
    let flat: JSONValue = [
        "sns_topic_arn": "arn:aws:sns:eu-west-1:1:fanout", "dynamodb_table_name": "fanout-messages",
        "api_endpoint": "https://x.execute-api.eu-west-1.amazonaws.com",
        "queues": [["url": "https://sqs/1/q1"], ["url": "https://sqs/1/q2"]], "dlqs": [["url": "https://sqs/1/d1"]],
    ]

    @Test func readsTheFlatShape() throws {
        let o = TerraformOutputs(path: "o.json", document: flat)
        #expect(try o.string(.topic) == "arn:aws:sns:eu-west-1:1:fanout")
        #expect(try o.strings(.queues) == ["https://sqs/1/q1", "https://sqs/1/q2"])
        #expect(try o.strings(.dlqs) == ["https://sqs/1/d1"])
        #expect(try o.string(.table) == "fanout-messages")
    }

    @Test func unwrapsTerraformOutputJSON() throws {
        let wrapped: JSONValue = [
            "sns_topic_arn": ["sensitive": false, "type": "string", "value": "arn:t"],
            "queue_urls": ["sensitive": false, "type": ["list", "string"], "value": ["u1", "u2"]],
        ]
        let o = TerraformOutputs(path: "o.json", document: wrapped)
        #expect(try o.string(.topic) == "arn:t")
        #expect(try o.strings(.queues, filter: ".queue_urls") == ["u1", "u2"])
        #expect(try o.strings(.queues, filter: ".queue_urls[]") == ["u1", "u2"])
    }

    @Test func namesFileFilterAndYieldInErrors() throws {
        let o = TerraformOutputs(path: "o.json", document: flat)
        #expect { try o.string(.topic, filter: ".nope") } throws: { e in
            let e = e as! FanoutError
            return e.exitCode == 253 && e.message.contains("o.json") && e.message.contains("'.nope'") && e.message.contains("yielded null")
        }
        #expect { try o.strings(.queues, filter: ".queues[") } throws: { e in
            let e = e as! FanoutError
            return e.exitCode == 253 && e.message.contains("'.queues['") && e.message.contains("failed")
        }
        #expect { try o.strings(.queues, filter: ".queues[].nope") } throws: { e in
            (e as! FanoutError).message.contains("yielded 2 values, the first null")
        }
        #expect { try o.string(.table, filter: ".queues | length") } throws: { e in
            (e as! FanoutError).message.contains("yielded a number (2)")
        }
        #expect { try o.strings(.dlqs, filter: "empty") } throws: { e in
            (e as! FanoutError).message.contains("yielded nothing")
        }
        #expect { try o.string(.topic, filter: "error(\"boom\")") } throws: { e in
            (e as! FanoutError).message.contains("boom")
        }
    }

    @Test func prefetchedFiltersGiveTheSameAnswersAndErrors() throws {
        let filters = [".queues[].url", ".dlqs[].url", ".sns_topic_arn # a comment", "error(\"boom\")", ".queues | length"]
        let alone = TerraformOutputs(path: "o.json", document: flat)
        let batched = TerraformOutputs(path: "o.json", document: flat)
        batched.prefetch(filters)
        for filter in filters {
            func answer(_ o: TerraformOutputs) -> String {
                do { return JSONValue.array(try o.evaluate(filter, role: .queues)).serialized() } catch { return "error: \(error)" }
            }
            #expect(answer(alone) == answer(batched), "\(filter)")
        }
        // One filter that does not compile: nothing is cached and each error still names its own filter.
        let broken = TerraformOutputs(path: "o.json", document: flat)
        broken.prefetch([".queues[", ".sns_topic_arn"])
        #expect(try broken.string(.topic) == "arn:aws:sns:eu-west-1:1:fanout")
        #expect { try broken.strings(.queues, filter: ".queues[") } throws: { ($0 as! FanoutError).message.contains("'.queues['") }
    }

    @Test func missingAndInvalidFiles() throws {
        #expect { try TerraformOutputs.load(path: "/nonexistent/outputs.json") } throws: { e in
            let e = e as! FanoutError
            return e.exitCode == 253 && e.message == "outputs.json: /nonexistent/outputs.json does not exist"
        }
        let path = NSTemporaryDirectory() + "fanout-bad-\(UUID().uuidString).json"
        try "{\"a\": ".write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect { try TerraformOutputs.load(path: path) } throws: { e in
            (e as! FanoutError).message.contains("is not valid JSON")
        }
    }
}
