import Foundation
import Testing

@testable import FanoutKit

@Suite("Credential chain")
struct CredentialChainTests {
    static let envKeys = ["AWS_ACCESS_KEY_ID": "AKIAENV", "AWS_SECRET_ACCESS_KEY": "env-secret"]

    static let devCredentials = """
        [default]
        aws_access_key_id = AKIADEFAULT
        aws_secret_access_key = default-secret
        [dev]
        aws_access_key_id = AKIADEV
        aws_secret_access_key = dev-secret
        aws_session_token = dev-token
        """

    // MARK: environment versus profile

    @Test func environmentKeysWinWithoutAProfile() async throws {
        let sandbox = try ConfigSandbox(credentials: Self.devCredentials)
        let resolved = try await resolveCredentials(try sandbox.context(Self.envKeys))
        #expect(resolved.credentials == Credentials(accessKeyId: "AKIAENV", secretAccessKey: "env-secret"))
        #expect(resolved.source == "environment")
    }

    @Test func environmentKeysStillWinWhenTheProfileComesFromAWSProfile() async throws {
        let sandbox = try ConfigSandbox(credentials: Self.devCredentials)
        var environment = Self.envKeys
        environment["AWS_PROFILE"] = "dev"
        let resolved = try await resolveCredentials(try sandbox.context(environment))
        #expect(resolved.credentials.accessKeyId == "AKIAENV")
    }

