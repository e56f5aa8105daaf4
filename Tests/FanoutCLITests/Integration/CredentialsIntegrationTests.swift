import Foundation
import Testing
@testable import FanoutKit

/// Every credential source through `fanout whoami` (STS GetCallerIdentity). Static keys are checked on the
/// signature-checking moto, where only the real IAM user's keys work: the answered ARN proves that the key
/// *and* the secret came from the source under test. Assume-role runs on the plain moto's real STS AssumeRole.
@Suite struct CredentialsIntegrationTests {
    /// A HOME with no AWS settings at all, region us-east-1, every endpoint at `endpoint`.
    func environment(_ home: TempDir, endpoint: String) -> [String: String] {
        var env = Fanout.baseEnvironment(home: home.path)
        env["AWS_REGION"] = "us-east-1"
        env["AWS_ENDPOINT_URL"] = endpoint
        return env
    }

    /// Runs `whoami -o json --debug`, expects success and returns the JSON and the debug lines.
    func whoami(_ extra: [String] = [], env: [String: String], sourceLocation: SourceLocation = #_sourceLocation) async throws
        -> (json: [String: Any], result: RunResult)
    {
        let result = await Fanout.runInProcess(["whoami", "-o", "json", "--debug"] + extra, environment: env)
        try #require(result.status == 0, "\(result)", sourceLocation: sourceLocation)
        return (try jsonObject(result.stdout, sourceLocation: sourceLocation), result)
    }

    /// The access key id the GetCallerIdentity request was signed with, from the --debug Authorization line.
    func signingKey(_ result: RunResult, action: String = "GetCallerIdentity") -> String? {
        guard let request = result.debugLines.firstIndex(where: { $0.contains("STS.\(action) (attempt") }) else { return nil }
        let auth = result.debugLines[request...].first { $0.contains("Authorization: AWS4-HMAC-SHA256 Credential=") }
        return auth.flatMap { line in
            line.range(of: "Credential=").map { String(line[$0.upperBound...].prefix { $0 != "/" }) }
        }
    }

    @Test func environmentKeys() async throws {
        let auth = try AuthMoto.current()
        let home = try TempDir()
        var env = environment(home, endpoint: auth.endpoint)
        env["AWS_ACCESS_KEY_ID"] = auth.key
        env["AWS_SECRET_ACCESS_KEY"] = auth.secret
        let (json, result) = try await whoami(env: env)
        #expect(json["arn"] as? String == AuthMoto.userArn)
        #expect(json["account"] as? String == "123456789012")
        #expect(json["credentials"] as? String == "environment")
        #expect(signingKey(result) == auth.key)
    }

    /// --profile reads the shared credentials file and turns the environment keys off (they are wrong here).
    @Test func profileFlagFromSharedCredentialsFile() async throws {
        let auth = try AuthMoto.current()
        let home = try TempDir()
        try home.write(".aws/credentials", """
            [default]
            aws_access_key_id = AKIDWRONGDEFAULT
            aws_secret_access_key = wrong

            [ci]
            aws_access_key_id = \(auth.key)
            aws_secret_access_key = \(auth.secret)
            """)
        var env = environment(home, endpoint: auth.endpoint)
        env["AWS_ACCESS_KEY_ID"] = "AKIDWRONGENV"
        env["AWS_SECRET_ACCESS_KEY"] = "wrong"
        let (json, result) = try await whoami(["--profile", "ci"], env: env)
        #expect(json["arn"] as? String == AuthMoto.userArn)
        #expect(json["credentials"] as? String == "profile ci (shared credentials file)")
        #expect(signingKey(result) == auth.key)
    }

    @Test func profileSectionInConfigFile() async throws {
        let auth = try AuthMoto.current()
        let home = try TempDir()
        try home.write(".aws/config", """
            [default]
            region = eu-west-1

            [profile ops]
            aws_access_key_id = \(auth.key)
            aws_secret_access_key = \(auth.secret)
            """)
        let (json, result) = try await whoami(["--profile", "ops"], env: environment(home, endpoint: auth.endpoint))
        #expect(json["arn"] as? String == AuthMoto.userArn)
        #expect(json["credentials"] as? String == "profile ops (config file)")
        #expect(signingKey(result) == auth.key)
    }

    @Test func awsProfileVariable() async throws {
        let auth = try AuthMoto.current()
        let home = try TempDir()
        try home.write(".aws/credentials", """
            [default]
            aws_access_key_id = AKIDWRONGDEFAULT
            aws_secret_access_key = wrong

            [fromenv]
            aws_access_key_id = \(auth.key)
            aws_secret_access_key = \(auth.secret)
            """)
        var env = environment(home, endpoint: auth.endpoint)
        env["AWS_PROFILE"] = "fromenv"
        let (json, result) = try await whoami(env: env)
        #expect(json["arn"] as? String == AuthMoto.userArn)
        #expect(json["credentials"] as? String == "profile fromenv (shared credentials file)")
        #expect(signingKey(result) == auth.key)
    }

    /// credential_process: a script printing Version 1 JSON with an Expiration; it really runs (it leaves a mark).
    @Test func credentialProcess() async throws {
        let auth = try AuthMoto.current()
        let home = try TempDir()
        let mark = home.path + "/process-ran"
        let script = try home.write("bin/creds.sh", """
            #!/bin/sh
            echo "ran with HOME=$HOME" > '\(mark)'
            cat <<'JSON'
            {"Version": 1, "AccessKeyId": "\(auth.key)", "SecretAccessKey": "\(auth.secret)",
             "Expiration": "2099-01-01T00:00:00Z"}
            JSON
            """)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: script)
        try home.write(".aws/config", """
            [profile proc]
            credential_process = \(script)
            """)
        var env = environment(home, endpoint: auth.endpoint)
        env["AWS_PROFILE"] = "proc"
        let (json, result) = try await whoami(env: env)
        #expect(json["arn"] as? String == AuthMoto.userArn)
        #expect(json["credentials"] as? String == "credential_process (profile proc)")
        #expect(signingKey(result) == auth.key)
        #expect((try? String(contentsOfFile: mark, encoding: .utf8)) == "ran with HOME=\(home.path)\n")
    }

