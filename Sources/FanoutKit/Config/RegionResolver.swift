/// A region and where it came from.
public struct ResolvedRegion: Sendable, Equatable, CustomStringConvertible {
    /// Where a region setting came from, for messages, `--debug` and `fanout whoami`.
    public enum Source: Sendable, Equatable, CustomStringConvertible {
        case flag
        case environment(variable: String)
        /// `region` in the profile; `file` is the display path of the file that set it.
        case profile(name: String, file: String)

        public var description: String {
            switch self {
            case .flag: return "--region"
            case .environment(let variable): return variable
            case .profile(let name, let file): return "profile \(name) (\(file))"
            }
        }
    }

    public var name: String
    public var source: Source

    public init(name: String, source: Source) {
        self.name = name
        self.source = source
    }

    public var description: String { "\(name) (from \(source))" }
}

/// Finds the region as the AWS CLI v2 does: `--region`, then AWS_REGION, then AWS_DEFAULT_REGION, then the
/// profile's `region` (from either file; the credentials file wins, as botocore merges the two).
public struct RegionResolver: Sendable {
    public var config: AWSConfigContext

    public init(config: AWSConfigContext) {
        self.config = config
    }

    public func resolve(flag: String?) throws -> ResolvedRegion {
        let found: ResolvedRegion
        if let flag, !flag.isEmpty {
            found = ResolvedRegion(name: flag, source: .flag)
        } else if let value = config.environment["AWS_REGION"] {
            found = ResolvedRegion(name: value, source: .environment(variable: "AWS_REGION"))
        } else if let value = config.environment["AWS_DEFAULT_REGION"] {
            found = ResolvedRegion(name: value, source: .environment(variable: "AWS_DEFAULT_REGION"))
        } else if let value = config.profileSettings["region"], !value.isEmpty {
            let name = config.profile.name
            let file = config.files.credentialsFileProfiles[name]?["region"] != nil
                ? config.files.credentialsFileDisplayPath : config.files.configFileDisplayPath
            found = ResolvedRegion(name: value, source: .profile(name: name, file: file))
        } else {
            throw noRegionError
        }
        guard Self.isPlausibleRegionName(found.name) else {
            throw FanoutError.configuration(
                "Invalid AWS region '\(found.name)' (from \(found.source)): a region name has only letters, "
                    + "digits and hyphens",
                hint: "use a region such as us-east-1 or eu-west-1")
        }
        return found
    }

    /// Letters, digits and inner hyphens only; deliberately loose so new and local regions pass, while
    /// anything that could not be part of a host name (`eu west 1`, `eu-west-1/`) is refused.
    public static func isPlausibleRegionName(_ name: String) -> Bool {
        guard let first = name.first, let last = name.last, first != "-", last != "-" else { return false }
        return name.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }
    }

    private var noRegionError: FanoutError {
        let header = AWSConfigFiles.configFileHeader(forProfile: config.profile.name)
        let setCommand = config.profile.name == "default"
            ? "aws configure set region <region>"
            : "aws configure set region <region> --profile \(config.profile.name)"
        return .configuration(
            "No AWS region: set AWS_REGION or AWS_DEFAULT_REGION, or set region in the profile "
                + "(\(config.files.configFileDisplayPath) \(header))",
            hint: "for example 'export AWS_REGION=us-east-1', or '\(setCommand)'", subject: .region)
    }
}
