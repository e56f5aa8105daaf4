import FanoutCLI

/// A small command tree shaped like fanout's, shared by the parser, help and completion tests.
enum TestSpec {
    static let noop: CommandRun = { _ in { _ in } }

    static let globalOptions: [OptionSpec] = [
        .value("region", "REGION", help: "AWS region to use; overrides AWS_REGION and the profile."),
        .value("output", "FORMAT", help: "Output format.", default: "table", choices: ["table", "json"]),
        .flag("debug", help: "Log every AWS request and response to stderr."),
        .flag("quiet", short: "q", help: "Print only data, no progress."),
        .value("trace-file", "PATH", help: "Internal tracing.", completion: .file, hidden: true),
    ]

    static let queues = CommandSpec(
        name: "queues",
        abstract: "List the stack's queues with their depth.",
        options: [.flag("all", short: "a", help: "Include queues outside the stack.")],
        run: noop)

    static let poll = CommandSpec(
        name: "poll",
        abstract: "Watch queue depths until they drain.",
        discussion: """
            Polls every queue of the stack and redraws one line per queue. With --once it prints a \
            single snapshot and exits, which is what scripts want.

            Exit status is 1 when --until-drained times out.
            """,
        arguments: [ArgumentSpec(name: "QUEUE", help: "Only these queues.", isOptional: true, isVariadic: true)],
        options: [
            .value("interval", "SECONDS", short: "i", help: "Seconds between polls.", default: "2"),
            .flag("once", help: "Poll once and exit."),
            .value("timeout", "SECONDS", help: "Give up after this long."),
            .value("attribute", "NAME", help: "Extra queue attribute to show.",
                   choices: ["ApproximateNumberOfMessages", "ApproximateAgeOfOldestMessage"], repeatable: true),
            .value("snapshot", "FILE", help: "Also write each snapshot to this file.", completion: .file),
        ],
        examples: [
            Example("fanout poll --interval 5", "Poll every five seconds"),
            Example("fanout poll orders-queue --once --output json"),
        ],
        run: noop)

    static let inspect = CommandSpec(
        name: "inspect",
        abstract: "Show messages in a dead-letter queue without removing them.",
        arguments: [ArgumentSpec(name: "QUEUE", help: "The dead-letter queue.")],
        options: [.value("limit", "N", help: "How many messages to show.", default: "10")],
        run: noop)

    static let redrive = CommandSpec(
        name: "redrive",
        abstract: "Move messages from a dead-letter queue back to their source queue.",
        arguments: [ArgumentSpec(name: "QUEUE", help: "The dead-letter queue; all of them when omitted.", isOptional: true)],
        options: [
            .value("to", "URL", help: "Send to this queue instead of the source queue."),
            .value("rate", "N", help: "Messages per second.", default: "0.5"),
            .flag("wait", help: "Wait until the move task finishes."),
            .flag("yes", short: "y", help: "Do not ask for confirmation."),
        ],
        run: noop)

    static let dlq = CommandSpec(
        name: "dlq",
        abstract: "List dead-letter queues, inspect them, redrive them.",
        arguments: [ArgumentSpec(name: "QUEUE", help: "Only this dead-letter queue.", isOptional: true)],
        options: [.flag("non-empty", help: "Only queues that hold messages.")],
        subcommands: [inspect, redrive],
        run: noop)

    static let config = CommandSpec(
        name: "config",
        abstract: "Show or check configuration.",
        subcommands: [
            CommandSpec(name: "show", abstract: "Print the resolved configuration.", run: noop),
            CommandSpec(
                name: "import", abstract: "Read outputs from a file.",
                arguments: [ArgumentSpec(name: "FILE", help: "The outputs.json file.", completion: .file)],
                options: [.value("dir", "DIR", help: "Working directory.", completion: .directory)],
                run: noop),
        ])

    static let root = CommandSpec(
        name: "fanout",
        abstract: "Operate an SNS to SQS fan-out stack.",
        subcommands: [queues, poll, dlq, config])

    static var parser: CommandLineParser { CommandLineParser(root: root, globalOptions: globalOptions) }
}
