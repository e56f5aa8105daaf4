import FanoutKit

/// Turns any error into what the user reads on stderr and the exit status: the one place where FanoutKit's
/// typed errors meet command-line flags. A usage error reads like the parser's (`Error:`, the usage line,
/// `See '… --help'.`); every other error is `Error:` and at most one `Hint:` line.
enum ErrorPresenter {
    static func text(_ error: any Error, path: [CommandSpec], globalOptions: [OptionSpec]) -> (text: String, status: Int32) {
        let failure = FanoutError.wrap(error)
        if failure.kind == .usage {
            let name = path.map(\.name).joined(separator: " ")
            var lines = ["Error: " + failure.message]
            if let hint = hint(failure) { lines.append("Hint: " + hint) }
            lines += HelpRenderer.usageLines(path: path, globalOptions: globalOptions, prefix: "Usage: ")
            lines.append("See '\(name) --help'.")
            return (lines.joined(separator: "\n") + "\n", failure.exitCode)
        }
        var text = "Error: \(failure.message)\n"
        if let hint = hint(failure) { text += "Hint: \(hint)\n" }
        return (text, failure.exitCode)
    }

    /// FanoutKit's own hint, joined with the flags that control the error's subject.
    static func hint(_ failure: FanoutError) -> String? {
        let flags: String?
        switch failure.subject {
        case .region?: flags = "pass --region"
        case .endpoint?: flags = "check --endpoint-url / AWS_ENDPOINT_URL and the region, and that the service is up"
        case .profile?: flags = "pass --profile"
        case .outputsFile?: flags = "pass --outputs PATH (or set FANOUT_OUTPUTS)"
        case .outputsFilter(let role)?:
            let override = OutputRole(rawValue: role).map(overrideOption) ?? ""
            flags = "pass --\(role)-filter with a jq filter that yields it" + (override.isEmpty ? "" : ", or --\(override)")
        case .input?, nil: flags = nil
        }
        switch (failure.hint, flags) {
        case (nil, nil): return nil
        case (let kit?, nil): return kit
        case (nil, let flags?): return flags
        case (let kit?, let flags?): return kit + ", or " + flags
        }
    }

    static func overrideOption(_ role: OutputRole) -> String {
        switch role {
        case .topic: return "topic ARN"
        case .queues: return "queue URL"
        case .dlqs: return "dlq URL"
        case .table: return "table NAME"
        case .api: return "api URL"
        }
    }
}
