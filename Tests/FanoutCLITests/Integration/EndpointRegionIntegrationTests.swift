import Foundation
import Testing
@testable import FanoutKit

/// Endpoint and region resolution end to end. Every losing endpoint setting points at a closed port, so a run
/// succeeds only if the winner was used.
@Suite struct EndpointRegionIntegrationTests {
    /// Keys, region us-east-1, quick failures; no endpoint settings.
    func baseEnv(_ home: TempDir) -> [String: String] {
        var env = Fanout.baseEnvironment(home: home.path)
        env["AWS_ACCESS_KEY_ID"] = "AKIDTESTING"
        env["AWS_SECRET_ACCESS_KEY"] = "testing-secret"
        env["AWS_REGION"] = "us-east-1"
        env["AWS_MAX_ATTEMPTS"] = "1"
        env["FANOUT_CONNECT_TIMEOUT"] = "2"
        return env
    }

    /// A profile `dev` whose `[services local]` section sends SQS and STS to `url`.
    func writeServicesProfile(_ home: TempDir, url: String) throws {
        try home.write(".aws/config", """
            [profile dev]
            services = local

            [services local]
            sqs =
              endpoint_url = \(url)
            sts =
              endpoint_url = \(url)
            """)
    }

    func createQueue() async throws -> String {
        try await MotoClients(endpoint: try Fanout.endpoint()).sqs.createQueue(uniqueName("itest-endpoint"), attributes: [:])
    }

    @Test func endpointURLFlagBeatsEverything() async throws {
        let moto = try Fanout.endpoint()
        let queue = try await createQueue()
        let closed = try ClosedPort()
        let home = try TempDir()
        try writeServicesProfile(home, url: closed.url)
        var env = baseEnv(home)
        env["AWS_PROFILE"] = "dev"
        env["AWS_ENDPOINT_URL_SQS"] = closed.url
        env["AWS_ENDPOINT_URL_STS"] = closed.url
        env["AWS_ENDPOINT_URL"] = closed.url

        let queues = await Fanout.runInProcess(["queues", "--queue", queue, "-o", "json", "--debug", "--endpoint-url", moto], environment: env)
        #expect(queues.status == 0, "\(queues)")
        #expect(try jsonArray(queues.stdout).first?["url"] as? String == queue)
        #expect(queues.endpointLine("SQS") == "endpoint SQS \(moto) (from --endpoint-url)", "\(queues)")

        let whoami = await Fanout.runInProcess(["whoami", "-o", "json", "--endpoint-url", moto], environment: env)
        #expect(whoami.status == 0, "\(whoami)")
        #expect(try jsonObject(whoami.stdout)["stsEndpoint"] as? String == moto)

        // Even AWS_IGNORE_CONFIGURED_ENDPOINT_URLS does not switch the flag off.
        env["AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"] = "true"
        let ignored = await Fanout.runInProcess(["whoami", "--endpoint-url", moto], environment: env)
        #expect(ignored.status == 0, "\(ignored)")
        #expect(ignored.stdout.contains("Endpoint     \(moto) (--endpoint-url)"), "\(ignored)")
    }

    @Test func serviceVariableBeatsGlobalVariableAndServicesSection() async throws {
        let moto = try Fanout.endpoint()
        let queue = try await createQueue()
        let closed = try ClosedPort()
        let home = try TempDir()
        try writeServicesProfile(home, url: closed.url)
        var env = baseEnv(home)
        env["AWS_PROFILE"] = "dev"
        env["AWS_ENDPOINT_URL_SQS"] = moto
        env["AWS_ENDPOINT_URL"] = closed.url

        let queues = await Fanout.runInProcess(["queues", "--queue", queue, "-o", "json", "--debug"], environment: env)
        #expect(queues.status == 0, "\(queues)")
        #expect(try jsonArray(queues.stdout).first?["url"] as? String == queue)
        #expect(queues.endpointLine("SQS") == "endpoint SQS \(moto) (from AWS_ENDPOINT_URL_SQS)", "\(queues)")
        // Other services fall through to AWS_ENDPOINT_URL, which beats the services section.
        #expect(queues.endpointLine("STS") == "endpoint STS \(closed.url) (from AWS_ENDPOINT_URL)", "\(queues)")
        #expect(queues.endpointLine("SNS") == "endpoint SNS \(closed.url) (from AWS_ENDPOINT_URL)", "\(queues)")

        // … so STS goes to the closed port: the per-service variable is really per service.
        let whoami = await Fanout.runInProcess(["whoami"], environment: env)
        let message = expectFailure(whoami, status: 255)
        #expect(message.contains("cannot reach STS at \(closed.url)"), "\(whoami)")
    }

