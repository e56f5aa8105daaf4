import Foundation
import Testing
@testable import FanoutKit

/// The built binary against a real moto server (scripts/with-moto.sh, started by `make test`).
@Suite struct FoundationIntegrationTests {
    /// A main queue with a DLQ holding known counts: 3 visible, 2 delayed, 1 in flight; 4 in the DLQ.
    @Test func queuesShowsKnownDepths() async throws {
        let endpoint = try Fanout.endpoint()
        let moto = MotoClients(endpoint: endpoint)
        let name = uniqueName("depth")
        let dlq = try await moto.sqs.createQueue("\(name)-dlq", attributes: [:])
        let dlqArn = try await moto.sqs.getQueueAttributes(dlq, names: ["QueueArn"])["QueueArn"] ?? ""
        let main = try await moto.sqs.createQueue(name, attributes: [
            "RedrivePolicy": #"{"deadLetterTargetArn":"\#(dlqArn)","maxReceiveCount":3}"#])
        for i in 0..<4 { _ = try await moto.sqs.sendMessage(main, SQSOutgoingMessage(id: "\(i)", body: "visible \(i)")) }
        _ = try await moto.sqs.receiveMessages(main, max: 1, visibilityTimeout: 600)
        for i in 0..<2 { _ = try await moto.sqs.sendMessage(main, SQSOutgoingMessage(id: "d\(i)", body: "delayed", delaySeconds: 600)) }
        for i in 0..<4 { _ = try await moto.sqs.sendMessage(dlq, SQSOutgoingMessage(id: "x\(i)", body: "dead")) }

        let home = try TempDir()
        let outputs = try home.write("outputs.json", """
            {"sns_topic_arn": "arn:aws:sns:us-east-1:123456789012:t", "queues": [{"url": "\(main)"}], "dlqs": [{"url": "\(dlq)"}]}
            """)
        let result = try Fanout.run(["queues", "--outputs", outputs, "-o", "json"], environment: try Fanout.motoEnvironment(home: home.path))
        #expect(result.status == 0, "\(result)")
        let rows = try JSONValue.parse(result.stdout).array ?? []
        #expect(rows.count == 2)
        #expect(rows.first?["visible"]?.int == 3)
        #expect(rows.first?["inFlight"]?.int == 1)
        #expect(rows.first?["delayed"]?.int == 2)
        #expect(rows.first?["dlq"]?.string == "\(name)-dlq")
        #expect(rows.first?["maxReceiveCount"]?.int == 3)
        #expect(rows.last?["kind"]?.string == "dlq")
        #expect(rows.last?["visible"]?.int == 4)

        // The table, terraform's wrapped shape with a custom filter, and --queue by name with no outputs.json.
        let table = try Fanout.run(["queues", "--outputs", outputs], environment: try Fanout.motoEnvironment(home: home.path))
        let line = table.stdout.split(separator: "\n").first { $0.hasPrefix(name + " ") } ?? ""
        #expect(line.split(separator: " ", omittingEmptySubsequences: true).map(String.init) == [name, "queue", "3", "1", "2", "\(name)-dlq", "3"])
        let wrapped = try home.write("wrapped.json", #"{"queue_urls": {"sensitive": false, "type": ["list","string"], "value": ["\#(main)"]}}"#)
        let custom = try Fanout.run(["queues", "--outputs", wrapped, "--queues-filter", ".queue_urls[]", "-o", "json"],
                                    environment: try Fanout.motoEnvironment(home: home.path))
        #expect(custom.status == 0, "\(custom)")
        #expect((try JSONValue.parse(custom.stdout).array ?? []).map { $0["visible"]?.int } == [3])
        let byName = try Fanout.run(["queues", "--queue", name, "-o", "json"], environment: try Fanout.motoEnvironment(home: home.path))
        #expect(byName.status == 0, "\(byName)")
        #expect((try JSONValue.parse(byName.stdout).array ?? []).first?["delayed"]?.int == 2)
    }

    @Test(arguments: [
        ("missing", "", "does not exist"),
        ("invalid", "{\"queues\": [", "is not valid JSON"),
        ("nocompile", "{\"queues\": []}", "failed"),
        ("nothing", "{\"queues\": []}", "yielded nothing"),
        ("wrongtype", "{\"queues\": [{\"url\": 5}]}", "yielded a number (5)"),
    ])
    func outputsErrorsExit253(kind: String, content: String, expected: String) throws {
        let home = try TempDir()
        let path = kind == "missing" ? home.path + "/nope/outputs.json" : try home.write("outputs.json", content)
        var args = ["queues", "--outputs", path]
        if kind == "nocompile" { args += ["--queues-filter", ".queues["] }
        let result = try Fanout.run(args, environment: try Fanout.motoEnvironment(home: home.path))
        #expect(result.status == 253, "\(result)")
        #expect(result.stdout.isEmpty)
        let first = result.stderr.split(separator: "\n").first.map(String.init) ?? ""
        #expect(first.hasPrefix("Error: outputs.json: \(path)"), "\(result)")
        #expect(first.contains(expected), "\(result)")
        if kind == "nocompile" { #expect(first.contains("'.queues['")) }
        if kind == "wrongtype" || kind == "nothing" { #expect(first.contains("'.queues[].url'")) }
    }

    @Test func credentialSourcesThroughWhoami() throws {
        let endpoint = try Fanout.endpoint()
        let home = try TempDir()
        try home.write(".aws/credentials", "[dev]\naws_access_key_id = AKIDDEV\naws_secret_access_key = devsecret\n")
        let script = try home.write("creds.sh", """
            #!/bin/sh
            echo '{"Version": 1, "AccessKeyId": "AKIDPROC", "SecretAccessKey": "procsecret", "SessionToken": "tok", "Expiration": "2099-01-01T00:00:00Z"}'
            """)
        chmod(script, 0o755)
        try home.write(".aws/config", """
            [profile cfg]
            aws_access_key_id = AKIDCFG
            aws_secret_access_key = cfgsecret
            region = eu-west-2
            [profile proc]
            credential_process = \(script)
            [profile role]
            role_arn = arn:aws:iam::123456789012:role/fanout-ops
            source_profile = dev
            role_session_name = ci-session
            """)
        var base = Fanout.baseEnvironment(home: home.path)
        base["AWS_ENDPOINT_URL"] = endpoint
        base["AWS_REGION"] = "us-east-1"
        func whoami(_ extra: [String: String], _ args: [String] = []) throws -> (RunResult, JSONValue?) {
            let r = try Fanout.run(["whoami", "-o", "json"] + args, environment: base.merging(extra) { $1 })
            return (r, try? JSONValue.parse(r.stdout))
        }
        let (env, envJSON) = try whoami(["AWS_ACCESS_KEY_ID": "AKIDENV", "AWS_SECRET_ACCESS_KEY": "s"])
        #expect(env.status == 0, "\(env)")
        #expect(envJSON?["credentials"]?.string == "environment")
        let (dev, devJSON) = try whoami([:], ["--profile", "dev"])
        #expect(dev.status == 0, "\(dev)")
        #expect(devJSON?["credentials"]?.string?.contains("dev") == true)
        let (cfg, cfgJSON) = try whoami(["AWS_PROFILE": "cfg"])
        #expect(cfg.status == 0, "\(cfg)")
        #expect(cfgJSON?["credentials"]?.string?.contains("cfg") == true)
        let (proc, procJSON) = try whoami([:], ["--profile", "proc"])
        #expect(proc.status == 0, "\(proc)")
        #expect(procJSON?["credentials"]?.string?.contains("credential_process") == true)
        let (role, roleJSON) = try whoami([:], ["--profile", "role"])
        #expect(role.status == 0, "\(role)")
        #expect(roleJSON?["arn"]?.string?.contains("assumed-role/fanout-ops/ci-session") == true, "\(role)")
        let (none, _) = try whoami([:])
        #expect(none.status == 253, "\(none)")
        #expect(none.stderr.contains("Tried:") && none.stderr.contains("environment"), "\(none)")
        let (missing, _) = try whoami([:], ["--profile", "nosuch"])
        #expect(missing.status == 253)
        #expect(missing.stderr.contains("nosuch"))
    }

    @Test func regionAndEndpointRules() throws {
        let endpoint = try Fanout.endpoint()
        let home = try TempDir()
        try home.write(".aws/config", "[default]\nregion = ap-south-1\n")
        var env = Fanout.baseEnvironment(home: home.path)
        env["AWS_ACCESS_KEY_ID"] = "AKID"
        env["AWS_SECRET_ACCESS_KEY"] = "s"
        env["AWS_MAX_ATTEMPTS"] = "1"
        env["FANOUT_CONNECT_TIMEOUT"] = "2"
        // The winners point at moto; the losers at a closed port: success proves the winner was used.
        env["AWS_ENDPOINT_URL"] = "http://127.0.0.1:9"
        env["AWS_ENDPOINT_URL_STS"] = endpoint
        let viaService = try Fanout.run(["whoami", "-o", "json"], environment: env)
        #expect(viaService.status == 0, "\(viaService)")
        let json = try JSONValue.parse(viaService.stdout)
        #expect(json["region"]?.string == "ap-south-1")
        #expect(json["stsEndpoint"]?.string == endpoint)
        env["AWS_ENDPOINT_URL_STS"] = "http://127.0.0.1:9"
        let viaFlag = try Fanout.run(["whoami", "-o", "json", "--endpoint-url", endpoint, "--region", "eu-central-1"], environment: env.merging(["AWS_REGION": "us-west-1"]) { $1 })
        #expect(viaFlag.status == 0, "\(viaFlag)")
        #expect((try? JSONValue.parse(viaFlag.stdout))?["region"]?.string == "eu-central-1")
        let envRegion = try Fanout.run(["whoami", "-o", "json", "--endpoint-url", endpoint], environment: env.merging(["AWS_DEFAULT_REGION": "sa-east-1"]) { $1 })
        #expect((try? JSONValue.parse(envRegion.stdout))?["region"]?.string == "sa-east-1", "\(envRegion)")
        let unreachable = try Fanout.run(["whoami"], environment: env)
        #expect(unreachable.status == 255, "\(unreachable)")
        try home.write(".aws/config", "")
        let noRegion = try Fanout.run(["whoami", "--endpoint-url", endpoint], environment: env)
        #expect(noRegion.status == 253)
        for word in ["--region", "AWS_REGION", "AWS_DEFAULT_REGION", "profile"] { #expect(noRegion.stderr.contains(word), "\(noRegion)") }
    }

    @Test func signaturesAreCheckedAndSecretsNeverPrinted() async throws {
        guard let authEndpoint = ProcessInfo.processInfo.environment["FANOUT_TEST_AUTH_ENDPOINT"],
              let key = ProcessInfo.processInfo.environment["FANOUT_TEST_AUTH_KEY"],
              let secret = ProcessInfo.processInfo.environment["FANOUT_TEST_AUTH_SECRET"]
        else { throw TestSetupError("FANOUT_TEST_AUTH_* not set: run with 'make test'") }
        let moto = MotoClients(endpoint: authEndpoint, key: key, secret: secret)
        let name = uniqueName("signed")
        let url = try await moto.sqs.createQueue(name, attributes: [:])
        _ = try await moto.sqs.sendMessage(url, SQSOutgoingMessage(id: "1", body: "x y+z*~/=é"))
        let home = try TempDir()
        var env = Fanout.baseEnvironment(home: home.path)
        env["AWS_ENDPOINT_URL"] = authEndpoint
        env["AWS_REGION"] = "us-east-1"
        env["AWS_ACCESS_KEY_ID"] = key
        env["AWS_SECRET_ACCESS_KEY"] = secret
        let ok = try Fanout.run(["queues", "--queue", url, "-o", "json", "--debug"], environment: env)
        #expect(ok.status == 0, "\(ok)")
        #expect((try JSONValue.parse(ok.stdout).array ?? []).first?["visible"]?.int == 1)
        #expect(ok.stderr.contains("→ POST \(authEndpoint)"))
        #expect(ok.stderr.contains("← 200"))
        #expect(!ok.stderr.contains(secret))
        #expect(ok.stderr.range(of: "Signature=[0-9a-f]{64}", options: .regularExpression) == nil)
        let sts = try Fanout.run(["whoami"], environment: env)
        #expect(sts.status == 0, "\(sts)")

        var wrong = env
        wrong["AWS_SECRET_ACCESS_KEY"] = secret + "x"
        let bad = try Fanout.run(["queues", "--queue", url], environment: wrong)
        #expect(bad.status == 254, "\(bad)")
        #expect(bad.stderr.contains("SignatureDoesNotMatch"), "\(bad)")
        var unknown = env
        unknown["AWS_ACCESS_KEY_ID"] = "AKIDUNKNOWN"
        let unknownResult = try Fanout.run(["queues", "--queue", url], environment: unknown)
        #expect(unknownResult.status == 254)
        #expect(unknownResult.stderr.contains("InvalidClientTokenId"), "\(unknownResult)")
    }

    @Test func debugRedactsSessionTokens() throws {
        let home = try TempDir()
        var env = try Fanout.motoEnvironment(home: home.path)
        env["AWS_SESSION_TOKEN"] = "FQoGZXIvYXdzSESSIONTOKEN"
        let r = try Fanout.run(["whoami", "--debug"], environment: env)
        #expect(r.status == 0, "\(r)")
        #expect(r.stderr.contains("X-Amz-Security-Token: <redacted>"))
        #expect(r.stderr.contains("STS.GetCallerIdentity"))
        #expect(!r.stderr.contains("FQoGZXIvYXdzSESSIONTOKEN"))
        #expect(!r.stderr.contains("testing-secret"))
        #expect(r.stderr.range(of: "Signature=[0-9a-f]{64}", options: .regularExpression) == nil)
    }

    @Test func usageAndAWSErrorExitCodes() throws {
        let home = try TempDir()
        let env = try Fanout.motoEnvironment(home: home.path)
        let typo = try Fanout.run(["queues", "--regoin", "x"], environment: env)
        #expect(typo.status == 252)
        #expect(typo.stderr.contains("Did you mean '--region'?"))
        let unknown = try Fanout.run(["qeues"], environment: env)
        #expect(unknown.status == 252)
        #expect(unknown.stderr.contains("queues"))
        let help = try Fanout.run(["help", "queues"], environment: env)
        #expect(help.status == 0)
        #expect(help.stdout.contains("USAGE: fanout queues"))
        let version = try Fanout.run(["version"], environment: env)
        #expect(version.stdout == "fanout \(FanoutVersion.string)\n")
        let missing = try Fanout.run(["queues", "--queue", try Fanout.endpoint() + "/123456789012/" + uniqueName("absent")], environment: env)
        #expect(missing.status == 254, "\(missing)")
        #expect(missing.stderr.contains("QueueDoesNotExist"))
    }
}
