extension ParsedArguments {
    /// A value read from an option whose spec has a default: present by construction, so a nil is a spec error.
    /// `try args.defaulted(args.int("max", in: 1...10), "max")`
    func defaulted<Value>(_ value: Value?, _ long: String) -> Value {
        guard let value else { preconditionFailure("'--\(long)' has no default in \(commandPath.joined(separator: " "))'s spec") }
        return value
    }
}
