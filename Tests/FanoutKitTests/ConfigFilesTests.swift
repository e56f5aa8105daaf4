import Foundation
import Testing

@testable import FanoutKit

@Suite("Shared config and credentials files")
struct ConfigFilesTests {
    // MARK: INI parsing (Python's RawConfigParser as botocore uses it)

    @Test func parsesSectionsKeysCommentsAndDelimiters() throws {
        let file = try INIFile.parse(
            """
            # a comment
            ; another comment
            [default]
            Region = eu-west-1
            output: json
              # an indented comment
            cli_pager =
            note = keep # this is part of the value

            [other]   trailing text after the header is ignored
            key=value
            """, displayPath: "test")
        #expect(file.sections.map(\.name) == ["default", "other"])
        let main = file.sections[0].section
        #expect(main["region"] == "eu-west-1")  // keys are lower-cased, as configparser does
        #expect(main["Region"] == nil)
        #expect(main["output"] == "json")
        #expect(main["cli_pager"] == "")
        #expect(main["note"] == "keep # this is part of the value")  // no inline comments
        #expect(file.sections[1].section["key"] == "value")
    }

    @Test func parsesNestedBlocksAndContinuationLines() throws {
        let file = try INIFile.parse(
            """
            [services local]
            sqs =
              endpoint_url = http://localhost:4566
              Other_Key = x = y

            sns =
                endpoint_url=http://localhost:4575
            [profile dev]
            description = first line
              second line
            """, displayPath: "test")
        let services = file.sections[0].section
        #expect(services.subsections["sqs"] == ["endpoint_url": "http://localhost:4566", "Other_Key": "x = y"])
        #expect(services.subsections["sns"] == ["endpoint_url": "http://localhost:4575"])
        #expect(services["sqs"] == nil)
        #expect(file.sections[1].section["description"] == "first line\nsecond line")
    }

    @Test func defaultSectionIsInheritedByEverySection() throws {
        let file = try INIFile.parse(
            """
            [DEFAULT]
            region = us-east-1
            output = text
            [a]
            output = json
            """, displayPath: "test")
        #expect(file.sections.map(\.name) == ["a"])
        #expect(file.sections[0].section.values == ["region": "us-east-1", "output": "json"])
    }

    @Test(arguments: [
        ("region = x\n[default]\n", "line 1", "before any [section] header"),
        ("[default]\njust some words\n", "line 2", "neither a [section] header"),
        ("[default]\na = 1\n[default]\n", "line 3", "appears more than once"),
        ("[default]\na = 1\nA = 2\n", "line 3", "key 'a' appears more than once"),
        ("[default]\n= 1\n", "line 2", "no key"),
    ])
    func rejectsWhatConfigparserRejects(text: String, line: String, problem: String) async throws {
        let error = await configurationError { _ = try INIFile.parse(text, displayPath: "~/.aws/config") }
        #expect(error?.message.contains("~/.aws/config \(line)") == true)
        #expect(error?.message.contains(problem) == true)
    }

    @Test func rejectsANestedBlockLineWithoutEquals() async throws {
        let error = await configurationError {
            _ = try INIFile.parse("[services x]\nsqs =\n  endpoint_url\n", displayPath: "cfg")
        }
        #expect(error?.message.contains("without '='") == true)
    }

    @Test func splitsSectionNamesLikeShlex() {
        #expect(INIFile.shellWords("profile dev") == ["profile", "dev"])
        #expect(INIFile.shellWords("profile   \"my dev\"") == ["profile", "my dev"])
        #expect(INIFile.shellWords("profile 'a b'") == ["profile", "a b"])
        #expect(INIFile.shellWords("profile a\\ b") == ["profile", "a b"])
        #expect(INIFile.shellWords("profile \"unterminated") == nil)
    }

    // MARK: profiles in the two files

    @Test func configFileProfilesAreDefaultAndProfilePrefixedSectionsOnly() throws {
        let sandbox = try ConfigSandbox(
            config: """
                [default]
                region = eu-west-1
                [profile dev]
                region = us-east-1
                [staging]
                region = ap-south-1
                [sso-session corp]
                sso_region = us-east-1
                [profile "with space"]
                region = eu-north-1
                [profile a b]
                region = never
                [services local]
                sqs =
                  endpoint_url = http://localhost:4566
                """)
        let files = try AWSConfigFiles.load(environment: sandbox.environment())
        #expect(Set(files.configFileProfiles.keys) == ["default", "dev", "with space"])
        #expect(files.profile(named: "staging") == nil)
        #expect(files.servicesSections["local"]?.subsections["sqs"]?["endpoint_url"] == "http://localhost:4566")
        #expect(files.configFileDisplayPath == "~/.aws/config")
    }

    @Test func profileDefaultSectionAlsoDefinesTheDefaultProfile() throws {
        let sandbox = try ConfigSandbox(config: "[profile default]\nregion = eu-central-1\n")
        let files = try AWSConfigFiles.load(environment: sandbox.environment())
        #expect(files.profile(named: "default")?["region"] == "eu-central-1")
    }