    @Test func anExplicitProfileIgnoresEnvironmentKeys() async throws {
        let sandbox = try ConfigSandbox(credentials: Self.devCredentials)
        let resolved = try await resolveCredentials(try sandbox.context(profile: "dev", Self.envKeys))
        #expect(
            resolved.credentials
                == Credentials(accessKeyId: "AKIADEV", secretAccessKey: "dev-secret", sessionToken: "dev-token"))
        #expect(resolved.source == "profile dev (shared credentials file)")
    }

    @Test func awsProfileSelectsTheProfileWhenNoKeysAreInTheEnvironment() async throws {
        let sandbox = try ConfigSandbox(credentials: Self.devCredentials)
        let resolved = try await resolveCredentials(try sandbox.context(["AWS_PROFILE": "dev"]))
        #expect(resolved.credentials.accessKeyId == "AKIADEV")
    }

    @Test func sessionTokenVariablesAndTheirOrder() async throws {
        let sandbox = try ConfigSandbox()
        var environment = Self.envKeys
        environment["AWS_SESSION_TOKEN"] = "session"
        #expect(try await resolveCredentials(try sandbox.context(environment)).credentials.sessionToken == "session")
        // botocore reads the legacy AWS_SECURITY_TOKEN first.
        environment["AWS_SECURITY_TOKEN"] = "security"
        #expect(try await resolveCredentials(try sandbox.context(environment)).credentials.sessionToken == "security")
    }

    @Test func environmentExpirationIsParsed() async throws {
        let sandbox = try ConfigSandbox()
        var environment = Self.envKeys
        environment["AWS_CREDENTIAL_EXPIRATION"] = "2030-01-02T03:04:05Z"
        let resolved = try await resolveCredentials(try sandbox.context(environment))
        #expect(resolved.credentials.expiration == Date(timeIntervalSince1970: 1_893_553_445))
    }

    @Test func anAccessKeyWithoutASecretIsAnError() async throws {
        let sandbox = try ConfigSandbox(credentials: Self.devCredentials)
        let error = await configurationError {
            _ = try await resolveCredentials(try sandbox.context(["AWS_ACCESS_KEY_ID": "AKIAENV"]))
        }
        #expect(error?.message == "AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not")
    }

    @Test func aSecretWithoutAnAccessKeyIsSkippedAsBotocoreDoes() async throws {
        let sandbox = try ConfigSandbox(credentials: Self.devCredentials)
        let resolved = try await resolveCredentials(try sandbox.context(["AWS_SECRET_ACCESS_KEY": "orphan"]))
        #expect(resolved.credentials.accessKeyId == "AKIADEFAULT")

        let empty = try ConfigSandbox()
        let error = await configurationError {
            _ = try await resolveCredentials(try empty.context(["AWS_SECRET_ACCESS_KEY": "orphan"]))
        }
        #expect(error?.message.hasSuffix("AWS_SECRET_ACCESS_KEY is set but AWS_ACCESS_KEY_ID is not.") == true)
    }

    // MARK: the two files

    @Test func credentialsFileKeysBeatConfigFileKeysInTheSameProfile() async throws {
        let sandbox = try ConfigSandbox(
            config: "[profile dev]\naws_access_key_id = AKIACONFIG\naws_secret_access_key = config-secret\n",
            credentials: Self.devCredentials)
        let resolved = try await resolveCredentials(try sandbox.context(profile: "dev"))
        #expect(resolved.credentials.accessKeyId == "AKIADEV")
        #expect(resolved.source == "profile dev (shared credentials file)")
    }

    @Test func configFileKeysAreUsedWhenTheCredentialsFileHasNone() async throws {
        let sandbox = try ConfigSandbox(
            config: """
                [profile dev]
                aws_access_key_id = AKIACONFIG
                aws_secret_access_key = config-secret
                aws_security_token = legacy
                aws_session_token = modern
                """)
        let resolved = try await resolveCredentials(try sandbox.context(profile: "dev"))
        #expect(
            resolved.credentials
                == Credentials(accessKeyId: "AKIACONFIG", secretAccessKey: "config-secret", sessionToken: "legacy"))
        #expect(resolved.source == "profile dev (config file)")
    }

    @Test func aPlainSectionInTheConfigFileIsNotAProfile() async throws {
        let sandbox = try ConfigSandbox(
            config: "[dev]\naws_access_key_id = AKIA\naws_secret_access_key = s\n")
        let error = await configurationError { _ = try sandbox.context(profile: "dev") }
        #expect(error?.message == "The config profile (dev) could not be found")
    }

    @Test func keysSplitAcrossTheFilesAreNotCombined() async throws {
        // botocore reads each file's keys on their own: an access key in one file and the secret in the other
        // is half a key pair in the first.
        let sandbox = try ConfigSandbox(
            config: "[profile dev]\naws_secret_access_key = config-secret\n",
            credentials: "[dev]\naws_access_key_id = AKIADEV\n")
        let error = await configurationError {
            _ = try await resolveCredentials(try sandbox.context(profile: "dev"))
        }
        #expect(error?.message == "[dev] in ~/.aws/credentials has aws_access_key_id but no aws_secret_access_key")
    }

    // MARK: credential_process

    @Test func credentialProcessOutputIsDecoded() async throws {
        let sandbox = try ConfigSandbox()
        let script = try sandbox.script(
            "creds",
            stdout: """
                {"Version": 1, "AccessKeyId": "AKIAPROC", "SecretAccessKey": "proc-secret",
                 "SessionToken": "proc-token", "Expiration": "2030-01-02T03:04:05.123Z"}
                """)
        try sandbox.write(".aws/config", "[profile tool]\ncredential_process = \(script) --flag 'quoted arg'\n")
        let resolved = try await resolveCredentials(try sandbox.context(profile: "tool"))
        #expect(resolved.credentials.accessKeyId == "AKIAPROC")
        #expect(resolved.credentials.secretAccessKey == "proc-secret")
        #expect(resolved.credentials.sessionToken == "proc-token")
        let expiration = try #require(resolved.credentials.expiration)
        #expect(abs(expiration.timeIntervalSince1970 - 1_893_553_445.123) < 0.001)
        #expect(resolved.source == "credential_process (profile tool)")
    }

    @Test func credentialProcessRunsThroughTheShellWithTheEnvironment() async throws {
        let sandbox = try ConfigSandbox(
            config: """
                [default]
                credential_process = printf '{"Version":1,"AccessKeyId":"%s","SecretAccessKey":"s"}' "$KEY_FOR_TEST"
                """)
        let resolved = try await resolveCredentials(try sandbox.context(["KEY_FOR_TEST": "AKIASHELL"]))
        #expect(resolved.credentials == Credentials(accessKeyId: "AKIASHELL", secretAccessKey: "s"))
    }

    @Test func credentialProcessComesAfterCredentialsFileKeysAndBeforeConfigFileKeys() async throws {
        let sandbox = try ConfigSandbox()
        let script = try sandbox.script(
            "creds", stdout: #"{"Version": 1, "AccessKeyId": "AKIAPROC", "SecretAccessKey": "s"}"#)
        try sandbox.write(
            ".aws/config",
            """
            [profile dev]
            credential_process = \(script)
            aws_access_key_id = AKIACONFIG
            aws_secret_access_key = config-secret
            """)
        #expect(try await resolveCredentials(try sandbox.context(profile: "dev")).credentials.accessKeyId == "AKIAPROC")

        try sandbox.write(".aws/credentials", Self.devCredentials)
        #expect(try await resolveCredentials(try sandbox.context(profile: "dev")).credentials.accessKeyId == "AKIADEV")
    }

    @Test func aCredentialProcessInTheCredentialsFileCounts() async throws {
        let sandbox = try ConfigSandbox()
        let script = try sandbox.script(
            "creds", stdout: #"{"Version": 1, "AccessKeyId": "AKIAPROC", "SecretAccessKey": "s"}"#)
        try sandbox.write(".aws/credentials", "[dev]\ncredential_process = \(script)\n")
        #expect(try await resolveCredentials(try sandbox.context(profile: "dev")).credentials.accessKeyId == "AKIAPROC")
    }

    @Test(arguments: [
        ("failing", "{}", "token expired\nsecond line", 3, "credential_process of profile tool failed with exit status 3: token expired"),
        ("bad JSON", "not json", "", 0, "credential_process of profile tool did not print valid JSON"),
        ("array", "[1]", "", 0, "credential_process of profile tool printed a JSON array, not an object"),
        ("version 2", #"{"Version": 2, "AccessKeyId": "A", "SecretAccessKey": "s"}"#, "", 0,
         "credential_process of profile tool printed Version 2; only Version 1 is supported"),
        ("version as string", #"{"Version": "1", "AccessKeyId": "A", "SecretAccessKey": "s"}"#, "", 0,
         #"credential_process of profile tool printed Version "1"; only Version 1 is supported"#),
        ("no version", #"{"AccessKeyId": "A", "SecretAccessKey": "s"}"#, "", 0,
         "credential_process of profile tool printed no Version"),
        ("no access key", #"{"Version": 1, "SecretAccessKey": "s"}"#, "", 0,
         "credential_process of profile tool printed no AccessKeyId"),
        ("no secret", #"{"Version": 1, "AccessKeyId": "A"}"#, "", 0,
         "credential_process of profile tool printed no SecretAccessKey"),
        ("bad expiration", #"{"Version": 1, "AccessKeyId": "A", "SecretAccessKey": "s", "Expiration": "soon"}"#, "", 0,
         "credential_process of profile tool printed an Expiration that is not an ISO 8601 time"),
    ])
    func credentialProcessFailures(name: String, stdout: String, stderr: String, status: Int, expected: String)
        async throws
    {
        let sandbox = try ConfigSandbox()
        let script = try sandbox.script("creds", stdout: stdout, stderr: stderr, status: status)
        try sandbox.write(".aws/config", "[profile tool]\ncredential_process = \(script)\n")
        let error = await configurationError {
            _ = try await resolveCredentials(try sandbox.context(profile: "tool"))
        }
        #expect(error?.message.hasPrefix(expected) == true, "\(name): \(error?.message ?? "-")")
        #expect(error?.message.contains("second line") == false)
    }

    @Test func aMissingCredentialProcessCommandReportsTheShellsError() async throws {
        let sandbox = try ConfigSandbox(config: "[default]\ncredential_process = /nonexistent/helper\n")
        let error = await configurationError { _ = try await resolveCredentials(try sandbox.context()) }
        #expect(error?.message.contains("failed with exit status 127") == true)
        #expect(error?.message.contains("/nonexistent/helper") == true)
    }

    @Test func aCredentialProcessThatHangsIsKilledAtItsTimeLimit() async throws {
        let error = await configurationError {
            _ = try await within(120) {
                try await ShellCommand.run(
                    "sleep 100", environment: ["PATH": "/usr/bin:/bin"], what: "credential_process of profile tool",
                    timeLimit: .milliseconds(500))
            }
        }
        #expect(error?.message == "credential_process of profile tool did not finish within 0.5 seconds and was killed")
    }

    @Test func theDefaultTimeLimitIsNamedInTheError() {
        #expect(ShellCommand.timeLimit == .seconds(60))
        #expect(ShellCommand.outputLimit == 1 << 20)
    }

    @Test func aCredentialProcessThatFloodsStdoutIsKilled() async throws {
        let sandbox = try ConfigSandbox(config: "[profile tool]\ncredential_process = yes\n")
        let error = await configurationError {
            _ = try await within(120) { try await resolveCredentials(try sandbox.context(profile: "tool")) }
        }
        #expect(error?.message == "credential_process of profile tool printed more than 1 MiB and was killed")
    }

    @Test func aCredentialProcessThatLeavesAChildHoldingStdoutStillAnswers() async throws {
        let sandbox = try ConfigSandbox()
        let pidFile = sandbox.home + "/background.pid"
        try sandbox.write(
            ".aws/config",
            """
            [default]
            credential_process = sleep 600 & echo $! > \(pidFile); printf '{"Version":1,"AccessKeyId":"AKIABG","SecretAccessKey":"s"}'
            """)
        let resolved = try await within(120) { try await resolveCredentials(try sandbox.context()) }
        #expect(resolved.credentials.accessKeyId == "AKIABG")
        if let pid = (try? String(contentsOfFile: pidFile, encoding: .utf8)).flatMap({ Int32($0.trimmingCharacters(in: .whitespacesAndNewlines)) }) {
            kill(pid, SIGKILL)
        }
    }

    // MARK: assume-role

    @Test func assumeRoleWithASourceProfilePassesEverySetting() async throws {
        let sandbox = try ConfigSandbox(
            config: """
                [profile deploy]
                role_arn = arn:aws:iam::123456789012:role/deploy
                source_profile = base
                external_id = ext-123
                role_session_name = ci-run
                duration_seconds = 1800
                """,
            credentials: "[base]\naws_access_key_id = AKIABASE\naws_secret_access_key = base-secret\n")
        let assumer = RecordingRoleAssumer()
        let resolved = try await resolveCredentials(try sandbox.context(profile: "deploy"), assumer: assumer)
        let calls = await assumer.calls
        #expect(
            calls == [
                RecordingRoleAssumer.Call(
                    source: Credentials(accessKeyId: "AKIABASE", secretAccessKey: "base-secret"),
                    region: "eu-west-1",
                    request: AssumeRoleRequest(
                        roleArn: "arn:aws:iam::123456789012:role/deploy", roleSessionName: "ci-run",
                        externalId: "ext-123", durationSeconds: 1800))
            ])
        #expect(resolved.credentials.accessKeyId == "ASIA-deploy-1")
        #expect(
            resolved.source
                == "assume-role arn:aws:iam::123456789012:role/deploy via profile base (shared credentials file)")
    }

    @Test func assumeRoleDefaultsTheSessionNameAndIgnoresANonIntegerDuration() async throws {
        let sandbox = try ConfigSandbox(
            config: """
                [profile deploy]
                role_arn = arn:aws:iam::1:role/deploy
                source_profile = base
                duration_seconds = an hour
                [profile base]
                aws_access_key_id = AKIABASE
                aws_secret_access_key = s
                """)
        let assumer = RecordingRoleAssumer()
        _ = try await resolveCredentials(
            try sandbox.context(profile: "deploy"), assumer: assumer,
            now: { Date(timeIntervalSince1970: 1_700_000_000) })
        let request = try #require(await assumer.calls.first?.request)
        #expect(request.roleSessionName == "fanout-1700000000")
        #expect(request.durationSeconds == nil)
        #expect(request.externalId == nil)
    }

    @Test func assumeRoleTakesPrecedenceOverStaticKeysInTheSameProfile() async throws {
        let sandbox = try ConfigSandbox(
            config: "[profile deploy]\nrole_arn = arn:aws:iam::1:role/deploy\nsource_profile = base\n",
            credentials: """
                [deploy]
                aws_access_key_id = AKIADEPLOY
                aws_secret_access_key = s
                [base]
                aws_access_key_id = AKIABASE
                aws_secret_access_key = s
                """)
        let assumer = RecordingRoleAssumer()
        let resolved = try await resolveCredentials(try sandbox.context(profile: "deploy"), assumer: assumer)
        #expect(resolved.credentials.accessKeyId == "ASIA-deploy-1")
        #expect(await assumer.calls.map(\.source.accessKeyId) == ["AKIABASE"])
    }

    @Test func aProfileMaySourceItselfForItsOwnStaticKeys() async throws {
        let sandbox = try ConfigSandbox(
            config: """
                [profile self]
                role_arn = arn:aws:iam::1:role/self
                source_profile = self
                aws_access_key_id = AKIASELF
                aws_secret_access_key = s
                """)
        let assumer = RecordingRoleAssumer()
        let resolved = try await resolveCredentials(try sandbox.context(profile: "self"), assumer: assumer)
        #expect(await assumer.calls.map(\.source.accessKeyId) == ["AKIASELF"])
        #expect(resolved.source == "assume-role arn:aws:iam::1:role/self via profile self (config file)")
    }

    @Test func chainedRolesAreAssumedInnermostFirst() async throws {
        let sandbox = try ConfigSandbox(
            config: """
                [profile outer]
                role_arn = arn:aws:iam::1:role/outer
                source_profile = middle
                [profile middle]
                role_arn = arn:aws:iam::1:role/middle
                source_profile = base
                [profile base]
                aws_access_key_id = AKIABASE
                aws_secret_access_key = s
                """)
        let assumer = RecordingRoleAssumer()
        let resolved = try await resolveCredentials(try sandbox.context(profile: "outer"), assumer: assumer)
        let calls = await assumer.calls
        #expect(calls.map(\.request.roleArn) == ["arn:aws:iam::1:role/middle", "arn:aws:iam::1:role/outer"])
        #expect(calls.map(\.source.accessKeyId) == ["AKIABASE", "ASIA-middle-1"])
        #expect(
            resolved.source
                == "assume-role arn:aws:iam::1:role/outer via assume-role arn:aws:iam::1:role/middle via "
                + "profile base (config file)")
    }

    @Test func aSourceProfileWithKeysIsNotAssumedEvenIfItHasARole() async throws {
        let sandbox = try ConfigSandbox(
            config: """
                [profile outer]
                role_arn = arn:aws:iam::1:role/outer
                source_profile = middle
                [profile middle]
                role_arn = arn:aws:iam::1:role/middle
                source_profile = elsewhere
                aws_access_key_id = AKIAMIDDLE
                aws_secret_access_key = s
                """)
        let assumer = RecordingRoleAssumer()
        _ = try await resolveCredentials(try sandbox.context(profile: "outer"), assumer: assumer)
        #expect(await assumer.calls.map(\.request.roleArn) == ["arn:aws:iam::1:role/outer"])
        #expect(await assumer.calls.map(\.source.accessKeyId) == ["AKIAMIDDLE"])
    }

    @Test func aSourceProfileMayUseCredentialProcess() async throws {
        let sandbox = try ConfigSandbox()
        let script = try sandbox.script(
            "creds", stdout: #"{"Version": 1, "AccessKeyId": "AKIAPROC", "SecretAccessKey": "s"}"#)
        try sandbox.write(
            ".aws/config",
            """
            [profile deploy]
            role_arn = arn:aws:iam::1:role/deploy
            source_profile = tool
            [profile tool]
            credential_process = \(script)
            """)
        let assumer = RecordingRoleAssumer()
        let resolved = try await resolveCredentials(try sandbox.context(profile: "deploy"), assumer: assumer)
        #expect(await assumer.calls.map(\.source.accessKeyId) == ["AKIAPROC"])
        #expect(resolved.source == "assume-role arn:aws:iam::1:role/deploy via credential_process (profile tool)")
    }

    @Test func credentialSourceEnvironmentUsesTheEnvironmentEvenWithAnExplicitProfile() async throws {
        let sandbox = try ConfigSandbox(
            config: "[profile ci]\nrole_arn = arn:aws:iam::1:role/ci\ncredential_source = environment\n")
        var environment = Self.envKeys
        environment["AWS_SESSION_TOKEN"] = "env-token"
        let assumer = RecordingRoleAssumer()
        let resolved = try await resolveCredentials(try sandbox.context(profile: "ci", environment), assumer: assumer)
        #expect(
            await assumer.calls.map(\.source)
                == [Credentials(accessKeyId: "AKIAENV", secretAccessKey: "env-secret", sessionToken: "env-token")])
        #expect(resolved.source == "assume-role arn:aws:iam::1:role/ci via environment")

        let error = await configurationError {
            _ = try await resolveCredentials(try sandbox.context(profile: "ci"), assumer: assumer)
        }
        #expect(error?.message.contains("credential_source = Environment") == true)
    }

    @Test(arguments: [
        ("role_arn = arn:aws:iam::1:role/a\nsource_profile = b\n[profile b]\nrole_arn = arn:aws:iam::1:role/b\nsource_profile = a\n",
         "The source_profile settings loop: a -> b -> a"),
        ("role_arn = arn:aws:iam::1:role/a\nsource_profile = a\n",
         "The source_profile settings loop: a -> a"),
        ("role_arn = arn:aws:iam::1:role/a\nsource_profile = b\ncredential_source = Environment\n[profile b]\n",
         "Profile a has both source_profile and credential_source"),
        ("role_arn = arn:aws:iam::1:role/a\n",
         "Profile a has role_arn but neither source_profile nor credential_source"),
        ("role_arn = arn:aws:iam::1:role/a\nsource_profile = missing\n",
         "The source_profile missing of profile a does not exist"),
        ("role_arn = arn:aws:iam::1:role/a\nsource_profile = b\n[profile b]\nregion = eu-west-1\n",
         "The source profile b has no credentials"),
        ("role_arn = arn:aws:iam::1:role/a\ncredential_source = Ec2InstanceMetadata\n",
         "Profile a has credential_source = Ec2InstanceMetadata, which fanout does not support"),
        ("role_arn = arn:aws:iam::1:role/a\ncredential_source = Laptop\n",
         "Profile a has credential_source = Laptop, which is not valid"),
        ("role_arn = arn:aws:iam::1:role/a\nsource_profile = b\nmfa_serial = arn:aws:iam::1:mfa/me\n[profile b]\n",
         "Profile a needs an MFA code (mfa_serial), which fanout cannot prompt for"),
    ])
    func brokenAssumeRoleProfiles(profileBody: String, expected: String) async throws {
        let sandbox = try ConfigSandbox(config: "[profile a]\n" + profileBody)
        let assumer = RecordingRoleAssumer()
        let error = await configurationError {
            _ = try await resolveCredentials(try sandbox.context(profile: "a"), assumer: assumer)
        }
        #expect(error?.message == expected)
        #expect(await assumer.calls.isEmpty)
    }

    @Test func aWebIdentityProfileIsNotTreatedAsAssumeRole() async throws {
        let sandbox = try ConfigSandbox(
            config: "[profile wi]\nrole_arn = arn:aws:iam::1:role/wi\nweb_identity_token_file = /tmp/token\n")
        let error = await configurationError {
            _ = try await resolveCredentials(try sandbox.context(profile: "wi"))
        }
        #expect(error?.message.contains("uses web_identity_token_file") == true)
    }

    // MARK: nothing found

    @Test func anEmptyChainListsWhatWasTried() async throws {
        let sandbox = try ConfigSandbox()
        let error = await configurationError { _ = try await resolveCredentials(try sandbox.context()) }
        #expect(
            error?.message
                == "No AWS credentials found. Tried: environment (AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY), "
                + "assume-role (role_arn in profile default), shared credentials file ~/.aws/credentials [default], "
                + "credential_process (profile default), config file ~/.aws/config [default].")
        #expect(error?.hint == "run 'aws configure', or set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY")
        #expect(error?.subject == .profile)
    }

    @Test func anEmptyChainWithAnExplicitProfileSaysTheEnvironmentWasSkipped() async throws {
        let sandbox = try ConfigSandbox(config: "[profile dev]\nregion = eu-west-1\n")
        let error = await configurationError {
            _ = try await resolveCredentials(try sandbox.context(profile: "dev", ["AWS_ACCESS_KEY_ID": "AKIA"]))
        }
        #expect(
            error?.message
                == "No AWS credentials found. Tried: assume-role (role_arn in profile dev), "
                + "shared credentials file ~/.aws/credentials [dev], credential_process (profile dev), "
                + "config file ~/.aws/config [profile dev]. "
                + "AWS_ACCESS_KEY_ID is set but not used, because --profile was given.")
    }

    @Test func anEmptyChainPointsSSOUsersAtExportCredentials() async throws {
        let sandbox = try ConfigSandbox(config: "[profile corp]\nsso_session = corp\nsso_account_id = 1\n")
        let error = await configurationError {
            _ = try await resolveCredentials(try sandbox.context(profile: "corp"))
        }
        #expect(error?.message.contains("aws configure export-credentials --profile corp") == true)
    }

    @Test func credentialsDescriptionRedactsTheSecret() {
        let credentials = Credentials(accessKeyId: "AKIA", secretAccessKey: "very-secret", sessionToken: "tok-123")
        for text in ["\(credentials)", String(reflecting: credentials)] {
            #expect(text.contains("AKIA"))
            #expect(!text.contains("very-secret"))
            #expect(!text.contains("tok-123"))
        }
    }
}

