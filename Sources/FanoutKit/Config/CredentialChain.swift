import Foundation

/// What AssumeRole is asked for; the STS client turns it into the `AssumeRole` call.
public struct AssumeRoleRequest: Sendable, Equatable {
    public var roleArn: String
    public var roleSessionName: String
    public var externalId: String?
    public var durationSeconds: Int?

    public init(roleArn: String, roleSessionName: String, externalId: String? = nil, durationSeconds: Int? = nil) {
        self.roleArn = roleArn
        self.roleSessionName = roleSessionName
        self.externalId = externalId
        self.durationSeconds = durationSeconds
    }
}

/// Calls STS AssumeRole. The product implementation is the STS client; the credential chain only sees this.
public protocol RoleAssumer: Sendable {
    /// Exchanges `sourceCredentials` for the role's temporary credentials, calling STS in `region`.
    func assumeRole(sourceCredentials: Credentials, region: String, request: AssumeRoleRequest) async throws
        -> Credentials
}

/// Credentials and a description of where they came from, for `fanout whoami` and `--debug`:
/// "environment", "profile dev (shared credentials file)", "credential_process (profile dev)",
/// "assume-role arn:aws:iam::1:role/x via profile base (config file)".
public struct ResolvedCredentials: Sendable, Equatable {
    public var credentials: Credentials
    public var source: String

    public init(credentials: Credentials, source: String) {
        self.credentials = credentials
        self.source = source
    }
}

/// What sources may need while resolving: an STS client and the region to call it in (for assume-role),
/// and the clock (for default role session names).
public struct CredentialResolutionContext: Sendable {
    public var assumer: any RoleAssumer
    public var region: String
    public var now: @Sendable () -> Date

    public init(assumer: any RoleAssumer, region: String, now: @escaping @Sendable () -> Date = { Date() }) {
        self.assumer = assumer
        self.region = region
        self.now = now
    }
}

/// One link of the credential chain (soto-core's provider): returns nil when it does not apply, so the chain
/// moves on; throws when it applies but is broken (half a key pair, a failing credential_process).
public protocol CredentialSource: Sendable {
    /// How the source reads in the "Tried: …" list of the no-credentials error.
    var attemptDescription: String { get }
    func resolve(_ context: CredentialResolutionContext) async throws -> ResolvedCredentials?
}

/// An ordered list of credential sources; the first that applies wins.
public struct CredentialChain: Sendable {
    public var sources: [any CredentialSource]
    /// Sentences added to the no-credentials error: why an expected source was skipped.
    public var notes: [String]

    public init(sources: [any CredentialSource], notes: [String] = []) {
        self.sources = sources
        self.notes = notes
    }

    /// The AWS CLI's chain (botocore's `create_credential_resolver`, without the container, instance-metadata,
    /// SSO and web-identity providers fanout does not implement):
    ///
    /// 1. environment variables — skipped when `--profile` was given;
    /// 2. assume-role, when the profile has `role_arn` — before the profile's own keys, as in botocore;
    /// 3. static keys in the credentials file's section;
    /// 4. `credential_process`;
    /// 5. static keys in the config file's profile.
    public static func standard(_ config: AWSConfigContext) -> CredentialChain {
        var sources: [any CredentialSource] = []
        if !config.profile.disablesEnvironmentCredentials {
            sources.append(EnvironmentCredentialSource(environment: config.environment))
        }
        sources.append(AssumeRoleCredentialSource(profileName: config.profile.name, config: config))
        sources += profileSources(profileName: config.profile.name, config: config)
        return CredentialChain(sources: sources, notes: notes(for: config))
    }

    /// The sources that read a profile's own credentials; also what a `source_profile` resolves through
    /// (botocore's `ProfileProviderBuilder.providers` with environment variables disabled).
    static func profileSources(profileName: String, config: AWSConfigContext) -> [any CredentialSource] {
        [
            SharedFileKeysSource(.credentials, profileName: profileName, files: config.files),
            CredentialProcessSource(profileName: profileName, config: config),
            SharedFileKeysSource(.config, profileName: profileName, files: config.files),
        ]
    }

    /// Runs the sources in order and returns the first credentials found.
    public func resolve(_ context: CredentialResolutionContext) async throws -> ResolvedCredentials {
        for source in sources {
            if let found = try await source.resolve(context) { return found }
        }
        throw noCredentialsError
    }

    /// "No AWS credentials found. Tried: environment (…), …" with a hint what to do.
    var noCredentialsError: FanoutError {
        var message = "No AWS credentials found. Tried: "
        message += sources.map(\.attemptDescription).joined(separator: ", ") + "."
        for note in notes { message += " " + note }
        return .configuration(
            message, hint: "run 'aws configure', or set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY", subject: .profile)
    }

