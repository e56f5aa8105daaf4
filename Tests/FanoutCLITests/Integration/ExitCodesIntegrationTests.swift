import Foundation
import Testing
@testable import FanoutKit

/// Exit codes and usage errors of the built binary: 0, 252 usage, 253 configuration, 254 AWS error, 255 network.
@Suite struct ExitCodesIntegrationTests {
    func offlineEnv(_ home: TempDir) -> [String: String] {
        var env = Fanout.baseEnvironment(home: home.path)
        env["AWS_ACCESS_KEY_ID"] = "AKIDTESTING"
        env["AWS_SECRET_ACCESS_KEY"] = "testing-secret"
        env["AWS_REGION"] = "us-east-1"
        return env
    }

    @Test func unknownOptionSuggests() throws {
        let home = try TempDir()
        let result = try Fanout.run(["queues", "--queu", "x"], environment: offlineEnv(home))
        #expect(result.status == 252, "\(result)")
        #expect(result.stdout.isEmpty, "\(result)")
        #expect(result.stderrLines.first == "Error: Unknown option '--queu'. Did you mean '--queue'?", "\(result)")
        #expect(result.stderr.contains("fanout queues --help"), "\(result)")

        let global = try Fanout.run(["whoami", "--regoin", "eu-west-1"], environment: offlineEnv(home))
        #expect(global.status == 252, "\(global)")
        #expect(global.stderr.contains("Did you mean '--region'?"), "\(global)")
    }

    @Test func unknownCommand() throws {
        let home = try TempDir()
        let typo = try Fanout.run(["queus"], environment: offlineEnv(home))
        #expect(typo.status == 252, "\(typo)")
        #expect(typo.stdout.isEmpty)
        #expect(typo.stderrLines.first == "Error: Unknown command 'queus' for 'fanout'. Did you mean 'queues'?", "\(typo)")

        let unrelated = try Fanout.run(["frobnicate-everything"], environment: offlineEnv(home))
        #expect(unrelated.status == 252, "\(unrelated)")
        #expect(unrelated.stdout.isEmpty)
        #expect(unrelated.stderr.contains("Unknown command 'frobnicate-everything'"), "\(unrelated)")
    }

    @Test func helpForACommand() throws {
        let home = try TempDir()
        let result = try Fanout.run(["help", "queues"], environment: offlineEnv(home))
        #expect(result.status == 0, "\(result)")
        #expect(result.stderr.isEmpty, "\(result)")
        #expect(result.stdout.hasPrefix("OVERVIEW: Show every queue and DLQ with Visible, InFlight and Delayed counts.\n"), "\(result)")
        #expect(result.stdout.contains("USAGE: fanout queues [<options>] [<global options>]"), "\(result)")
        #expect(result.stdout.contains("--queues-filter <jq>"), "\(result)")
        // The same page as --help.
        let flag = try Fanout.run(["queues", "--help"], environment: offlineEnv(home))
        #expect(flag.status == 0)
        #expect(flag.stdout == result.stdout)
    }

    @Test func version() throws {
        let home = try TempDir()
        let result = try Fanout.run(["version"], environment: Fanout.baseEnvironment(home: home.path))
        #expect(result.status == 0, "\(result)")
        #expect(result.stdout == "fanout \(FanoutVersion.string)\n")
        #expect(matches(result.stdout, #"^fanout \d+\.\d+\.\d+"#), "\(result)")
        #expect(result.stderr.isEmpty)

        let json = try Fanout.run(["version", "-o", "json"], environment: Fanout.baseEnvironment(home: home.path))
        #expect(json.status == 0, "\(json)")
        #expect(try jsonObject(json.stdout)["version"] as? String == FanoutVersion.string)
    }

    @Test func awsErrorIs254() throws {
        let moto = try Fanout.endpoint()
        let home = try TempDir()
        let env = try Fanout.motoEnvironment(home: home.path)
        let missing = "\(moto)/123456789012/does-not-exist-\(UUID().uuidString.prefix(8).lowercased())"
        let byURL = try Fanout.run(["queues", "--queue", missing], environment: env)
        let message = expectFailure(byURL, status: 254)
        #expect(message.hasPrefix("SQS: QueueDoesNotExist: "), "\(byURL)")
        #expect(message.contains("HTTP 400"), "\(byURL)")

        let byName = try Fanout.run(["queues", "--queue", uniqueName("no-such-queue"), "-o", "json"], environment: env)
        let nameMessage = expectFailure(byName, status: 254)
        #expect(nameMessage.contains("QueueDoesNotExist"), "\(byName)")
    }

    @Test func closedPortIs255() throws {
        let closed = try ClosedPort()
        let home = try TempDir()
        var env = offlineEnv(home)
        env["AWS_ENDPOINT_URL"] = closed.url
        env["AWS_MAX_ATTEMPTS"] = "1"
        env["FANOUT_CONNECT_TIMEOUT"] = "2"
        let started = Date()
        let result = try Fanout.run(["whoami"], environment: env, timeout: 30)
        let message = expectFailure(result, status: 255)
        #expect(message.hasPrefix("cannot reach STS at \(closed.url): "), "\(result)")
        // A refused connection fails at once; the bound only catches a hang or a retry loop (the run itself gives up
        // at 30 s). 20 s leaves room for a slow start of the binary on a loaded 2-core machine.
        #expect(Date().timeIntervalSince(started) < 20)

        let queues = try Fanout.run(["queues", "--queue", "\(closed.url)/123456789012/q", "--debug"], environment: env, timeout: 30)
        expectFailure(queues, status: 255)
        #expect(queues.debugLines.filter { $0.hasPrefix("→ POST") }.count == 1, "one attempt only: \(queues)")
        #expect(!queues.stderr.contains("retrying"), "\(queues)")
    }

    @Test func retryIsLoggedUnderDebug() throws {
        let closed = try ClosedPort()
        let home = try TempDir()
        var env = offlineEnv(home)
        env["AWS_ENDPOINT_URL"] = closed.url
        env["AWS_MAX_ATTEMPTS"] = "2"
        env["FANOUT_CONNECT_TIMEOUT"] = "2"
        let result = try Fanout.run(["whoami", "--debug"], environment: env, timeout: 30)
        expectFailure(result, status: 255)
        #expect(result.debugLines.contains("→ POST \(closed.url) STS.GetCallerIdentity (attempt 1/2)"), "\(result)")
        #expect(result.debugLines.contains("→ POST \(closed.url) STS.GetCallerIdentity (attempt 2/2)"), "\(result)")
        #expect(matches(result.stderr, #"(?m)^\[debug\]   retrying STS\.GetCallerIdentity in \d+\.\d\d s after .+ \(attempt 2/2 next\)$"#),
                "\(result)")
        #expect(result.debugLines.filter { $0.hasPrefix("→ POST") }.count == 2, "\(result)")
    }

    /// An invalid AWS_MAX_ATTEMPTS is a configuration error, not a silent default.
    @Test func invalidMaxAttempts() throws {
        let home = try TempDir()
        var env = offlineEnv(home)
        env["AWS_MAX_ATTEMPTS"] = "zero"
        let result = try Fanout.run(["whoami"], environment: env)
        let message = expectFailure(result, status: 253)
        #expect(message.contains("AWS_MAX_ATTEMPTS 'zero'"), "\(result)")
    }
}
