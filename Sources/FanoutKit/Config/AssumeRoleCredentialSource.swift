import Foundation

/// A profile with `role_arn`: assumes the role with credentials from its `source_profile` or its
/// `credential_source` (botocore's `AssumeRoleProvider`, whose rules this follows):
///
/// - exactly one of `source_profile` and `credential_source`; `credential_source = Environment` only
///   (EcsContainer and Ec2InstanceMetadata are not available in fanout);
/// - a source profile that has static keys, or no `role_arn`, is resolved through its own credentials
///   (credentials file, credential_process, config file); one with `role_arn` and no keys assumes its own
///   role first, recursively;
/// - a profile may name itself as `source_profile` only if it has static keys; any other repeat is a loop;
/// - `external_id`, `role_session_name` (default `fanout-<unix seconds>`) and `duration_seconds` (ignored
///   unless an integer, as botocore does) go into the request; `mfa_serial` is refused, as fanout cannot
///   prompt for a token.
///
/// A profile with `web_identity_token_file` is not an assume-role profile (botocore leaves it to the
/// web-identity provider, which fanout does not have).
public struct AssumeRoleCredentialSource: CredentialSource {
    public var profileName: String
    public var config: AWSConfigContext

    public init(profileName: String, config: AWSConfigContext) {
        self.profileName = profileName
        self.config = config
    }

    public var attemptDescription: String { "assume-role (role_arn in profile \(profileName))" }

    public func resolve(_ context: CredentialResolutionContext) async throws -> ResolvedCredentials? {
        guard let profile = config.files.profile(named: profileName), Self.isAssumeRoleProfile(profile) else {
            return nil
        }
        var visited = [profileName]
        return try await assumeRole(forProfile: profileName, visited: &visited, context)
    }

    static func isAssumeRoleProfile(_ profile: ConfigSection) -> Bool {
        profile.contains("role_arn") && !profile.contains("web_identity_token_file")
    }

    private static func hasStaticKeys(_ profile: ConfigSection) -> Bool {
        profile.contains("aws_access_key_id") || profile.contains("aws_secret_access_key")
    }

    private func assumeRole(
        forProfile name: String, visited: inout [String], _ context: CredentialResolutionContext
    ) async throws -> ResolvedCredentials {
        let profile = config.files.profile(named: name) ?? ConfigSection()
        let roleArn = profile["role_arn"] ?? ""
        guard !roleArn.isEmpty else {
            throw FanoutError.configuration("Profile \(name) has an empty role_arn", hint: "set role_arn to a role ARN")
        }
        if profile["mfa_serial"] != nil {
            throw FanoutError.configuration(
                "Profile \(name) needs an MFA code (mfa_serial), which fanout cannot prompt for",
                hint: "run 'aws configure export-credentials --profile \(name) --format env' and export the result")
        }

        let source: ResolvedCredentials
        switch (profile["source_profile"], profile["credential_source"]) {
        case (.some, .some):
            throw FanoutError.configuration(
                "Profile \(name) has both source_profile and credential_source",
                hint: "keep one of them")
        case (nil, nil):
            throw FanoutError.configuration(
                "Profile \(name) has role_arn but neither source_profile nor credential_source",
                hint: "add source_profile = <profile with credentials>, or credential_source = Environment")
        case (nil, let credentialSource?):
            source = try credentialsFromSource(credentialSource, profileName: name)
        case (let sourceProfile?, nil):
            try validateSourceProfile(sourceProfile, of: name, visited: visited)
            visited.append(sourceProfile)
            source = try await credentialsFromProfile(sourceProfile, visited: &visited, context)
        }

        let request = AssumeRoleRequest(
            roleArn: roleArn,
            roleSessionName: profile["role_session_name"] ?? "fanout-\(Int(context.now().timeIntervalSince1970))",
            externalId: profile["external_id"],
            durationSeconds: profile["duration_seconds"].flatMap { Int($0) })
        let credentials = try await context.assumer.assumeRole(
            sourceCredentials: source.credentials, region: context.region, request: request)
        return ResolvedCredentials(credentials: credentials, source: "assume-role \(roleArn) via \(source.source)")
    }

    /// `credential_source`, matched case-insensitively as botocore's `CanonicalNameCredentialSourcer` does.
    private func credentialsFromSource(_ credentialSource: String, profileName: String) throws -> ResolvedCredentials {
        switch credentialSource.lowercased() {
        case "environment":
            guard let credentials = try EnvironmentCredentialSource(environment: config.environment).credentials()
            else {
                throw FanoutError.configuration(
                    "Profile \(profileName) has credential_source = Environment, but AWS_ACCESS_KEY_ID and "
                        + "AWS_SECRET_ACCESS_KEY are not set",
                    hint: "set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY")
            }
            return ResolvedCredentials(credentials: credentials, source: "environment")
        case "ecscontainer", "ec2instancemetadata":
            throw FanoutError.configuration(
                "Profile \(profileName) has credential_source = \(credentialSource), which fanout does not support",
                hint: "use credential_source = Environment or a source_profile")
        default:
            throw FanoutError.configuration(
                "Profile \(profileName) has credential_source = \(credentialSource), which is not valid",
                hint: "credential_source is one of Environment, EcsContainer, Ec2InstanceMetadata")
        }
    }

    /// botocore's `_validate_source_profile`: the profile exists, and following it does not loop.
    private func validateSourceProfile(_ sourceName: String, of parentName: String, visited: [String]) throws {
        guard let sourceProfile = config.files.profile(named: sourceName) else {
            throw FanoutError.configuration(
                "The source_profile \(sourceName) of profile \(parentName) does not exist",
                hint: "define [profile \(sourceName)] in \(config.files.configFileDisplayPath) or "
                    + "[\(sourceName)] in \(config.files.credentialsFileDisplayPath)")
        }
        guard visited.contains(sourceName) else { return }
        // A profile may source itself only to use its own static keys.
        if sourceName == parentName && Self.hasStaticKeys(sourceProfile) { return }
        let cycle = (visited + [sourceName]).joined(separator: " -> ")
        throw FanoutError.configuration(
            "The source_profile settings loop: \(cycle)",
            hint: "point source_profile at a profile with credentials that does not lead back")
    }

    /// botocore's `_resolve_credentials_from_profile`.
    private func credentialsFromProfile(
        _ name: String, visited: inout [String], _ context: CredentialResolutionContext
    ) async throws -> ResolvedCredentials {
        let profile = config.files.profile(named: name) ?? ConfigSection()
        if Self.hasStaticKeys(profile) || !Self.isAssumeRoleProfile(profile) {
            for source in CredentialChain.profileSources(profileName: name, config: config) {
                if let found = try await source.resolve(context) { return found }
            }
            throw FanoutError.configuration(
                "The source profile \(name) has no credentials",
                hint: "give profile \(name) aws_access_key_id and aws_secret_access_key, or a credential_process")
        }
        return try await assumeRole(forProfile: name, visited: &visited, context)
    }
}