@Suite("Caching credential provider")
struct CredentialProviderTests {
    static let config = """
        [profile deploy]
        role_arn = arn:aws:iam::1:role/deploy
        source_profile = base
        [profile base]
        aws_access_key_id = AKIABASE
        aws_secret_access_key = s
        """

    @Test func resolvesOnceAndRecordsTheSource() async throws {
        let sandbox = try ConfigSandbox(config: Self.config)
        let clock = TestClock()
        let assumer = RecordingRoleAssumer(expiration: { clock.now.addingTimeInterval(3600) })
        let provider = CredentialProvider(
            chain: .standard(try sandbox.context(profile: "deploy")), assumer: assumer, region: "us-east-2",
            now: { clock.now })
        #expect(await provider.sourceDescription == nil)
        let first = try await provider.credentials()
        let second = try await provider.credentials()
        #expect(first == second)
        #expect(await assumer.calls.count == 1)
        #expect(await assumer.calls.first?.region == "us-east-2")
        #expect(await provider.sourceDescription == "assume-role arn:aws:iam::1:role/deploy via profile base (config file)")
    }

    @Test func refreshesWithinFiveMinutesOfExpiry() async throws {
        let sandbox = try ConfigSandbox(config: Self.config)
        let clock = TestClock()
        let assumer = RecordingRoleAssumer(expiration: { clock.now.addingTimeInterval(3600) })
        let provider = CredentialProvider(
            chain: .standard(try sandbox.context(profile: "deploy")), assumer: assumer, region: "eu-west-1",
            now: { clock.now })
        let first = try await provider.credentials()
        clock.advance(3600 - 301)
        #expect(try await provider.credentials() == first)
        clock.advance(2)
        let refreshed = try await provider.credentials()
        #expect(refreshed.accessKeyId == "ASIA-deploy-2")
        #expect(await assumer.calls.count == 2)
    }

