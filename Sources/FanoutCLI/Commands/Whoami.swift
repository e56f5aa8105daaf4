import FanoutKit

/// `fanout whoami`: STS GetCallerIdentity, to check credentials, region and endpoints.
enum WhoamiCommand: LeafCommand {
    struct Options: CommandOptions {
        init(_ args: ParsedArguments) throws {}
    }

    static var spec: CommandSpec {
        CommandSpec(
            name: "whoami",
            abstract: "Show the AWS identity, region and endpoint fanout resolves to.",
            discussion: "Calls STS GetCallerIdentity with the resolved credentials; says where each setting came from.",
            examples: [Example("fanout whoami --profile prod", "Which account and role the prod profile reaches")])
    }

    static func run(_ options: Options, _ context: CommandContext) async throws {
        let session = try context.session()
        let identity = try await session.sts.getCallerIdentity()
        let source = await session.credentialSource
        let json: JSONValue = [
            "account": .string(identity.account), "arn": .string(identity.arn), "userId": .string(identity.userId),
            "region": .string(session.region.name), "regionSource": .string("\(session.region.source)"),
            "credentials": .string(source), "stsEndpoint": .string(session.endpoints[.sts]?.url ?? ""),
        ]
        context.emit(json: json, ndjson: false) {
            var table = Table([.init("FIELD"), .init("VALUE")])
            table.add(["Account", identity.account])
            table.add(["Arn", identity.arn])
            table.add(["UserId", identity.userId])
            table.add(["Region", "\(session.region.name) (\(session.region.source))"])
            table.add(["Credentials", source])
            table.add(["Endpoint", session.endpoints[.sts].map { "\($0.url) (\($0.source))" } ?? ""])
            return table.render(header: context.terminal.bold)
        }
    }
}
