import FanoutKit

/// The one command tree: it drives parsing, `--help`, `fanout help`, completions and the README reference.
public enum FanoutCommand {
    /// Options every command accepts, before or after the command name.
    public static let globalOptions: [OptionSpec] = [
        .value("region", "region", help: "AWS region (overrides AWS_REGION, AWS_DEFAULT_REGION and the profile's region)"),
        .value("profile", "name", help: "Profile from the shared config and credentials files (overrides AWS_PROFILE)"),
        .value("endpoint-url", "url", help: "Send every AWS call to this endpoint (e.g. a local moto server)"),
        .value("outputs", "path", help: "Terraform outputs.json to read endpoints from (env FANOUT_OUTPUTS)",
               default: "terraform/outputs.json", completion: .file),
        .value("output", "format", short: "o", help: "Output format", default: "table", choices: ["table", "json"]),
        .flag("no-color", help: "No colour (also NO_COLOR=1 or TERM=dumb)"),
        .flag("debug", help: "Log every request, status, timing and retry on stderr (secrets redacted)"),
        .flag("quiet", short: "q", help: "Print only data and errors"),
    ]

    public static var root: CommandSpec {
        CommandSpec(
            name: "fanout",
            abstract: "Operate AWS SNS→SQS fan-out systems: queues, DLQs, alarms and proof of processing.",
            discussion: """
            fanout reads the topic, queues, DLQs and table from Terraform's outputs.json (jq filters through libjq) \
            and signs every AWS call itself. Credentials, region and endpoints resolve as the AWS CLI resolves them.
            """,
            examples: [
                Example("fanout queues", "Depth of every queue and DLQ named in terraform/outputs.json"),
                Example("fanout queues --output json --outputs path/to/outputs.json", "The same, as JSON"),
                Example("fanout whoami --profile prod", "Check which identity a profile resolves to"),
            ],
            subcommands: [
                StackGroup.command,
                PublishCommand.command,
                QueuesCommand.command,
                PollCommand.command,
                ConsumeCommand.command,
                ScanCommand.command,
                RouteCommand.command,
                DLQCommand.spec,
                AlarmsCommand.command,
                VerifyCommand.command,
                WhoamiCommand.command,
                CompletionsCommand.command,
                VersionCommand.command,
                ReferenceCommand.command,
            ])
    }

    /// Options that point a command at the stack's resources, each overriding the outputs.json filter of its role.
    static func resourceOptions(_ roles: [OutputRole]) -> [OptionSpec] {
        var options: [OptionSpec] = []
        for role in roles {
            switch role {
            case .topic:
                options.append(.value("topic", "arn", help: "SNS topic ARN (instead of outputs.json)"))
            case .queues:
                options.append(.value("queue", "url", help: "Queue URL or name (repeatable; instead of outputs.json)", repeatable: true))
            case .dlqs:
                options.append(.value("dlq", "url", help: "DLQ URL or name (repeatable; instead of outputs.json)", repeatable: true))
            case .table:
                options.append(.value("table", "name", help: "DynamoDB table name (instead of outputs.json)"))
            case .api:
                options.append(.value("api", "url", help: "HTTP API endpoint (instead of outputs.json)"))
            }
            options.append(.value("\(role.rawValue)-filter", "jq", help: "jq filter for the \(role.noun) in outputs.json",
                                  default: role.defaultFilter))
        }
        return options
    }
}
