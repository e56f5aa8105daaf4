import Foundation

/// The AWS shared config file and shared credentials file, read as botocore reads them.
///
/// - The credentials file (`AWS_SHARED_CREDENTIALS_FILE`, default `~/.aws/credentials`): every section is a
///   profile under its plain name, `[default]` or `[dev]`.
/// - The config file (`AWS_CONFIG_FILE`, default `~/.aws/config`): `[default]` and `[profile dev]` are profiles;
///   `[services name]` sections hold per-service settings; `[sso-session x]` and any other plain `[name]`
///   are not profiles.
///
/// A missing file counts as empty. Where both files define a profile, the credentials file's values override
/// the config file's key by key (botocore's `Session.full_config`).
public struct AWSConfigFiles: Sendable {
    public var configFilePath: String
    public var credentialsFilePath: String
    /// The paths as shown in messages, with `$HOME` written as `~`.
    public var configFileDisplayPath: String
    public var credentialsFileDisplayPath: String
    /// Profiles of the config file alone — what botocore's `ConfigProvider` reads static keys from.
    public var configFileProfiles: [String: ConfigSection]
    /// Sections of the credentials file alone — what botocore's `SharedCredentialProvider` reads.
    public var credentialsFileProfiles: [String: ConfigSection]
    /// `[services name]` sections of the config file, by name.
    public var servicesSections: [String: ConfigSection]

    /// Parses the given file contents; nil text means the file does not exist.
    public init(
        configFilePath: String, configFileText: String?,
        credentialsFilePath: String, credentialsFileText: String?,
        home: String? = nil
    ) throws {
        self.configFilePath = configFilePath
        self.credentialsFilePath = credentialsFilePath
        configFileDisplayPath = Self.displayPath(configFilePath, home: home)
        credentialsFileDisplayPath = Self.displayPath(credentialsFilePath, home: home)

        configFileProfiles = [:]
        servicesSections = [:]
        if let configFileText {
            let file = try INIFile.parse(configFileText, displayPath: configFileDisplayPath)
            // botocore's build_profile_map: prefix checks in this order, then shlex-split into exactly two words.
            for (name, section) in file.sections {
                if name.hasPrefix("profile") {
                    if let profile = Self.secondWord(of: name) { configFileProfiles[profile] = section }
                } else if name.hasPrefix("sso-session") {
                    continue
                } else if name.hasPrefix("services") {
                    if let services = Self.secondWord(of: name) { servicesSections[services] = section }
                } else if name == "default" {
                    configFileProfiles[name] = section
                }
            }
        }

        credentialsFileProfiles = [:]
        if let credentialsFileText {
            let file = try INIFile.parse(credentialsFileText, displayPath: credentialsFileDisplayPath)
            for (name, section) in file.sections { credentialsFileProfiles[name] = section }
        }
    }

    /// Reads both files from the paths the environment selects. Missing files (or directories in their
    /// place) count as empty; a file that exists but is not UTF-8 or not valid INI is a configuration error.
    public static func load(environment: Environment) throws -> AWSConfigFiles {
        let configPath = path(environment["AWS_CONFIG_FILE"] ?? "~/.aws/config", environment: environment)
        let credentialsPath = path(
            environment["AWS_SHARED_CREDENTIALS_FILE"] ?? "~/.aws/credentials", environment: environment)
        return try AWSConfigFiles(
            configFilePath: configPath,
            configFileText: try readText(configPath, home: environment.home),
            credentialsFilePath: credentialsPath,
            credentialsFileText: try readText(credentialsPath, home: environment.home),
            home: environment.home)
    }

    /// Every profile name defined in either file, sorted.
    public var profileNames: [String] {
        Set(configFileProfiles.keys).union(credentialsFileProfiles.keys).sorted()
    }

    /// A profile's settings from both files, the credentials file's values winning; nil if neither defines it.
    public func profile(named name: String) -> ConfigSection? {
        switch (configFileProfiles[name], credentialsFileProfiles[name]) {
        case (nil, nil): return nil
        case (let config?, nil): return config
        case (nil, let credentials?): return credentials
        case (let config?, let credentials?): return config.updated(with: credentials)
        }
    }

    /// The section header that defines the profile in the config file: `[default]` or `[profile name]`.
    public static func configFileHeader(forProfile name: String) -> String {
        name == "default" ? "[default]" : "[profile \(name)]"
    }

    /// The second of exactly two shell words (`profile dev`, `services "local stack"`), as botocore's
    /// `_parse_section` accepts them; nil otherwise.
    private static func secondWord(of sectionName: String) -> String? {
        guard let words = INIFile.shellWords(sectionName), words.count == 2 else { return nil }
        return words[1]
    }

    /// Expands `$VAR`/`${VAR}` (unknown ones stay as written) and then a leading `~`, as botocore does with
    /// `os.path.expandvars` and `os.path.expanduser`.
    static func path(_ raw: String, environment: Environment) -> String {
        var result = ""
        var rest = Substring(raw)
        while let dollar = rest.firstIndex(of: "$") {
            result += rest[..<dollar]
            let afterDollar = rest[rest.index(after: dollar)...]
            var name: Substring
            var remainder: Substring
            if afterDollar.hasPrefix("{"), let close = afterDollar.firstIndex(of: "}") {
                name = afterDollar[afterDollar.index(after: afterDollar.startIndex)..<close]
                remainder = afterDollar[afterDollar.index(after: close)...]
            } else {
                name = afterDollar.prefix { $0.isLetter || $0.isNumber || $0 == "_" }
                remainder = afterDollar[name.endIndex...]
            }
            if !name.isEmpty, let value = environment.variables[String(name)] {
                result += value
            } else {
                result += rest[dollar..<remainder.startIndex]
            }
            rest = remainder
        }
        result += rest
        return environment.expandingTilde(result)
    }

