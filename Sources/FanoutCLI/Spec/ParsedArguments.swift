import FanoutKit

/// The command line after parsing, as a command's `run` sees it: option values by long name and
/// positionals by argument name. Lookups of names the spec does not declare return nil / empty.
public struct ParsedArguments: Sendable {
    /// The names from the program down to the command that runs: `["fanout", "dlq", "redrive"]`.
    public let commandPath: [String]
    /// Every value given, in order, by long option name; a flag records one empty string per occurrence.
    let givenValues: [String: [String]]
    /// Spec defaults by long option name (command options and globals).
    let defaults: [String: String]
    /// Positionals by argument name.
    let positionals: [String: [String]]

    /// Builds parsed arguments directly, for tests of commands that skip the parser.
    public init(
        commandPath: [String],
        options: [String: [String]] = [:],
        defaults: [String: String] = [:],
        arguments: [String: [String]] = [:]
    ) {
        self.commandPath = commandPath
        self.givenValues = options
        self.defaults = defaults
        self.positionals = arguments
    }

    /// Whether the option was given on the command line (as a flag or with a value); defaults do not count.
    public func has(_ long: String) -> Bool {
        givenValues[long] != nil
    }

    /// Whether the flag was given.
    public func flag(_ long: String) -> Bool {
        has(long)
    }

    /// The last value given, else the spec's default, else nil.
    public func string(_ long: String) -> String? {
        givenValues[long]?.last ?? defaults[long]
    }

    /// Every value given, in order; when none was given, the default alone (if any).
    public func strings(_ long: String) -> [String] {
        if let values = givenValues[long] { return values }
        return defaults[long].map { [$0] } ?? []
    }

    /// `string(_:)` as an integer.
    /// - Throws: `FanoutError.usage` when the value is not an integer.
    public func int(_ long: String) throws -> Int? {
        guard let text = string(long) else { return nil }
        guard let value = Int(text) else { throw invalidValue(text, long, expected: "an integer") }
        return value
    }

    /// `string(_:)` as a finite number such as `0.5`.
    /// - Throws: `FanoutError.usage` when the value is not a number.
    public func double(_ long: String) throws -> Double? {
        guard let text = string(long) else { return nil }
        guard let value = Double(text), value.isFinite else { throw invalidValue(text, long, expected: "a number") }
        return value
    }

    /// The positional for this argument name (the first one, for a variadic argument).
    public func argument(_ name: String) -> String? {
        positionals[name]?.first
    }

    /// Every positional taken by this (variadic) argument name.
    public func arguments(_ name: String) -> [String] {
        positionals[name] ?? []
    }

    private func invalidValue(_ text: String, _ long: String, expected: String) -> FanoutError {
        .usage(
            "Invalid value '\(text)' for '--\(long)': expected \(expected)",
            hint: "See '\(commandPath.joined(separator: " ")) --help'.")
    }
}