    @Test func globalVariableBeatsServicesSection() async throws {
        let moto = try Fanout.endpoint()
        let closed = try ClosedPort()
        let home = try TempDir()
        try writeServicesProfile(home, url: closed.url)
        var env = baseEnv(home)
        env["AWS_ENDPOINT_URL"] = moto
        env["AWS_PROFILE"] = "dev"

        let result = await Fanout.runInProcess(["whoami", "-o", "json", "--debug"], environment: env)
        #expect(result.status == 0, "\(result)")
        #expect(try jsonObject(result.stdout)["stsEndpoint"] as? String == moto)
        #expect(result.endpointLine("STS") == "endpoint STS \(moto) (from AWS_ENDPOINT_URL)", "\(result)")
        #expect(result.endpointLine("SQS") == "endpoint SQS \(moto) (from AWS_ENDPOINT_URL)", "\(result)")
    }

    /// The services section alone is used, per service: STS and SQS from it, the others public.
    @Test func servicesSectionAlone() async throws {
        let moto = try Fanout.endpoint()
        let queue = try await createQueue()
        let home = try TempDir()
        try writeServicesProfile(home, url: moto)
        var env = baseEnv(home)
        env["AWS_PROFILE"] = "dev"

        let whoami = await Fanout.runInProcess(["whoami", "--debug"], environment: env)
        #expect(whoami.status == 0, "\(whoami)")
        #expect(whoami.stdout.contains("Endpoint     \(moto) ([services local] of profile dev)"), "\(whoami)")
        #expect(whoami.endpointLine("STS") == "endpoint STS \(moto) (from [services local] of profile dev)", "\(whoami)")
        #expect(whoami.endpointLine("SNS") == "endpoint SNS https://sns.us-east-1.amazonaws.com (from public AWS endpoint)",
                "\(whoami)")

