import Testing

@testable import FanoutCLI

/// Golden help pages: the layout is part of the interface, so any change to it shows up here.
@Suite struct HelpTests {
    func help(_ names: String...) -> String {
        var path = [TestSpec.root]
        for name in names {
            guard let next = path[path.count - 1].subcommand(named: name) else { return "no such command \(name)" }
            path.append(next)
        }
        return HelpRenderer.render(path: path, globalOptions: TestSpec.globalOptions)
    }

    @Test func rootHelp() {
        #expect(help() == """
            OVERVIEW: Operate an SNS to SQS fan-out stack.

            USAGE: fanout <subcommand>

            OPTIONS:
              -h, --help         Show help information.

            GLOBAL OPTIONS:
              --region <region>  AWS region to use; overrides AWS_REGION and the profile.
              --output <format>  Output format. (values: table, json; default: table)
              --debug            Log every AWS request and response to stderr.
              -q, --quiet        Print only data, no progress.

            SUBCOMMANDS:
              queues             List the stack's queues with their depth.
              poll               Watch queue depths until they drain.
              dlq                List dead-letter queues, inspect them, redrive them.
              config             Show or check configuration.
              help               Show help for a command.

              See 'fanout help <subcommand>' for detailed help.
            """)
    }

    /// A leaf: optional argument, options with defaults, a short name, usage collapsed to `[<options>]`.
    @Test func leafHelp() {
        #expect(help("dlq", "redrive") == """
            OVERVIEW: Move messages from a dead-letter queue back to their source queue.

            USAGE: fanout dlq redrive [<queue>] [<options>] [<global options>]

            ARGUMENTS:
              <queue>            The dead-letter queue; all of them when omitted.

            OPTIONS:
              --to <url>         Send to this queue instead of the source queue.
              --rate <n>         Messages per second. (default: 0.5)
              --wait             Wait until the move task finishes.
              -y, --yes          Do not ask for confirmation.
              -h, --help         Show help information.

            GLOBAL OPTIONS:
              --region <region>  AWS region to use; overrides AWS_REGION and the profile.
              --output <format>  Output format. (values: table, json; default: table)
              --debug            Log every AWS request and response to stderr.
              -q, --quiet        Print only data, no progress.
            """)
    }

    /// Discussion paragraphs, a variadic argument, repeatable option, wrapped choices, examples.
    @Test func leafWithDiscussionAndExamples() {
        #expect(help("poll") == """
            OVERVIEW: Watch queue depths until they drain.

            Polls every queue of the stack and redraws one line per queue. With --once it
            prints a single snapshot and exits, which is what scripts want.

            Exit status is 1 when --until-drained times out.

            USAGE: fanout poll [<queue> ...] [<options>] [<global options>]

            ARGUMENTS:
              <queue> ...               Only these queues.

            OPTIONS:
              -i, --interval <seconds>  Seconds between polls. (default: 2)
              --once                    Poll once and exit.
              --timeout <seconds>       Give up after this long.
              --attribute <name> ...    Extra queue attribute to show. (values:
                                        ApproximateNumberOfMessages,
                                        ApproximateAgeOfOldestMessage)
              --snapshot <file>         Also write each snapshot to this file.
              -h, --help                Show help information.

            GLOBAL OPTIONS:
              --region <region>         AWS region to use; overrides AWS_REGION and the
                                        profile.
              --output <format>         Output format. (values: table, json; default: table)
              --debug                   Log every AWS request and response to stderr.
              -q, --quiet               Print only data, no progress.

            EXAMPLES:
              # Poll every five seconds
              $ fanout poll --interval 5

              $ fanout poll orders-queue --once --output json
            """)
    }

    /// A command that both runs and has subcommands shows both usage forms.
    @Test func groupThatAlsoRuns() {
        #expect(help("dlq") == """
            OVERVIEW: List dead-letter queues, inspect them, redrive them.

            USAGE: fanout dlq [<queue>] [--non-empty] [<global options>]
                   fanout dlq <subcommand>

            ARGUMENTS:
              <queue>            Only this dead-letter queue.

            OPTIONS:
              --non-empty        Only queues that hold messages.
              -h, --help         Show help information.

            GLOBAL OPTIONS:
              --region <region>  AWS region to use; overrides AWS_REGION and the profile.
              --output <format>  Output format. (values: table, json; default: table)
              --debug            Log every AWS request and response to stderr.
              -q, --quiet        Print only data, no progress.

            SUBCOMMANDS:
              inspect            Show messages in a dead-letter queue without removing them.
              redrive            Move messages from a dead-letter queue back to their source
                                 queue.

              See 'fanout help dlq <subcommand>' for detailed help.
            """)
    }

    @Test func hiddenOptionsAreLeftOut() {
        #expect(!help().contains("trace-file"))
        #expect(!help("queues").contains("trace-file"))
    }

    @Test func everyPageListsGlobalOptions() {
        for page in [help(), help("queues"), help("dlq", "inspect"), help("config", "import")] {
            #expect(page.contains("GLOBAL OPTIONS:\n  --region <region>"))
            #expect(page.contains("  -h, --help "))
        }
    }

    @Test func sectionsWithoutContentAreLeftOut() {
        let page = HelpRenderer.render(path: [CommandSpec(name: "tool", abstract: "", run: { _ in { _ in } })], globalOptions: [])
        #expect(page == """
            USAGE: tool

            OPTIONS:
              -h, --help  Show help information.
            """)
    }

    @Test func wideLabelsPutTheirTextOnTheNextLine() {
        let command = CommandSpec(
            name: "tool", abstract: "Does things.",
            options: [
                .value("dead-letter-queue-url", "URL", help: "The queue to read from."),
                .flag("x", help: "Short."),
            ],
            run: { _ in { _ in } })
        #expect(HelpRenderer.render(path: [command], globalOptions: []) == """
            OVERVIEW: Does things.

            USAGE: tool [--dead-letter-queue-url <url>] [--x]

            OPTIONS:
              --dead-letter-queue-url <url>
                          The queue to read from.
              --x         Short.
              -h, --help  Show help information.
            """)
    }

    @Test func indentedDiscussionParagraphsAreKept() {
        let command = CommandSpec(
            name: "tool", abstract: "",
            discussion: """
                Some words that make up a paragraph.

                  tool --flag   one
                  tool          two
                """,
            run: { _ in { _ in } })
        #expect(HelpRenderer.render(path: [command], globalOptions: []).hasPrefix("""
            Some words that make up a paragraph.

              tool --flag   one
              tool          two

            USAGE: tool
            """))
    }

    @Test(arguments: [
        ("one two three", 7, ["one two", "three"]),
        ("one two three", 80, ["one two three"]),
        ("a verylongwordthatdoesnotfit b", 10, ["a", "verylongwordthatdoesnotfit", "b"]),
        ("", 10, [""]),
    ] as [(String, Int, [String])])
    func wrapping(_ text: String, _ width: Int, _ expected: [String]) {
        #expect(TextLayout.wrap(text, width: width) == expected)
    }

    @Test func wrappingWithHangingIndent() {
        #expect(TextLayout.wrap("alpha beta gamma delta", width: 16, firstIndent: 4, indent: 4) == ["alpha beta", "    gamma delta"])
    }

    @Test func referenceIsRenderedFromTheSpec() {
        let markdown = ReferenceRenderer.markdown(root: TestSpec.root, globalOptions: TestSpec.globalOptions)
        #expect(markdown.hasPrefix("### Global options\n"))
        #expect(markdown.contains("""
            ### `fanout dlq inspect`

            Show messages in a dead-letter queue without removing them.

            ```
            fanout dlq inspect <queue> [--limit <n>] [<global options>]
            ```

            Arguments:

            - `<queue>`: The dead-letter queue.

            Options:

            - `--limit <n>`: How many messages to show. (default: 10)
            """))
        #expect(markdown.contains("```sh\n# Poll every five seconds\nfanout poll --interval 5\n"))
        #expect(!markdown.contains("trace-file"))
        #expect(!markdown.contains("`fanout help`"))
    }
}
