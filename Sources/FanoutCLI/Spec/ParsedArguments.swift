import FanoutKit

/// The command line after parsing, as a command's parse step sees it: option values by long name and
/// positionals by argument name. Only parse steps read it; `run` functions get typed `Options`.
///
/// Every lookup names an option or argument the spec declares; asking for an undeclared name is a programming
/// error (a typo), caught by the per-command parse tests through `assertionFailure`.
public struct ParsedArguments: Sendable {
    /// The names from the program down to the command that runs: `["fanout", "dlq", "redrive"]`.
    public let commandPath: [String]
    /// Every value given, in order, by long option name; a flag records one empty string per occurrence.
    let givenValues: [String: [String]]
    /// Spec defaults by long option name (command options and globals).
    let defaults: [String: String]
    /// Positionals by argument name.
    let positionals: [String: [String]]
    /// The option and argument names the spec declares; nil when built by hand without a spec.
    let declared: Set<String>?

    /// Builds parsed arguments directly, for tests of commands that skip the parser.
    public init(
        commandPath: [String],
        options: [String: [String]] = [:],
        defaults: [String: String] = [:],
        arguments: [String: [String]] = [:],
        declared: Set<String>? = nil
    ) {
        self.commandPath = commandPath
        self.givenValues = options
        self.defaults = defaults
        self.positionals = arguments
        self.declared = declared
    }

    private func check(_ name: String) {
        if let declared, !declared.contains(name) {
            assertionFailure("'\(name)' is not declared by \(commandPath.joined(separator: " "))'s spec")
        }
    }

    /// Whether the option was given on the command line (as a flag or with a value); defaults do not count.
    public func has(_ long: String) -> Bool {
        check(long)
        return givenValues[long] != nil
    }

    /// Whether the flag was given.
    public func flag(_ long: String) -> Bool {
        has(long)
    }

    /// The last value given, else the spec's default, else nil.
    public func string(_ long: String) -> String? {
        check(long)
        return givenValues[long]?.last ?? defaults[long]
    }

    /// Every value given, in order; when none was given, the default alone (if any).
    public func strings(_ long: String) -> [String] {
        check(long)
        if let values = givenValues[long] { return values }
        return defaults[long].map { [$0] } ?? []
    }

    /// The value, which must not be empty when given (`--queue=` is an error, never "every queue").
    public func nonEmpty(_ long: String) throws -> String? {
        guard let text = string(long) else { return nil }
        guard !text.isEmpty else { throw emptyValue(long) }
        return text
    }

    /// Every value given, none of them empty.
    public func nonEmptyStrings(_ long: String) throws -> [String] {
        let values = strings(long)
        if values.contains(where: \.isEmpty) { throw emptyValue(long) }
        return values
    }

    /// `string(_:)` as a whole number within `range`.
    /// - Throws: `FanoutError.usage` when the value is not a whole number or lies outside the range.
    public func int(_ long: String, in range: ClosedRange<Int> = Int.min...Int.max) throws -> Int? {
        guard let text = string(long) else { return nil }
        guard let value = Int(text) else { throw invalidValue(text, long, expected: Self.describe(range, unit: "a whole number")) }
        guard range.contains(value) else { throw invalidValue(text, long, expected: Self.describe(range, unit: "a whole number")) }
        return value
    }

    /// `string(_:)` as a finite number within `range`, such as a duration in seconds or a rate per second.
    /// Non-finite, overflowing and out-of-range values are usage errors, never traps further down.
    public func number(_ long: String, in range: ClosedRange<Double>, unit: String = "a number") throws -> Double? {
        guard let text = string(long) else { return nil }
        guard let value = Double(text), value.isFinite, range.contains(value) else {
            throw invalidValue(text, long, expected: Self.describe(range, unit: unit))
        }
        return value
    }

    /// A duration in seconds: finite, greater than `minimum` (or equal to it when `inclusive`), at most `maximum`.
    public func seconds(_ long: String, above minimum: Double = 0, inclusive: Bool = false, max maximum: Double) throws -> Double? {
        guard let text = string(long) else { return nil }
        let expected = "a number of seconds " + (inclusive ? "from \(JSONValue.format(minimum))" : "greater than \(JSONValue.format(minimum))")
            + " up to \(JSONValue.format(maximum))"
        guard let value = Double(text), value.isFinite, inclusive ? value >= minimum : value > minimum, value <= maximum else {
            throw invalidValue(text, long, expected: expected)
        }
        return value
    }

    /// The value read for an option whose spec declares a default, so it is never nil: the default is written
    /// once, in the spec. A nil here means the spec lost its default, a programming error the parse tests catch.
    public func defaulted<T>(_ value: T?, _ long: String) -> T {
        guard let value else { preconditionFailure("--\(long) of \(commandPath.joined(separator: " ")) has no default in its spec") }
        return value
    }

    /// The positional for this argument name (the first one, for a variadic argument).
    public func argument(_ name: String) -> String? {
        check(name)
        return positionals[name]?.first
    }

    /// Every positional taken by this (variadic) argument name.
    public func arguments(_ name: String) -> [String] {
        check(name)
        return positionals[name] ?? []
    }

    static func describe(_ range: ClosedRange<Int>, unit: String) -> String {
        switch (range.lowerBound, range.upperBound) {
        case (Int.min, Int.max): return unit
        case (let low, Int.max): return "\(unit) of at least \(low)"
        case (let low, let high): return "\(unit) from \(low) to \(high)"
        }
    }

    static func describe(_ range: ClosedRange<Double>, unit: String) -> String {
        "\(unit) from \(JSONValue.format(range.lowerBound)) to \(JSONValue.format(range.upperBound))"
    }

    /// The usage error for a value that does not fit: the one format every command uses.
    public func invalidValue(_ text: String, _ long: String, expected: String) -> FanoutError {
        .usage("Invalid value '\(text)' for '--\(long)': expected \(expected).")
    }

    func emptyValue(_ long: String) -> FanoutError {
        .usage("Empty value for '--\(long)'.")
    }
}