        let queues = await Fanout.runInProcess(["queues", "--queue", queue, "-o", "json"], environment: env)
        #expect(queues.status == 0, "\(queues)")
        #expect(try jsonArray(queues.stdout).first?["visible"] as? Int == 0)
    }

    /// The services section beats the profile's top-level endpoint_url, which still serves the other services.
    @Test func servicesSectionBeatsProfileEndpointURL() async throws {
        let moto = try Fanout.endpoint()
        let closed = try ClosedPort()
        let home = try TempDir()
        try home.write(".aws/config", """
            [profile dev]
            services = local
            endpoint_url = \(closed.url)

            [services local]
            sts =
              endpoint_url = \(moto)
            """)
        var env = baseEnv(home)
        env["AWS_PROFILE"] = "dev"
        let result = await Fanout.runInProcess(["whoami", "-o", "json", "--debug"], environment: env)
        #expect(result.status == 0, "\(result)")
        #expect(try jsonObject(result.stdout)["stsEndpoint"] as? String == moto)
        #expect(result.endpointLine("STS") == "endpoint STS \(moto) (from [services local] of profile dev)", "\(result)")
        #expect(result.endpointLine("SQS") == "endpoint SQS \(closed.url) (from endpoint_url of profile dev)", "\(result)")

        let queues = await Fanout.runInProcess(["queues", "--queue", "\(moto)/123456789012/whatever"], environment: env)
        let message = expectFailure(queues, status: 255)
        #expect(message.contains("cannot reach SQS at \(closed.url)"), "\(queues)")
    }

    /// AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true ignores AWS_ENDPOINT_URL(_SQS) and uses the public endpoint. The
    /// region is bogus and HTTPS_PROXY points at a closed port, so nothing can leave the machine; only the
    /// resolved endpoints and the failure are checked.
    @Test func ignoreConfiguredEndpointURLs() async throws {
        let moto = try Fanout.endpoint()
        let closed = try ClosedPort()
        let home = try TempDir()
        var env = baseEnv(home)
        env["AWS_REGION"] = "zz-nowhere-7"
        env["AWS_ENDPOINT_URL"] = moto
        env["AWS_ENDPOINT_URL_SQS"] = moto
        env["AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"] = "true"
        env["HTTPS_PROXY"] = closed.url

        let result = try Fanout.run(["whoami", "--debug"], environment: env, timeout: 30)
        let message = expectFailure(result, status: 255)
        #expect(message.contains("cannot reach STS at https://sts.zz-nowhere-7.amazonaws.com"), "\(result)")
        #expect(result.endpointLine("STS") == "endpoint STS https://sts.zz-nowhere-7.amazonaws.com (from public AWS endpoint)",
                "\(result)")
        #expect(result.endpointLine("SQS") == "endpoint SQS https://sqs.zz-nowhere-7.amazonaws.com (from public AWS endpoint)",
                "\(result)")
        #expect(result.debugLines.contains("→ POST https://sts.zz-nowhere-7.amazonaws.com STS.GetCallerIdentity (attempt 1/1)"),
                "\(result)")
        #expect(!result.stderr.contains(moto), "moto must not be used: \(result)")

        // Anything but "true" leaves the configured endpoints on.
        env["AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"] = "yes"
        let notIgnored = await Fanout.runInProcess(["whoami", "--debug"], environment: env)
        #expect(notIgnored.status == 0, "\(notIgnored)")
        #expect(notIgnored.endpointLine("STS") == "endpoint STS \(moto) (from AWS_ENDPOINT_URL)", "\(notIgnored)")
    }

    /// The profile's ignore_configured_endpoint_urls works too, and the environment variable overrides it.
    @Test func ignoreConfiguredEndpointURLsInProfile() async throws {
        let moto = try Fanout.endpoint()
        let closed = try ClosedPort()
        let home = try TempDir()
        try home.write(".aws/config", """
            [default]
            ignore_configured_endpoint_urls = true
            """)
        var env = baseEnv(home)
        env["AWS_REGION"] = "zz-nowhere-8"
        env["AWS_ENDPOINT_URL"] = moto
        env["HTTPS_PROXY"] = closed.url
        let ignored = try Fanout.run(["whoami", "--debug"], environment: env, timeout: 30)
        expectFailure(ignored, status: 255)
        #expect(ignored.endpointLine("STS") == "endpoint STS https://sts.zz-nowhere-8.amazonaws.com (from public AWS endpoint)",
                "\(ignored)")

        env["AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"] = "false"
        let overridden = await Fanout.runInProcess(["whoami", "-o", "json"], environment: env)
        #expect(overridden.status == 0, "\(overridden)")
        #expect(try jsonObject(overridden.stdout)["stsEndpoint"] as? String == moto)
    }

    // MARK: region

    /// --region > AWS_REGION > AWS_DEFAULT_REGION > the profile's region; the request is signed for it.
    @Test func regionPrecedence() async throws {
        let moto = try Fanout.endpoint()
        let home = try TempDir()
        try home.write(".aws/config", """
            [profile r]
            region = ap-southeast-2
            aws_access_key_id = AKIDREGION
            aws_secret_access_key = region-secret
            """)
        var env = Fanout.baseEnvironment(home: home.path)
        env["AWS_ENDPOINT_URL"] = moto
        env["AWS_PROFILE"] = "r"
        env["AWS_REGION"] = "eu-central-1"
        env["AWS_DEFAULT_REGION"] = "eu-north-1"

        func check(_ extra: [String], region: String, source: String, sourceLocation: SourceLocation = #_sourceLocation) async throws {
            let result = await Fanout.runInProcess(["whoami", "-o", "json", "--debug"] + extra, environment: env)
            try #require(result.status == 0, "\(result)", sourceLocation: sourceLocation)
            let json = try jsonObject(result.stdout, sourceLocation: sourceLocation)
            #expect(json["region"] as? String == region, sourceLocation: sourceLocation)
            #expect(json["regionSource"] as? String == source, sourceLocation: sourceLocation)
            #expect(result.debugLines.first == "region \(region) (from \(source))", "\(result)", sourceLocation: sourceLocation)
            #expect(result.debugLines.contains { $0.contains("Credential=AKIDREGION/") && $0.contains("/\(region)/sts/aws4_request") },
                    "the request is signed for \(region): \(result)", sourceLocation: sourceLocation)
        }
        try await check(["--region", "sa-east-1"], region: "sa-east-1", source: "--region")
        try await check([], region: "eu-central-1", source: "AWS_REGION")
        env["AWS_REGION"] = nil
        try await check([], region: "eu-north-1", source: "AWS_DEFAULT_REGION")
        env["AWS_DEFAULT_REGION"] = nil
        try await check([], region: "ap-southeast-2", source: "profile r (~/.aws/config)")
        // An empty AWS_REGION counts as unset.
        env["AWS_REGION"] = ""
        try await check([], region: "ap-southeast-2", source: "profile r (~/.aws/config)")
    }

    /// A region in the credentials file's section is found too, and named as coming from that file.
    @Test func regionFromCredentialsFile() async throws {
        let moto = try Fanout.endpoint()
        let home = try TempDir()
        try home.write(".aws/credentials", """
            [default]
            aws_access_key_id = AKIDTESTING
            aws_secret_access_key = testing-secret
            region = ca-central-1
            """)
        var env = Fanout.baseEnvironment(home: home.path)
        env["AWS_ENDPOINT_URL"] = moto
        let result = await Fanout.runInProcess(["whoami", "-o", "json"], environment: env)
        #expect(result.status == 0, "\(result)")
        let json = try jsonObject(result.stdout)
        #expect(json["region"] as? String == "ca-central-1")
        #expect(json["regionSource"] as? String == "profile default (~/.aws/credentials)")
        #expect(json["credentials"] as? String == "profile default (shared credentials file)")
    }

    @Test func noRegion() async throws {
        let closed = try ClosedPort()
        let home = try TempDir()
        var env = Fanout.baseEnvironment(home: home.path)
        env["AWS_ACCESS_KEY_ID"] = "AKIDTESTING"
        env["AWS_SECRET_ACCESS_KEY"] = "testing-secret"
        env["AWS_ENDPOINT_URL"] = closed.url
        for args in [["whoami"], ["queues", "--queue", "q"]] {
            let result = await Fanout.runInProcess(args, environment: env)
            expectFailure(result, status: 253)
            // The error names the settings, and its hint the flag (FanoutKit names no flag; the CLI adds it).
            for name in ["--region", "AWS_REGION", "AWS_DEFAULT_REGION", "profile", "~/.aws/config [default]"] {
                #expect(result.stderr.contains(name), "missing '\(name)': \(result)")
            }
        }

        // A named profile without a region is named in the message.
        try home.write(".aws/config", """
            [profile noregion]
            output = json
            """)
        let named = await Fanout.runInProcess(["whoami", "--profile", "noregion"], environment: env)
        let message = expectFailure(named, status: 253)
        #expect(message.contains("[profile noregion]"), "\(named)")
        #expect(named.stderrLines.last?.contains("aws configure set region <region> --profile noregion") == true, "\(named)")
    }
}