    @Test func keepsUnexpiredCredentialsWhenARefreshFails() async throws {
        let sandbox = try ConfigSandbox(config: Self.config)
        let clock = TestClock()
        let assumer = RecordingRoleAssumer(expiration: { clock.now.addingTimeInterval(600) })
        let provider = CredentialProvider(
            chain: .standard(try sandbox.context(profile: "deploy")), assumer: assumer, region: "eu-west-1",
            now: { clock.now })
        let first = try await provider.credentials()
        await assumer.fail(with: .network("STS unreachable"))
        clock.advance(400)
        #expect(try await provider.credentials() == first)
        clock.advance(300)
        await #expect(throws: FanoutError.self) { try await provider.credentials() }
    }

    @Test func concurrentCallersShareOneResolution() async throws {
        let sandbox = try ConfigSandbox(config: Self.config)
        let assumer = RecordingRoleAssumer()
        let provider = CredentialProvider(
            chain: .standard(try sandbox.context(profile: "deploy")), assumer: assumer, region: "eu-west-1")
        let keys = try await withThrowingTaskGroup(of: String.self) { group in
            for _ in 0..<8 { group.addTask { try await provider.credentials().accessKeyId } }
            return try await group.reduce(into: Set<String>()) { $0.insert($1) }
        }
        #expect(keys == ["ASIA-deploy-1"])
        #expect(await assumer.calls.count == 1)
    }

    @Test func staticCredentialsAreNeverRefreshed() async throws {
        let sandbox = try ConfigSandbox()
        let provider = CredentialProvider(
            chain: .standard(try sandbox.context(CredentialChainTests.envKeys)), assumer: RecordingRoleAssumer(),
            region: "eu-west-1")
        _ = try await provider.credentials()
        #expect(await provider.sourceDescription == "environment")
    }
}