    /// Why the usual places may have come up empty, to save the user a guess.
    private static func notes(for config: AWSConfigContext) -> [String] {
        var notes: [String] = []
        let environment = config.environment
        if config.profile.disablesEnvironmentCredentials, environment["AWS_ACCESS_KEY_ID"] != nil {
            notes.append("AWS_ACCESS_KEY_ID is set but not used, because --profile was given.")
        } else if environment["AWS_ACCESS_KEY_ID"] == nil, environment["AWS_SECRET_ACCESS_KEY"] != nil {
            notes.append("AWS_SECRET_ACCESS_KEY is set but AWS_ACCESS_KEY_ID is not.")
        }
        let settings = config.profileSettings
        let name = config.profile.name
        if settings.contains("sso_session") || settings.contains("sso_start_url") {
            notes.append(
                "Profile \(name) uses IAM Identity Center (SSO), which fanout does not read; export its "
                    + "credentials with 'aws configure export-credentials --profile \(name) --format env', or "
                    + "use a profile with credential_process = aws configure export-credentials --profile \(name) "
                    + "--format process.")
        }
        if settings.contains("web_identity_token_file") {
            notes.append("Profile \(name) uses web_identity_token_file, which fanout does not support.")
        }
        if settings.contains("aws_secret_access_key"), !settings.contains("aws_access_key_id") {
            notes.append("Profile \(name) has aws_secret_access_key but no aws_access_key_id.")
        }
        return notes
    }
}

// MARK: - environment

/// AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, with AWS_SECURITY_TOKEN or AWS_SESSION_TOKEN and an optional
/// AWS_CREDENTIAL_EXPIRATION — botocore's `EnvProvider`, which applies only when AWS_ACCESS_KEY_ID is set.
public struct EnvironmentCredentialSource: CredentialSource {
    public var environment: Environment

    public init(environment: Environment) {
        self.environment = environment
    }

    public var attemptDescription: String { "environment (AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY)" }

    public func resolve(_ context: CredentialResolutionContext) async throws -> ResolvedCredentials? {
        try credentials().map { ResolvedCredentials(credentials: $0, source: "environment") }
    }

    /// The environment's credentials, nil when AWS_ACCESS_KEY_ID is unset; also the `credential_source =
    /// Environment` of an assume-role profile.
    func credentials() throws -> Credentials? {
        guard let accessKeyId = environment["AWS_ACCESS_KEY_ID"] else { return nil }
        guard let secretAccessKey = environment["AWS_SECRET_ACCESS_KEY"] else {
            throw FanoutError.configuration(
                "AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not",
                hint: "set both, or unset AWS_ACCESS_KEY_ID to use a profile")
        }
        // botocore checks AWS_SECURITY_TOKEN (the legacy name) first.
        let sessionToken = environment["AWS_SECURITY_TOKEN"] ?? environment["AWS_SESSION_TOKEN"]
        var expiration: Date?
        if let text = environment["AWS_CREDENTIAL_EXPIRATION"] {
            guard let date = ISO8601Timestamp.parse(text) else {
                throw FanoutError.configuration(
                    "AWS_CREDENTIAL_EXPIRATION is not an ISO 8601 time: '\(text)'",
                    hint: "use a form like 2030-01-01T00:00:00Z, or unset it")
            }
            expiration = date
        }
        return Credentials(
            accessKeyId: accessKeyId, secretAccessKey: secretAccessKey, sessionToken: sessionToken,
            expiration: expiration)
    }
}

// MARK: - static keys in the shared files

/// Static keys from one of the shared files: the credentials file's `[name]` section (botocore's
/// `SharedCredentialProvider`) or the config file's `[default]`/`[profile name]` section (its `ConfigProvider`).
public struct SharedFileKeysSource: CredentialSource {
    /// Which of the two files.
    public enum File: Sendable { case credentials, config }

    public var file: File
    public var profileName: String
    public var files: AWSConfigFiles

    public init(_ file: File, profileName: String, files: AWSConfigFiles) {
        self.file = file
        self.profileName = profileName
        self.files = files
    }

    /// The section header as the file spells it.
    var header: String {
        file == .credentials ? "[\(profileName)]" : AWSConfigFiles.configFileHeader(forProfile: profileName)
    }

    var path: String { file == .credentials ? files.credentialsFileDisplayPath : files.configFileDisplayPath }

    public var attemptDescription: String {
        (file == .credentials ? "shared credentials file " : "config file ") + "\(path) \(header)"
    }

    public func resolve(_ context: CredentialResolutionContext) async throws -> ResolvedCredentials? {
        let sections = file == .credentials ? files.credentialsFileProfiles : files.configFileProfiles
        guard let section = sections[profileName] else { return nil }
        let kind = file == .credentials ? "shared credentials file" : "config file"
        return try staticCredentials(in: section, where: "\(header) in \(path)")
            .map { ResolvedCredentials(credentials: $0, source: "profile \(profileName) (\(kind))") }
    }
}

/// `aws_access_key_id`/`aws_secret_access_key`/`aws_security_token` or `aws_session_token` of one section;
/// nil without `aws_access_key_id`, an error when only the secret is missing — as botocore.
private func staticCredentials(in section: ConfigSection, where location: String) throws -> Credentials? {
    guard let accessKeyId = section["aws_access_key_id"] else { return nil }
    guard let secretAccessKey = section["aws_secret_access_key"] else {
        throw FanoutError.configuration(
            "\(location) has aws_access_key_id but no aws_secret_access_key",
            hint: "add aws_secret_access_key, or run 'aws configure'")
    }
    return Credentials(
        accessKeyId: accessKeyId, secretAccessKey: secretAccessKey,
        sessionToken: section["aws_security_token"] ?? section["aws_session_token"])
}

/// ISO 8601 times as credential_process and AWS_CREDENTIAL_EXPIRATION write them: with or without
/// fractional seconds, `Z` or an offset.
enum ISO8601Timestamp {
    static func parse(_ text: String) -> Date? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        if let date = formatter.date(from: trimmed) { return date }
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.date(from: trimmed)
    }
}
