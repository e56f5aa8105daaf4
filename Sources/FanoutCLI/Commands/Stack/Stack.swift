import FanoutKit

/// `fanout stack up | status | down`: the seed's Terraform apply/destroy, for emulators and sandbox accounts.
enum StackGroup {
    static var command: CommandSpec {
        CommandSpec(
            name: "stack",
            abstract: "Provision, inspect or delete the fan-out topology and its outputs.json.",
            discussion: """
            'stack up' creates seed 000's topology — one SNS topic, N queues with DLQs (maxReceiveCount 3, 14-day \
            retention), a queue policy that admits only the topic, one subscription per queue, the consumers' \
            DynamoDB table and one CloudWatch alarm per DLQ — and writes outputs.json. It converges: a second run \
            changes nothing and says what it found.
            """,
            subcommands: [StackUpCommand.command, StackStatusCommand.command, StackDownCommand.command])
    }

    /// One stderr line per change ("  created  queue fanout-queue-1"), unless --quiet.
    static func progress(_ context: CommandContext) -> @Sendable (StackChange) -> Void {
        let terminal = context.terminal, quiet = context.quiet
        return { change in
            if !quiet { terminal.err("  \(change.action.rawValue.padding(toLength: 8, withPad: " ", startingAt: 0)) \(change.kind) \(change.name)\n") }
        }
    }
}
