import FanoutKit

/// Destructive verbs ask on a terminal and need their --yes flag otherwise.
enum Confirmation {
    /// Returns when `confirmed` (the flag was given) or the user answers yes on a terminal.
    /// - Throws: a usage error off a terminal; `.interrupted` "cancelled" when the answer is not yes.
    static func require(_ context: CommandContext, confirmed: Bool, flag: String, question: String) throws {
        if confirmed { return }
        guard context.terminal.stdinIsTTY, context.terminal.stderrIsTTY else {
            throw FanoutError.usage("\(question) Not a terminal: pass --\(flag) to confirm")
        }
        context.terminal.err("\(question) [y/N] ")
        let answer = readLine()?.lowercased() ?? ""
        guard answer == "y" || answer == "yes" else { throw FanoutError(.interrupted, "cancelled") }
    }
}