    /// A credential_process that prints a session token: the token goes out as X-Amz-Security-Token (plain moto).
    @Test func credentialProcessWithSessionToken() async throws {
        let endpoint = try Fanout.endpoint()
        let home = try TempDir()
        let script = try home.write("creds.sh", """
            #!/bin/sh
            echo '{"Version": 1, "AccessKeyId": "AKIDPROCESS", "SecretAccessKey": "process-secret", "SessionToken": "process-token", "Expiration": "2099-01-01T00:00:00.000Z"}'
            """)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: script)
        try home.write(".aws/credentials", """
            [tok]
            credential_process = \(script)
            """)
        let (json, result) = try await whoami(["--profile", "tok"], env: environment(home, endpoint: endpoint))
        #expect(json["credentials"] as? String == "credential_process (profile tok)")
        #expect(signingKey(result) == "AKIDPROCESS")
        #expect(result.debugLines.contains("  X-Amz-Security-Token: <redacted>"), "\(result)")
        #expect(!result.stderr.contains("process-token") && !result.stderr.contains("process-secret"))
    }

    /// role_arn + source_profile: STS AssumeRole signed with the source profile's keys, then GetCallerIdentity
    /// with the temporary keys — moto answers the assumed-role ARN only for those.
    @Test func assumeRoleWithSourceProfile() async throws {
        let endpoint = try Fanout.endpoint()
        let home = try TempDir()
        let role = uniqueName("itest-role")
        let session = uniqueName("sess")
        try home.write(".aws/credentials", """
            [base]
            aws_access_key_id = AKIDBASESOURCE
            aws_secret_access_key = base-secret
            """)
        try home.write(".aws/config", """
            [profile deploy]
            role_arn = arn:aws:iam::123456789012:role/\(role)
            source_profile = base
            role_session_name = \(session)
            """)
        let (json, result) = try await whoami(["--profile", "deploy"], env: environment(home, endpoint: endpoint))
        #expect(json["arn"] as? String == "arn:aws:sts::123456789012:assumed-role/\(role)/\(session)")
        #expect((json["userId"] as? String)?.hasSuffix(":\(session)") == true, "\(json)")
        #expect(json["credentials"] as? String
            == "assume-role arn:aws:iam::123456789012:role/\(role) via profile base (shared credentials file)")
        #expect(signingKey(result, action: "AssumeRole") == "AKIDBASESOURCE")
        let temporaryKey = try #require(signingKey(result))
        #expect(temporaryKey.hasPrefix("ASIA"), "GetCallerIdentity must be signed with the assumed role's keys")
        #expect(result.debugLines.contains { $0.contains("RoleSessionName=\(session)") }, "\(result)")
    }

    /// Without role_session_name the session is named fanout-<unix seconds>.
    @Test func assumeRoleDefaultSessionName() async throws {
        let endpoint = try Fanout.endpoint()
        let home = try TempDir()
        let role = uniqueName("itest-role")
        try home.write(".aws/config", """
            [profile base]
            aws_access_key_id = AKIDBASE2
            aws_secret_access_key = base-secret

            [profile deploy]
            role_arn = arn:aws:iam::123456789012:role/\(role)
            source_profile = base
            """)
        var env = environment(home, endpoint: endpoint)
        env["AWS_PROFILE"] = "deploy"
        let before = Int(Date().timeIntervalSince1970)
        let (json, _) = try await whoami(env: env)
        let after = Int(Date().timeIntervalSince1970)
        let arn = try #require(json["arn"] as? String)
        let prefix = "arn:aws:sts::123456789012:assumed-role/\(role)/fanout-"
        #expect(arn.hasPrefix(prefix), "\(arn)")
        let seconds = Int(arn.dropFirst(prefix.count)) ?? -1
        #expect((before...after).contains(seconds), "\(arn)")
        #expect(json["credentials"] as? String == "assume-role arn:aws:iam::123456789012:role/\(role) via profile base (config file)")
    }

    /// A chain: top's source_profile is mid, an assume-role profile itself, whose source is base's static keys.
    @Test func chainedAssumeRole() async throws {
        let endpoint = try Fanout.endpoint()
        let home = try TempDir()
        let top = uniqueName("itest-top"), mid = uniqueName("itest-mid")
        try home.write(".aws/config", """
            [profile base]
            aws_access_key_id = AKIDCHAINBASE
            aws_secret_access_key = chain-secret

            [profile mid]
            role_arn = arn:aws:iam::123456789012:role/\(mid)
            source_profile = base
            role_session_name = mid-session

            [profile top]
            role_arn = arn:aws:iam::123456789012:role/\(top)
            source_profile = mid
            role_session_name = top-session
            """)
        let (json, result) = try await whoami(["--profile", "top"], env: environment(home, endpoint: endpoint))
        #expect(json["arn"] as? String == "arn:aws:sts::123456789012:assumed-role/\(top)/top-session")
        #expect(json["credentials"] as? String == "assume-role arn:aws:iam::123456789012:role/\(top) via assume-role "
            + "arn:aws:iam::123456789012:role/\(mid) via profile base (config file)")
        let assumeRoles = result.debugLines.filter { $0.contains("STS.AssumeRole (attempt") }
        #expect(assumeRoles.count == 2, "\(result)")
        #expect(signingKey(result, action: "AssumeRole") == "AKIDCHAINBASE")
    }

    /// credential_source = Environment: the environment's keys sign AssumeRole.
    @Test func assumeRoleWithEnvironmentCredentialSource() async throws {
        let endpoint = try Fanout.endpoint()
        let home = try TempDir()
        let role = uniqueName("itest-envrole")
        let session = uniqueName("envsess")
        try home.write(".aws/config", """
            [profile ci]
            role_arn = arn:aws:iam::123456789012:role/\(role)
            credential_source = Environment
            role_session_name = \(session)
            """)
        var env = environment(home, endpoint: endpoint)
        env["AWS_ACCESS_KEY_ID"] = "AKIDFROMENVIRONMENT"
        env["AWS_SECRET_ACCESS_KEY"] = "env-secret"
        let (json, result) = try await whoami(["--profile", "ci"], env: env)
        #expect(json["arn"] as? String == "arn:aws:sts::123456789012:assumed-role/\(role)/\(session)")
        #expect(json["credentials"] as? String == "assume-role arn:aws:iam::123456789012:role/\(role) via environment")
        #expect(signingKey(result, action: "AssumeRole") == "AKIDFROMENVIRONMENT")
        #expect(signingKey(result)?.hasPrefix("ASIA") == true)
    }

    /// No credentials anywhere: 253, and the message lists every source it tried. Nothing is sent.
    @Test func noCredentials() async throws {
        let home = try TempDir()
        let closed = try ClosedPort()
        try home.write(".aws/config", """
            [default]
            region = us-east-1
            """)
        let result = await Fanout.runInProcess(["whoami"], environment: environment(home, endpoint: closed.url))
        let message = expectFailure(result, status: 253)
        #expect(message.hasPrefix("No AWS credentials found. Tried: "), "\(result)")
        for tried in ["environment (AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY)", "assume-role (role_arn in profile default)",
                      "shared credentials file ~/.aws/credentials [default]", "credential_process (profile default)",
                      "config file ~/.aws/config [default]"]
        {
            #expect(message.contains(tried), "missing '\(tried)': \(result)")
        }
    }

    /// With --profile the environment keys are not tried, and the message says so.
    @Test func noCredentialsInNamedProfileIgnoresEnvironment() async throws {
        let home = try TempDir()
        let closed = try ClosedPort()
        try home.write(".aws/config", """
            [profile empty]
            region = us-east-1
            """)
        var env = environment(home, endpoint: closed.url)
        env["AWS_ACCESS_KEY_ID"] = "AKIDUNUSED"
        env["AWS_SECRET_ACCESS_KEY"] = "unused"
        let result = await Fanout.runInProcess(["whoami", "--profile", "empty"], environment: env)
        let message = expectFailure(result, status: 253)
        #expect(!message.contains("environment (AWS_ACCESS_KEY_ID"), "\(result)")
        #expect(message.contains("config file ~/.aws/config [profile empty]"), "\(result)")
        #expect(message.contains("AWS_ACCESS_KEY_ID is set but not used, because --profile was given."), "\(result)")
    }

    @Test func unknownProfile() async throws {
        let home = try TempDir()
        let closed = try ClosedPort()
        try home.write(".aws/credentials", """
            [known]
            aws_access_key_id = AKIDKNOWN
            aws_secret_access_key = secret
            """)
        var env = environment(home, endpoint: closed.url)
        env["AWS_ACCESS_KEY_ID"] = "AKIDTESTING"
        env["AWS_SECRET_ACCESS_KEY"] = "testing-secret"
        let result = await Fanout.runInProcess(["whoami", "--profile", "nosuch"], environment: env)
        let message = expectFailure(result, status: 253)
        #expect(message == "The config profile (nosuch) could not be found", "\(result)")
        #expect(result.stderrLines.last?.contains("known") == true, "the hint lists the profiles: \(result)")

        env["AWS_PROFILE"] = "nosuch-either"
        let fromEnv = await Fanout.runInProcess(["queues", "--queue", "q"], environment: env)
        let envMessage = expectFailure(fromEnv, status: 253)
        #expect(envMessage == "The config profile (nosuch-either) could not be found (named by AWS_PROFILE)", "\(fromEnv)")
    }
}