    private static func displayPath(_ path: String, home: String?) -> String {
        guard let home, !home.isEmpty, home != "/" else { return path }
        let prefix = home.hasSuffix("/") ? home : home + "/"
        return path.hasPrefix(prefix) ? "~/" + path.dropFirst(prefix.count) : path
    }

    /// The file's text; nil when there is no regular file at the path. An unreadable file reads as empty,
    /// as Python's `ConfigParser.read` skips files it cannot open.
    private static func readText(_ path: String, home: String) throws -> String? {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue else {
            return nil
        }
        guard let data = FileManager.default.contents(atPath: path) else { return "" }
        guard let text = String(data: data, encoding: .utf8) else {
            throw FanoutError.configuration(
                "Cannot read \(displayPath(path, home: home)): it is not UTF-8 text",
                hint: "save the file as UTF-8")
        }
        return text
    }
}

/// Which profile is in use and why.
///
/// The order is the AWS CLI v2's: `--profile`, then `AWS_PROFILE`, then `AWS_DEFAULT_PROFILE`, then `default`.
/// (The CLI v2's bundled botocore lists `['AWS_PROFILE', 'AWS_DEFAULT_PROFILE']`; stock botocore, and so the
/// CLI v1, checks them the other way round — botocore#1725.)
public struct ProfileSelection: Sendable, Equatable {
    /// Where the profile name came from.
    public enum Origin: Sendable, Equatable {
        case flag
        case environment(variable: String)
        /// Nothing named a profile; `default` is used if it exists.
        case implicitDefault
    }

    public var name: String
    public var origin: Origin

    public init(name: String, origin: Origin) {
        self.name = name
        self.origin = origin
    }

    public static func resolve(flag: String?, environment: Environment) -> ProfileSelection {
        if let flag, !flag.isEmpty { return ProfileSelection(name: flag, origin: .flag) }
        for variable in ["AWS_PROFILE", "AWS_DEFAULT_PROFILE"] {
            if let name = environment[variable] {
                return ProfileSelection(name: name, origin: .environment(variable: variable))
            }
        }
        return ProfileSelection(name: "default", origin: .implicitDefault)
    }

    /// A profile someone named must exist; the implicit `default` may be absent.
    public var mustExist: Bool { origin != .implicitDefault }

    /// Only `--profile` turns off the AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY provider (botocore drops its
    /// EnvProvider when the profile is a session instance variable); a profile from the environment does not.
    public var disablesEnvironmentCredentials: Bool { origin == .flag }

    /// How the selection reads in messages: "profile dev (--profile)".
    public var displayName: String {
        switch origin {
        case .flag: return "profile \(name) (--profile)"
        case .environment(let variable): return "profile \(name) (\(variable))"
        case .implicitDefault: return "profile \(name)"
        }
    }
}

/// Everything the region, endpoint and credential resolvers read, loaded once per command: the environment,
/// both shared files, and the selected profile's merged settings.
public struct AWSConfigContext: Sendable {
    public var environment: Environment
    public var files: AWSConfigFiles
    public var profile: ProfileSelection
    /// The profile's settings from both files; empty when the implicit `default` profile does not exist.
    public var profileSettings: ConfigSection

    /// Checks that a profile someone named exists, as the AWS CLI does before anything else:
    /// `The config profile (x) could not be found`.
    public init(environment: Environment, files: AWSConfigFiles, profile: ProfileSelection) throws {
        self.environment = environment
        self.files = files
        self.profile = profile
        if let settings = files.profile(named: profile.name) {
            profileSettings = settings
        } else if profile.mustExist {
            throw Self.profileNotFound(profile, files: files)
        } else {
            profileSettings = ConfigSection()
        }
    }

    /// Reads the shared files the environment points at and selects the profile.
    public static func load(profileFlag: String?, environment: Environment) throws -> AWSConfigContext {
        try AWSConfigContext(
            environment: environment,
            files: AWSConfigFiles.load(environment: environment),
            profile: ProfileSelection.resolve(flag: profileFlag, environment: environment))
    }

    private static func profileNotFound(_ profile: ProfileSelection, files: AWSConfigFiles) -> FanoutError {
        var message = "The config profile (\(profile.name)) could not be found"
        if case .environment(let variable) = profile.origin { message += " (named by \(variable))" }
        let known = files.profileNames
        let where_ = "\(files.configFileDisplayPath) or \(files.credentialsFileDisplayPath)"
        let hint: String
        if known.isEmpty {
            hint = "no profiles are defined in \(where_); run 'aws configure --profile \(profile.name)'"
        } else {
            hint = "profiles in \(where_): \(known.joined(separator: ", "))"
        }
        return .configuration(message, hint: hint)
    }
}