    @Test func credentialsFileSectionsAreProfilesUnderTheirPlainNames() throws {
        let sandbox = try ConfigSandbox(
            credentials: """
                [default]
                aws_access_key_id = AKIADEFAULT
                [dev]
                aws_access_key_id = AKIADEV
                [profile prod]
                aws_access_key_id = AKIAPROD
                """)
        let files = try AWSConfigFiles.load(environment: sandbox.environment())
        #expect(files.profileNames == ["default", "dev", "profile prod"])
        #expect(files.profile(named: "prod") == nil)
    }

    @Test func credentialsFileValuesOverrideConfigFileValuesKeyByKey() throws {
        let sandbox = try ConfigSandbox(
            config: "[profile dev]\nregion = eu-west-1\noutput = json\n",
            credentials: "[dev]\nregion = us-west-2\naws_access_key_id = AKIA\n")
        let files = try AWSConfigFiles.load(environment: sandbox.environment())
        #expect(
            files.profile(named: "dev")?.values
                == ["region": "us-west-2", "output": "json", "aws_access_key_id": "AKIA"])
    }

    @Test func missingFilesAndDirectoriesCountAsEmpty() throws {
        let sandbox = try ConfigSandbox()
        try FileManager.default.createDirectory(atPath: sandbox.home + "/.aws/config", withIntermediateDirectories: true)
        let files = try AWSConfigFiles.load(environment: sandbox.environment())
        #expect(files.profileNames.isEmpty)
        #expect(files.credentialsFilePath == sandbox.home + "/.aws/credentials")
    }

    @Test func filePathsComeFromTheEnvironmentWithTildeAndVariablesExpanded() throws {
        let sandbox = try ConfigSandbox(config: "[default]\nregion = wrong\n")
        try sandbox.write("elsewhere/cfg", "[profile x]\nregion = eu-west-3\n")
        try sandbox.write("elsewhere/creds", "[y]\naws_access_key_id = AKIA\naws_secret_access_key = s\n")
        let files = try AWSConfigFiles.load(
            environment: sandbox.environment([
                "AWS_CONFIG_FILE": "~/elsewhere/cfg",
                "AWS_SHARED_CREDENTIALS_FILE": "${HOME}/elsewhere/$NAME",
                "NAME": "creds",
            ]))
        #expect(files.profileNames == ["x", "y"])
        #expect(files.credentialsFileDisplayPath == "~/elsewhere/creds")
    }

    @Test func aParseErrorInEitherFileIsAConfigurationError() async throws {
        let sandbox = try ConfigSandbox(credentials: "aws_access_key_id = AKIA\n")
        let error = await configurationError { _ = try AWSConfigFiles.load(environment: sandbox.environment()) }
        #expect(error?.message.contains("~/.aws/credentials line 1") == true)
    }

    // MARK: profile selection

    @Test func profileSelectionOrderIsFlagThenAWSProfileThenAWSDefaultProfile() {
        let both = Environment(["AWS_PROFILE": "from-profile", "AWS_DEFAULT_PROFILE": "from-default"])
        #expect(ProfileSelection.resolve(flag: "cli", environment: both) == ProfileSelection(name: "cli", origin: .flag))
        #expect(
            ProfileSelection.resolve(flag: nil, environment: both)
                == ProfileSelection(name: "from-profile", origin: .environment(variable: "AWS_PROFILE")))
        #expect(
            ProfileSelection.resolve(flag: nil, environment: Environment(["AWS_DEFAULT_PROFILE": "d"]))
                == ProfileSelection(name: "d", origin: .environment(variable: "AWS_DEFAULT_PROFILE")))
        #expect(
            ProfileSelection.resolve(flag: nil, environment: Environment(["AWS_PROFILE": ""]))
                == ProfileSelection(name: "default", origin: .implicitDefault))
    }

    @Test func aNamedProfileMustExist() async throws {
        let sandbox = try ConfigSandbox(config: "[profile dev]\nregion = eu-west-1\n[staging]\nregion = x\n")
        let fromFlag = await configurationError { _ = try sandbox.context(profile: "prod") }
        #expect(fromFlag?.message == "The config profile (prod) could not be found")
        #expect(fromFlag?.hint?.contains("dev") == true)

        let fromEnvironment = await configurationError { _ = try sandbox.context(["AWS_PROFILE": "prod"]) }
        #expect(fromEnvironment?.message == "The config profile (prod) could not be found (named by AWS_PROFILE)")

        // [staging] in the config file is not a profile.
        _ = await configurationError { _ = try sandbox.context(profile: "staging") }
        // Asking for "default" by name needs it to exist too.
        _ = await configurationError { _ = try sandbox.context(profile: "default") }
    }

    @Test func theImplicitDefaultProfileMayBeMissing() throws {
        let sandbox = try ConfigSandbox()
        let context = try sandbox.context()
        #expect(context.profile == ProfileSelection(name: "default", origin: .implicitDefault))
        #expect(context.profileSettings == ConfigSection())
    }
}
