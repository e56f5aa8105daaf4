import Testing

@testable import FanoutKit

@Suite("Endpoint resolution")
struct EndpointResolverTests {
    static let config = """
        [default]
        region = eu-west-1
        [profile local]
        services = localstack
        endpoint_url = http://profile-wide:4566
        [profile wide]
        endpoint_url = http://profile-wide:4566
        [profile ignoring]
        services = localstack
        endpoint_url = http://profile-wide:4566
        ignore_configured_endpoint_urls = TRUE
        [profile dangling]
        services = nowhere
        [services localstack]
        sqs =
          endpoint_url = http://sqs-section:4566
        dynamodb =
          endpoint_url = http://dynamodb-section:8000
        cloudwatch =
          endpoint_url = ftp://not-http
        """

    func resolver(profile: String? = nil, _ environment: [String: String] = [:]) throws -> EndpointResolver {
        let sandbox = try ConfigSandbox(config: Self.config)
        return EndpointResolver(config: try sandbox.context(profile: profile, environment))
    }

    @Test func publicEndpointsPerServiceAndPartition() throws {
        let resolver = try resolver()
        let expected: [AWSService: String] = [
            .sns: "https://sns.eu-west-1.amazonaws.com",
            .sqs: "https://sqs.eu-west-1.amazonaws.com",
            .dynamodb: "https://dynamodb.eu-west-1.amazonaws.com",
            .cloudwatch: "https://monitoring.eu-west-1.amazonaws.com",
            .sts: "https://sts.eu-west-1.amazonaws.com",
        ]
        for service in AWSService.allCases {
            let endpoint = try resolver.resolve(service, region: "eu-west-1")
            #expect(
                endpoint
                    == ResolvedEndpoint(
                        service: service, url: expected[service] ?? "", source: .publicEndpoint,
                        signingRegion: "eu-west-1"))
        }
        #expect(try resolver.resolve(.sqs, region: "cn-north-1").url == "https://sqs.cn-north-1.amazonaws.com.cn")
        #expect(try resolver.resolve(.sts, region: "cn-northwest-1").url == "https://sts.cn-northwest-1.amazonaws.com.cn")
        #expect(try resolver.resolve(.sns, region: "us-gov-west-1").url == "https://sns.us-gov-west-1.amazonaws.com")
    }

    @Test func theExplicitURLWinsOverEverything() throws {
        let resolver = try resolver(
            profile: "local", ["AWS_ENDPOINT_URL_SQS": "http://env-sqs:1", "AWS_ENDPOINT_URL": "http://env:1"])
        let endpoint = try resolver.resolve(.sqs, region: "us-east-1", explicitURL: "http://flag:1")
        #expect(endpoint == ResolvedEndpoint(service: .sqs, url: "http://flag:1", source: .flag, signingRegion: "us-east-1"))
    }

    @Test func theServiceVariableWinsOverTheGlobalVariable() throws {
        let resolver = try resolver(
            profile: "local", ["AWS_ENDPOINT_URL_SQS": "http://env-sqs:1", "AWS_ENDPOINT_URL": "http://env:1"])
        #expect(try resolver.resolve(.sqs, region: "eu-west-1").source == .environment(variable: "AWS_ENDPOINT_URL_SQS"))
        let sns = try resolver.resolve(.sns, region: "eu-west-1")
        #expect(sns.url == "http://env:1")
        #expect(sns.source == .environment(variable: "AWS_ENDPOINT_URL"))
        let cloudwatch = try self.resolver(["AWS_ENDPOINT_URL_CLOUDWATCH": "http://cw:1"]).resolve(.cloudwatch, region: "eu-west-1")
        #expect(cloudwatch.url == "http://cw:1")
        let dynamodb = try self.resolver(["AWS_ENDPOINT_URL_DYNAMODB": "http://ddb:1"]).resolve(.dynamodb, region: "eu-west-1")
        #expect(dynamodb.url == "http://ddb:1")
        let sts = try self.resolver(["AWS_ENDPOINT_URL_STS": "http://sts:1"]).resolve(.sts, region: "eu-west-1")
        #expect(sts.url == "http://sts:1")
    }

    @Test func theGlobalVariableWinsOverTheServicesSection() throws {
        let endpoint = try resolver(profile: "local", ["AWS_ENDPOINT_URL": "http://env:1"]).resolve(.sqs, region: "eu-west-1")
        #expect(endpoint.url == "http://env:1")
    }

    @Test func theServicesSectionWinsOverTheProfileEndpoint() throws {
        let resolver = try resolver(profile: "local")
        let sqs = try resolver.resolve(.sqs, region: "eu-west-1")
        #expect(sqs.url == "http://sqs-section:4566")
        #expect(sqs.source == .servicesSection(name: "localstack", profile: "local"))
        #expect(sqs.description == "http://sqs-section:4566 (from [services localstack] of profile local)")
        #expect(try resolver.resolve(.dynamodb, region: "eu-west-1").url == "http://dynamodb-section:8000")
        // SNS has no entry in the section: the profile's endpoint_url applies.
        let sns = try resolver.resolve(.sns, region: "eu-west-1")
        #expect(sns.url == "http://profile-wide:4566")
        #expect(sns.source == .profile(name: "local"))
    }

    @Test func theProfileEndpointAppliesToEveryService() throws {
        let resolver = try resolver(profile: "wide")
        for service in AWSService.allCases {
            #expect(try resolver.resolve(service, region: "eu-west-1").url == "http://profile-wide:4566")
        }
    }

    @Test func ignoreConfiguredEndpointsFromTheEnvironmentKeepsOnlyTheFlag() throws {
        let resolver = try resolver(
            profile: "local",
            ["AWS_IGNORE_CONFIGURED_ENDPOINT_URLS": "true", "AWS_ENDPOINT_URL_SQS": "http://env-sqs:1",
             "AWS_ENDPOINT_URL": "http://env:1"])
        #expect(resolver.ignoresConfiguredEndpoints)
        #expect(try resolver.resolve(.sqs, region: "eu-west-1").source == .publicEndpoint)
        #expect(try resolver.resolve(.sns, region: "eu-west-1").source == .publicEndpoint)
        #expect(try resolver.resolve(.sqs, region: "eu-west-1", explicitURL: "http://flag:1").url == "http://flag:1")
    }

    @Test func ignoreConfiguredEndpointsFromTheProfile() throws {
        let resolver = try resolver(profile: "ignoring", ["AWS_ENDPOINT_URL": "http://env:1"])
        #expect(try resolver.resolve(.sqs, region: "eu-west-1").source == .publicEndpoint)
        #expect(try resolver.resolve(.sqs, region: "eu-west-1", explicitURL: "http://flag:1").source == .flag)
    }

    @Test func theEnvironmentOverridesTheProfileIgnoreSetting() throws {
        let resolver = try resolver(profile: "ignoring", ["AWS_IGNORE_CONFIGURED_ENDPOINT_URLS": "false"])
        #expect(!resolver.ignoresConfiguredEndpoints)
        #expect(try resolver.resolve(.sqs, region: "eu-west-1").url == "http://sqs-section:4566")
        // Anything but "true" is false, as botocore's ensure_boolean has it.
        #expect(!(try self.resolver(["AWS_IGNORE_CONFIGURED_ENDPOINT_URLS": "1"]).ignoresConfiguredEndpoints))
    }

    @Test func aMissingServicesSectionIsAnError() async throws {
        let error = await configurationError { _ = try resolver(profile: "dangling").resolve(.sqs, region: "eu-west-1") }
        #expect(
            error?.message
                == "Profile dangling sets services = nowhere, but ~/.aws/config has no [services nowhere] section")
        // …but not when configured endpoints are ignored, as botocore never looks.
        let ignored = try resolver(profile: "dangling", ["AWS_IGNORE_CONFIGURED_ENDPOINT_URLS": "true"])
        #expect(try ignored.resolve(.sqs, region: "eu-west-1").source == .publicEndpoint)
    }

    @Test(arguments: [
        ("local", [String: String](), nil as String?, AWSService.cloudwatch, "ftp://not-http",
         "[services localstack] of profile local"),
        ("default", ["AWS_ENDPOINT_URL_SNS": "localhost:4566"], nil, AWSService.sns, "localhost:4566",
         "AWS_ENDPOINT_URL_SNS"),
        ("default", [:], "http://", AWSService.sqs, "http://", "--endpoint-url"),
    ])
    func invalidURLsNameTheirSource(
        profile: String, environment: [String: String], flag: String?, service: AWSService, url: String,
        source: String
    ) async throws {
        let error = await configurationError {
            _ = try resolver(profile: profile, environment).resolve(service, region: "eu-west-1", explicitURL: flag)
        }
        #expect(
            error?.message
                == "Invalid endpoint URL '\(url)' for \(service.environmentID) (from \(source)): it must start with "
                + "http:// or https:// and name a host")
    }

    @Test func endpointPrefixesAreTheSigningNames() {
        #expect(AWSService.allCases.map(\.endpointPrefix) == ["sns", "sqs", "dynamodb", "monitoring", "sts"])
        #expect(AWSService.allCases.map(\.environmentID) == ["SNS", "SQS", "DYNAMODB", "CLOUDWATCH", "STS"])
    }
}
