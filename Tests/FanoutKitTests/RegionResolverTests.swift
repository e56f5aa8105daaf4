import Testing

@testable import FanoutKit

@Suite("Region resolution")
struct RegionResolverTests {
    static let config = "[default]\nregion = eu-central-1\n[profile dev]\nregion = ap-southeast-2\n"

    func resolve(flag: String? = nil, profile: String? = nil, _ environment: [String: String] = [:]) throws
        -> ResolvedRegion
    {
        let sandbox = try ConfigSandbox(config: Self.config)
        return try RegionResolver(config: try sandbox.context(profile: profile, environment)).resolve(flag: flag)
    }

    @Test func theFlagWinsOverEverything() throws {
        let region = try resolve(flag: "us-west-1", ["AWS_REGION": "eu-west-1", "AWS_DEFAULT_REGION": "eu-west-2"])
        #expect(region == ResolvedRegion(name: "us-west-1", source: .flag))
    }

    @Test func awsRegionWinsOverAWSDefaultRegion() throws {
        let region = try resolve(["AWS_REGION": "eu-west-1", "AWS_DEFAULT_REGION": "eu-west-2"])
        #expect(region == ResolvedRegion(name: "eu-west-1", source: .environment(variable: "AWS_REGION")))
    }

    @Test func awsDefaultRegionWinsOverTheProfile() throws {
        let region = try resolve(["AWS_DEFAULT_REGION": "eu-west-2"])
        #expect(region == ResolvedRegion(name: "eu-west-2", source: .environment(variable: "AWS_DEFAULT_REGION")))
    }

    @Test func theProfileRegionComesLast() throws {
        #expect(try resolve() == ResolvedRegion(name: "eu-central-1", source: .profile(name: "default", file: "~/.aws/config")))
        #expect(try resolve(profile: "dev").name == "ap-southeast-2")
        #expect(try resolve(["AWS_PROFILE": "dev"]).name == "ap-southeast-2")
        #expect(try resolve(flag: "", ["AWS_REGION": ""]).name == "eu-central-1")  // empty counts as unset
    }

    @Test func aRegionInTheCredentialsFileCountsAndNamesThatFile() throws {
        let sandbox = try ConfigSandbox(config: "[profile dev]\nregion = eu-west-1\n", credentials: "[dev]\nregion = sa-east-1\n")
        let region = try RegionResolver(config: try sandbox.context(profile: "dev")).resolve(flag: nil)
        #expect(region == ResolvedRegion(name: "sa-east-1", source: .profile(name: "dev", file: "~/.aws/credentials")))
        #expect(region.description == "sa-east-1 (from profile dev (~/.aws/credentials))")
    }

    @Test func noRegionNamesAllFourPlaces() async throws {
        let sandbox = try ConfigSandbox(config: "[profile dev]\noutput = json\n")
        let error = await configurationError {
            _ = try RegionResolver(config: try sandbox.context()).resolve(flag: nil)
        }
        #expect(
            error?.message
                == "No AWS region: set AWS_REGION or AWS_DEFAULT_REGION, or set region in the "
                + "profile (~/.aws/config [default])")
        let named = await configurationError {
            _ = try RegionResolver(config: try sandbox.context(profile: "dev")).resolve(flag: nil)
        }
        #expect(named?.message.hasSuffix("(~/.aws/config [profile dev])") == true)
        #expect(named?.hint?.contains("--profile dev") == true)
    }

    @Test(arguments: [
        ("eu west 1", "--region"), ("eu-west-1/", "--region"), ("-eu", "--region"), ("eu_west_1", "--region"),
    ])
    func garbageRegionNamesAreRefused(name: String, source: String) async throws {
        let error = await configurationError { _ = try resolve(flag: name) }
        #expect(error?.message.hasPrefix("Invalid AWS region '\(name)' (from \(source))") == true)
    }

    @Test func aGarbageRegionFromTheEnvironmentOrProfileNamesItsSource() async throws {
        let fromEnvironment = await configurationError { _ = try resolve(["AWS_REGION": "eu west 1"]) }
        #expect(fromEnvironment?.message.contains("(from AWS_REGION)") == true)

        let sandbox = try ConfigSandbox(config: "[default]\nregion = eu west 1\n")
        let fromProfile = await configurationError {
            _ = try RegionResolver(config: try sandbox.context()).resolve(flag: nil)
        }
        #expect(fromProfile?.message.contains("(from profile default (~/.aws/config))") == true)
    }

    @Test func plausibleRegionNames() {
        for name in ["us-east-1", "eu-central-2", "us-gov-west-1", "cn-north-1", "local", "XX-TEST-9"] {
            #expect(RegionResolver.isPlausibleRegionName(name), "\(name)")
        }
        for name in ["", "-", "a-", "a b", "a.b", "ü-1"] {
            #expect(!RegionResolver.isPlausibleRegionName(name), "\(name)")
        }
    }
}
