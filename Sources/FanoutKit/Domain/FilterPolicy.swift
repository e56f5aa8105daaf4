/// Which part of a published message an SNS subscription filter policy is matched against
/// (the subscription's `FilterPolicyScope` attribute).
public enum FilterPolicyScope: String, Sendable {
    case messageAttributes = "MessageAttributes"
    case messageBody = "MessageBody"
}

/// An SNS subscription filter policy, validated as SNS validates it, that can say locally whether a message
/// would be delivered to the subscription.
///
/// Matching follows the Amazon SNS Developer Guide ("Amazon SNS subscription filter policies", "AND/OR logic",
/// "Key matching", "String value matching", "Numeric value matching", "Filter policy constraints"):
/// - top-level keys are ANDed; the conditions listed for one key are ORed; `"$or"` ORs whole sub-policies at any level;
/// - a key's conditions are exact values (string, number, `true`, `false`, `null`) or one-key operator objects:
///   `anything-but`, `prefix`, `suffix`, `equals-ignore-case`, `numeric`, `exists`, `cidr`;
/// - a message value that is an array (a `String.Array` attribute, or an array in the body) matches when any element does;
/// - a key the message does not carry fails every condition except `{"exists": false}`.
public struct FilterPolicy: Sendable {
    /// The policy document as given.
    public let json: JSONValue
    public let scope: FilterPolicyScope
    private let root: PolicyObject

    /// Limits from "Filter policy constraints in Amazon SNS".
    public static let maximumCombinations = 150
    public static let maximumKeys = 5
    public static let maximumSizeBytes = 256 * 1024
    /// Numeric values (in policies and in messages) are supported from -10^9 to 10^9, with five decimal places.
    public static let numericLimit = 1_000_000_000.0

    /// Validates `json` as SNS does when the policy is set on a subscription; throws a configuration error naming
    /// the offending key and problem.
    public init(_ json: JSONValue, scope: FilterPolicyScope = .messageAttributes) throws {
        guard case .object(let members) = json else {
            throw FanoutError.configuration("filter policy must be a JSON object, not \(json.typeName)")
        }
        guard !members.isEmpty else {
            throw FanoutError.configuration(
                "filter policy is empty; to receive every message, set no FilterPolicy on the subscription")
        }
        let size = json.serializedBytes().count
        guard size <= Self.maximumSizeBytes else {
            throw FanoutError.configuration("filter policy is \(size) bytes; SNS allows at most 256 KB")
        }
        let root = try PolicyParser(scope: scope).object(members, path: [])
        let combinations = root.combinations(depth: 1)
        guard combinations <= Self.maximumCombinations else {
            throw FanoutError.configuration(
                "filter policy is too complex: \(combinations) combinations of values, SNS allows at most \(Self.maximumCombinations)")
        }
        // Only now is the number of OR branches known to be small (each branch counts at least one combination).
        let keySets = root.topLevelKeySets()
        if let widest = keySets.max(by: { $0.count < $1.count }), widest.count > Self.maximumKeys {
            let what = scope == .messageBody ? "top-level keys" : "keys"
            throw FanoutError.configuration(
                "filter policy has \(widest.count) \(what) (\(widest.sorted().joined(separator: ", "))); SNS allows at most \(Self.maximumKeys)")
        }
        self.json = json
        self.scope = scope
        self.root = root
    }

    /// Parses and validates a policy from its JSON text (as in the subscription's `FilterPolicy` attribute).
    public static func parse(_ text: String, scope: FilterPolicyScope = .messageAttributes) throws -> FilterPolicy {
        guard text.utf8.count <= maximumSizeBytes else {
            throw FanoutError.configuration("filter policy is \(text.utf8.count) bytes; SNS allows at most 256 KB")
        }
        let json: JSONValue
        do {
            json = try JSONValue.parse(text)
        } catch {
            throw FanoutError.configuration("filter policy is not valid JSON: \(error)")
        }
        return try FilterPolicy(json, scope: scope)
    }

    /// The policy's complexity as SNS computes it (at most 150): the product over keys of the number of values in each
    /// key's array, each multiplied by how deeply the key is nested (1 at the top); `"$or"` contributes the sum of its
    /// branches. `{"a": ["x", "y"], "b": [{"numeric": [">", 1]}]}` is 2 × 1 = 2.
    public var combinations: Int { root.combinations(depth: 1) }

    /// Evaluates against a message: its attributes (MessageAttributes scope) or its body parsed as JSON
    /// (MessageBody scope; a body that is not a JSON object matches nothing).
    public func evaluate(attributes: [(name: String, value: MessageAttributeValue)], body: String) -> FilterVerdict {
        let message: MessageValues
        switch scope {
        case .messageAttributes:
            message = MessageValues(attributes: attributes)
        case .messageBody:
            guard let parsed = try? JSONValue.parse(body), case .object = parsed else {
                return FilterVerdict(matched: false, reasons: ["message body is not a JSON object, so no MessageBody policy matches it"])
            }
            message = MessageValues(body: parsed)
        }
        let outcome = root.evaluate(prefix: [], message: message)
        return FilterVerdict(matched: outcome.matched, reasons: outcome.lines)
    }
}

/// Whether a message passes a filter policy, and why.
public struct FilterVerdict: Sendable, Equatable {
    public var matched: Bool
    /// One line per policy key (nested MessageBody keys by their dotted path) or `$or`, saying why it matched or not,
    /// e.g. `event_type: "order.created" matched ["order.created"]`, `amount: 42 not in numeric [">", 100]`,
    /// `region: missing (needs exists: true)`.
    public var reasons: [String]

    public init(matched: Bool, reasons: [String]) {
        self.matched = matched
        self.reasons = reasons
    }
}

// MARK: - the parsed policy

/// One level of a policy: its entries are ANDed.
private struct PolicyObject: Sendable {
    var entries: [PolicyEntry]
}

private enum PolicyEntry: Sendable {
    /// A key whose array lists the conditions a message value may meet (ORed).
    case leaf(key: String, conditions: [PolicyCondition])
    /// A MessageBody key whose value is a nested policy for the nested body object.
    case nested(key: String, PolicyObject)
    /// `"$or": [{…}, {…}]`: at least one branch must match.
    case anyOf([PolicyObject])
}

/// A numeric comparison, as in `{"numeric": [">", 0, "<=", 5]}`.
private enum NumericOperator: String, Sendable {
    case equal = "=", less = "<", lessOrEqual = "<=", greater = ">", greaterOrEqual = ">="
}

/// One condition of a key's array.
private enum PolicyCondition: Sendable {
    /// An exact value: a string, a number (compared numerically), `true`, `false` or `null`.
    case equals(JSONValue)
    case anythingBut([JSONValue])
    case anythingButPrefix(String)
    case prefix(String)
    case suffix(String)
    case equalsIgnoreCase(String)
    /// Every comparison must hold; operands are kept as written for display.
    case numeric([(NumericOperator, Double)])
    case exists(Bool)
    case cidr(text: String, network: IPNetwork)

    /// Whether one message value meets the condition. `exists` is decided by the key's presence, not here.
    func matches(_ value: JSONValue) -> Bool {
        switch self {
        case .equals(let expected):
            return FilterMatching.same(value, expected)
        case .anythingBut(let excluded):
            switch value {
            case .string, .number: return !excluded.contains { FilterMatching.same(value, $0) }
            default: return false
            }
        case .anythingButPrefix(let prefix):
            guard case .string(let s) = value else { return false }
            return !s.utf8.starts(with: prefix.utf8)
        case .prefix(let prefix):
            guard case .string(let s) = value else { return false }
            return s.utf8.starts(with: prefix.utf8)
        case .suffix(let suffix):
            guard case .string(let s) = value else { return false }
            return s.utf8.reversed().starts(with: suffix.utf8.reversed())
        case .equalsIgnoreCase(let expected):
            guard case .string(let s) = value else { return false }
            return s.lowercased().utf8.elementsEqual(expected.lowercased().utf8)
        case .numeric(let comparisons):
            guard case .number(let n) = value, let v = FilterMatching.fixedPoint(n) else { return false }
            return comparisons.allSatisfy { op, operand in
                guard let o = FilterMatching.fixedPoint(operand) else { return false }
                switch op {
                case .equal: return v == o
                case .less: return v < o
                case .lessOrEqual: return v <= o
                case .greater: return v > o
                case .greaterOrEqual: return v >= o
                }
            }
        case .exists:
            return false
        case .cidr(_, let network):
            guard case .string(let s) = value, let address = IPNetwork.address(s) else { return false }
            return network.contains(address)
        }
    }

    /// How the condition reads in a reason line.
    var text: String {
        switch self {
        case .equals(let v): return FilterMatching.render(v)
        case .anythingBut(let values):
            return "anything-but " + (values.count == 1 ? FilterMatching.render(values[0]) : FilterMatching.render(.array(values)))
        case .anythingButPrefix(let p): return "anything-but prefix " + FilterMatching.render(.string(p))
        case .prefix(let p): return "prefix " + FilterMatching.render(.string(p))
        case .suffix(let s): return "suffix " + FilterMatching.render(.string(s))
        case .equalsIgnoreCase(let s): return "equals-ignore-case " + FilterMatching.render(.string(s))
        case .numeric(let comparisons):
            let parts = comparisons.flatMap { op, operand in [FilterMatching.render(.string(op.rawValue)), JSONValue.format(operand)] }
            return "numeric [" + parts.joined(separator: ", ") + "]"
        case .exists(let flag): return "exists: \(flag)"
        case .cidr(let text, _): return "cidr " + FilterMatching.render(.string(text))
        }
    }

    var isExact: Bool { if case .equals = self { return true } else { return false } }
}

// MARK: - validation (parsing the JSON into the policy)

/// Reads a policy document, throwing the first problem SNS would reject it for.
private struct PolicyParser {
    let scope: FilterPolicyScope

    /// Operator names; an `"$or"` array whose objects use one of them as a key is not an OR (AND/OR logic, "OR operator").
    static let reservedKeywords: Set<String> = [
        "anything-but", "cidr", "equals-ignore-case", "exists", "numeric", "prefix", "suffix", "wildcard",
    ]

    func fail(_ path: [String], _ problem: String) -> FanoutError {
        let name = path.joined(separator: ".")
        return FanoutError.configuration(name.isEmpty ? "filter policy: \(problem)" : "filter policy key \"\(name)\": \(problem)")
    }

    func object(_ members: [(String, JSONValue)], path: [String]) throws -> PolicyObject {
        guard !members.isEmpty else { throw fail(path, "is an empty object; give it at least one key") }
        var seen = Set<String>()
        var entries: [PolicyEntry] = []
        for (key, value) in members {
            guard seen.insert(key).inserted else { throw fail(path + [key], "appears twice in the same object") }
            if key == "$or", let branches = Self.orBranches(value) {
                entries.append(.anyOf(try branches.enumerated().map { index, branch in
                    try object(branch, path: path + ["$or[\(index + 1)]"])
                }))
                continue
            }
            switch value {
            case .array(let items):
                guard !items.isEmpty else { throw fail(path + [key], "empty arrays are not allowed; list at least one condition") }
                entries.append(.leaf(key: key, conditions: try items.map { try condition($0, path: path + [key]) }))
            case .object(let nested):
                guard scope == .messageBody else {
                    throw fail(path + [key], "is a nested object, but FilterPolicyScope MessageAttributes does not support nested filter policies (use MessageBody to filter on the body's nested properties)")
                }
                entries.append(.nested(key: key, try object(nested, path: path + [key])))
            default:
                let shape = scope == .messageBody ? "an array of conditions or a nested object" : "an array of conditions"
                throw fail(path + [key], "must be \(shape), not \(value.typeName) (write [\(value.serialized())])")
            }
        }
        return PolicyObject(entries: entries)
    }

    /// The branches of a `"$or"` value SNS recognises as an OR: an array of at least two objects, none of which uses an
    /// operator name as a key. Anything else makes `"$or"` an ordinary key.
    static func orBranches(_ value: JSONValue) -> [[(String, JSONValue)]]? {
        guard case .array(let items) = value, items.count >= 2 else { return nil }
        var branches: [[(String, JSONValue)]] = []
        for item in items {
            guard case .object(let members) = item, !members.contains(where: { reservedKeywords.contains($0.0) }) else { return nil }
            branches.append(members)
        }
        return branches
    }

    func condition(_ item: JSONValue, path: [String]) throws -> PolicyCondition {
        switch item {
        case .string, .bool, .null:
            return .equals(item)
        case .number(let n):
            try checkRange(n, path: path)
            return .equals(item)
        case .array:
            throw fail(path, "match values must be a string, number, true, false, null or an operator object, not an array")
        case .object(let members):
            guard members.count == 1, let (op, operand) = members.first.map({ ($0.0, $0.1) }) else {
                let keys = members.map(\.0).joined(separator: ", ")
                throw fail(path, "an operator object must have exactly one key (found \(members.count)\(keys.isEmpty ? "" : ": \(keys)"))")
            }
            switch op {
            case "prefix": return .prefix(try pattern(operand, op, path))
            case "suffix": return .suffix(try pattern(operand, op, path))
            case "equals-ignore-case": return .equalsIgnoreCase(try pattern(operand, op, path))
            case "exists":
                guard case .bool(let flag) = operand else { throw fail(path, "exists match pattern must be either true or false") }
                return .exists(flag)
            case "anything-but": return try anythingBut(operand, path: path)
            case "numeric": return .numeric(try numeric(operand, path: path))
            case "cidr":
                let text = try pattern(operand, op, path)
                return .cidr(text: text, network: try cidr(text, path: path))
            default:
                throw fail(path, "unrecognized match type \"\(op)\" (SNS supports anything-but, cidr, equals-ignore-case, exists, numeric, prefix, suffix)")
            }
        }
    }

    func pattern(_ operand: JSONValue, _ op: String, _ path: [String]) throws -> String {
        guard case .string(let s) = operand else { throw fail(path, "\(op) match pattern must be a string, not \(operand.typeName)") }
        return s
    }

    func checkRange(_ n: Double, path: [String]) throws {
        guard n.isFinite, abs(n) <= FilterPolicy.numericLimit else {
            throw fail(path, "\(JSONValue.format(n)) is outside the numeric range SNS supports (-1e9 to 1e9)")
        }
    }

    /// `anything-but` takes a string, a number, a list of strings and numbers, or `{"prefix": "…"}`.
    func anythingBut(_ operand: JSONValue, path: [String]) throws -> PolicyCondition {
        switch operand {
        case .string:
            return .anythingBut([operand])
        case .number(let n):
            try checkRange(n, path: path)
            return .anythingBut([operand])
        case .array(let values):
            guard !values.isEmpty else { throw fail(path, "anything-but list is empty") }
            for value in values {
                switch value {
                case .string: continue
                case .number(let n): try checkRange(n, path: path)
                default: throw fail(path, "anything-but values must be strings or numbers, not \(value.typeName)")
                }
            }
            return .anythingBut(values)
        case .object(let members):
            guard members.count == 1, let (inner, value) = members.first else {
                throw fail(path, "anything-but takes one pattern object, {\"prefix\": \"…\"}")
            }
            guard inner == "prefix" else {
                throw fail(path, "unsupported anything-but pattern: \(inner) (SNS allows only {\"prefix\": \"…\"} inside anything-but)")
            }
            return .anythingButPrefix(try pattern(value, "prefix", path))
        case .bool, .null:
            throw fail(path, "anything-but takes a string, a number, a list of them or {\"prefix\": \"…\"}, not \(operand.typeName)")
        }
    }

    /// `["=", 5]`, `[">", 0]`, or a range `[">" | ">=", low, "<" | "<=", high]` with low < high; the wording of the
    /// errors follows SNS's.
    func numeric(_ operand: JSONValue, path: [String]) throws -> [(NumericOperator, Double)] {
        guard case .array(let terms) = operand else { throw fail(path, "numeric match must be an array such as [\">\", 0, \"<=\", 5]") }
        guard let first = terms.first else { throw fail(path, "numeric match is empty; write e.g. [\">\", 0]") }
        guard case .string(let firstName) = first else {
            throw fail(path, "invalid member in numeric match: \(first.serialized()) (it must start with an operator)")
        }
        guard let firstOp = NumericOperator(rawValue: firstName) else {
            throw fail(path, "unrecognized numeric range operator: \(firstName) (use =, <, <=, > or >=)")
        }
        let low = try numericValue(terms.count > 1 ? terms[1] : nil, op: firstOp, path: path)
        if terms.count <= 2 { return [(firstOp, low)] }
        guard firstOp == .greater || firstOp == .greaterOrEqual else {
            throw fail(path, "too many elements in numeric expression (a range must start with > or >=)")
        }
        guard case .string(let secondName) = terms[2] else {
            throw fail(path, "bad value in numeric range: \(terms[2].serialized()) (expected < or <=)")
        }
        guard let secondOp = NumericOperator(rawValue: secondName), secondOp == .less || secondOp == .lessOrEqual else {
            throw fail(path, "bad numeric range operator: \(secondName) (a range's upper bound takes < or <=)")
        }
        let high = try numericValue(terms.count > 3 ? terms[3] : nil, op: secondOp, path: path)
        guard low < high else { throw fail(path, "bottom must be less than top in numeric range (\(JSONValue.format(low)) ≥ \(JSONValue.format(high)))") }
        guard terms.count == 4 else { throw fail(path, "too many terms in numeric range expression") }
        return [(firstOp, low), (secondOp, high)]
    }

    func numericValue(_ term: JSONValue?, op: NumericOperator, path: [String]) throws -> Double {
        guard case .number(let n)? = term else {
            throw fail(path, "value of \(op == .equal ? "equals" : op.rawValue) must be numeric")
        }
        try checkRange(n, path: path)
        return n
    }

    func cidr(_ text: String, path: [String]) throws -> IPNetwork {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2 else { throw fail(path, "malformed CIDR \"\(text)\": one '/' required") }
        guard let bits = Int(parts[1]), bits >= 0 else { throw fail(path, "malformed CIDR \"\(text)\": mask bits must be an integer") }
        guard let address = IPNetwork.address(String(parts[0])) else { throw fail(path, "nonstandard IP address: \(parts[0])") }
        guard bits <= address.count * 8 else {
            throw fail(path, "malformed CIDR \"\(text)\": /\(bits) is longer than the address (\(address.count * 8) bits)")
        }
        return IPNetwork(address: address, bits: bits)
    }
}

// MARK: - complexity

extension PolicyObject {
    /// SNS's total combination count: a product over keys, `"$or"` summing its branches, each leaf counting its
    /// values times its nesting depth (AND/OR logic, "Policy constraints that include OR relationships"; Filter policy
    /// constraints, payload-based filtering: `3 x 4 x 2 x 3 = 72`). Saturates instead of overflowing.
    func combinations(depth: Int) -> Int {
        var total = 1
        for entry in entries {
            let factor: Int
            switch entry {
            case .leaf(_, let conditions): factor = FilterMatching.multiply(depth, conditions.count)
            case .nested(_, let object): factor = object.combinations(depth: depth + 1)
            case .anyOf(let branches):
                factor = branches.reduce(0) { sum, branch in
                    let (s, overflow) = sum.addingReportingOverflow(branch.combinations(depth: depth))
                    return overflow ? Int.max : s
                }
            }
            total = FilterMatching.multiply(total, factor)
        }
        return total
    }

    /// The top-level key names each OR branch of the policy requires (one set when there is no top-level `"$or"`).
    /// Only top-level keys count toward the five-key limit; a nested policy's inner keys do not.
    func topLevelKeySets() -> [Set<String>] {
        var sets: [Set<String>] = [[]]
        for entry in entries {
            switch entry {
            case .leaf(let key, _), .nested(let key, _):
                sets = sets.map { $0.union([key]) }
            case .anyOf(let branches):
                let alternatives = branches.flatMap { $0.topLevelKeySets() }
                sets = sets.flatMap { current in alternatives.map { current.union($0) } }
            }
        }
        return sets
    }
}

// MARK: - evaluation

/// The values a message offers for each key: attribute names, or dotted paths of the body's leaves.
/// A key that is present may offer no matchable value (a `String.Array` of `[]`).
private struct MessageValues {
    var values: [String: [JSONValue]] = [:]

    /// Attributes by name; `String.Array` values are their JSON elements, `Number` values numbers, other types
    /// (`String`, custom `String.x`) strings. Binary attributes are ignored, as SNS ignores them.
    init(attributes: [(name: String, value: MessageAttributeValue)]) {
        for (name, attribute) in attributes where values[name] == nil {
            let type = attribute.dataType
            let raw = attribute.stringValue ?? ""
            if type.hasPrefix("Binary") { continue }
            if type.hasPrefix("String.Array") {
                if case .array(let items)? = try? JSONValue.parse(raw) {
                    var flat: [JSONValue] = []
                    Self.flattenArray(items, into: &flat)
                    values[name] = flat
                } else {
                    values[name] = []
                }
            } else if type.hasPrefix("Number") {
                values[name] = [Double(raw).map(JSONValue.number) ?? .string(raw)]
            } else {
                values[name] = [.string(raw)]
            }
        }
    }

    /// The body's leaves by dotted path (`{"a": {"b": 1}}` gives `a.b`); arrays contribute each element, so a key
    /// matches when any element does. SNS treats a dotted policy key and the nested path alike.
    init(body: JSONValue) {
        Self.flatten(body, path: "", into: &values)
    }

    private static func flatten(_ value: JSONValue, path: String, into values: inout [String: [JSONValue]]) {
        switch value {
        case .object(let members):
            for (key, child) in members { flatten(child, path: path.isEmpty ? key : path + "." + key, into: &values) }
        case .array(let items):
            for item in items { flatten(item, path: path, into: &values) }
        default:
            values[path, default: []].append(value)
        }
    }

    private static func flattenArray(_ items: [JSONValue], into flat: inout [JSONValue]) {
        for item in items {
            if case .array(let inner) = item { flattenArray(inner, into: &flat) } else { flat.append(item) }
        }
    }
}

private struct Outcome {
    var matched: Bool
    var lines: [String]
}

extension PolicyObject {
    /// ANDs the entries; each contributes its reason lines.
    func evaluate(prefix: [String], message: MessageValues) -> Outcome {
        var matched = true
        var lines: [String] = []
        for entry in entries {
            let outcome: Outcome
            switch entry {
            case .leaf(let key, let conditions):
                outcome = Self.evaluateLeaf(path: (prefix + [key]).joined(separator: "."), conditions: conditions, message: message)
            case .nested(let key, let object):
                outcome = object.evaluate(prefix: prefix + [key], message: message)
            case .anyOf(let branches):
                outcome = Self.evaluateOr(prefix: prefix, branches: branches, message: message)
            }
            matched = matched && outcome.matched
            lines += outcome.lines
        }
        return Outcome(matched: matched, lines: lines)
    }

    static func evaluateOr(prefix: [String], branches: [PolicyObject], message: MessageValues) -> Outcome {
        let label = (prefix + ["$or"]).joined(separator: ".")
        let outcomes = branches.map { $0.evaluate(prefix: prefix, message: message) }
        if let index = outcomes.firstIndex(where: \.matched) {
            let detail = outcomes[index].lines.joined(separator: "; ")
            return Outcome(matched: true, lines: ["\(label): branch \(index + 1) of \(branches.count) matched (\(detail))"])
        }
        let detail = outcomes.enumerated().map { "[\($0.offset + 1)] " + $0.element.lines.joined(separator: "; ") }
        return Outcome(matched: false, lines: ["\(label): no branch matched (\(detail.joined(separator: " ")))"])
    }

    static func evaluateLeaf(path: String, conditions: [PolicyCondition], message: MessageValues) -> Outcome {
        let wanted = describe(conditions)
        guard let values = message.values[path] else {
            if conditions.contains(where: { if case .exists(false) = $0 { return true } else { return false } }) {
                return Outcome(matched: true, lines: ["\(path): missing, as exists: false requires"])
            }
            return Outcome(matched: false, lines: ["\(path): missing (needs \(wanted))"])
        }
        let shown = values.count == 1 ? FilterMatching.render(values[0]) : FilterMatching.render(.array(values))
        let present = conditions.contains { if case .exists(true) = $0 { return true } else { return false } }
        if present || values.contains(where: { value in conditions.contains { $0.matches(value) } }) {
            return Outcome(matched: true, lines: ["\(path): \(shown) matched \(wanted)"])
        }
        if conditions.allSatisfy({ if case .exists(false) = $0 { return true } else { return false } }) {
            return Outcome(matched: false, lines: ["\(path): \(shown) is present (needs exists: false)"])
        }
        return Outcome(matched: false, lines: ["\(path): \(shown) not in \(wanted)"])
    }

    /// Exact values as one list (`["a", "b"]`), operators after them joined by "or".
    static func describe(_ conditions: [PolicyCondition]) -> String {
        var parts: [String] = []
        let exact = conditions.compactMap { if case .equals(let v) = $0 { return v } else { return nil } }
        if !exact.isEmpty { parts.append(FilterMatching.render(.array(exact))) }
        parts += conditions.filter { !$0.isExact }.map(\.text)
        return parts.joined(separator: " or ")
    }
}

// MARK: - value helpers

private enum FilterMatching {
    /// Type-aware equality: strings byte for byte, numbers numerically at SNS's five decimal places.
    static func same(_ a: JSONValue, _ b: JSONValue) -> Bool {
        switch (a, b) {
        case let (.string(x), .string(y)): return x.utf8.elementsEqual(y.utf8)
        case let (.number(x), .number(y)):
            if let fx = fixedPoint(x), let fy = fixedPoint(y) { return fx == fy }
            return x == y
        case let (.bool(x), .bool(y)): return x == y
        case (.null, .null): return true
        default: return false
        }
    }

    /// A number within ±10^9 as an integer count of 10^-5 (five digits after the decimal point); nil outside the range.
    static func fixedPoint(_ n: Double) -> Int64? {
        guard n.isFinite, abs(n) <= FilterPolicy.numericLimit else { return nil }
        return Int64((n * 100_000).rounded())
    }

    static func multiply(_ a: Int, _ b: Int) -> Int {
        let (product, overflow) = a.multipliedReportingOverflow(by: b)
        return overflow ? Int.max : product
    }

    /// JSON with ", " between array items, for reason lines.
    static func render(_ value: JSONValue) -> String {
        switch value {
        case .array(let items): return "[" + items.map(render).joined(separator: ", ") + "]"
        default: return value.serialized()
        }
    }
}

/// An IPv4 or IPv6 network for the `cidr` operator.
private struct IPNetwork: Sendable {
    var address: [UInt8]
    var bits: Int

    func contains(_ other: [UInt8]) -> Bool {
        guard other.count == address.count else { return false }
        var remaining = bits
        for (a, b) in zip(address, other) where remaining > 0 {
            let take = min(8, remaining)
            let mask = UInt8(truncatingIfNeeded: 0xFF << (8 - take))
            if a & mask != b & mask { return false }
            remaining -= take
        }
        return true
    }

    /// The bytes of a dotted-quad IPv4 address (4 bytes) or an IPv6 address (16 bytes), or nil.
    static func address(_ text: String) -> [UInt8]? {
        if text.contains(":") { return ipv6(text) }
        return ipv4(Substring(text))
    }

    static func ipv4(_ text: Substring) -> [UInt8]? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        var bytes: [UInt8] = []
        for part in parts {
            guard !part.isEmpty, part.count <= 3, part.allSatisfy({ $0.isASCII && $0.isNumber }), let v = UInt8(part) else { return nil }
            bytes.append(v)
        }
        return bytes
    }

    static func ipv6(_ text: String) -> [UInt8]? {
        let halves = text.split(separator: "::", omittingEmptySubsequences: false).map(String.init)
        guard halves.count <= 2 else { return nil }
        func groups(_ part: String) -> [UInt8]? {
            if part.isEmpty { return [] }
            var bytes: [UInt8] = []
            let fields = part.split(separator: ":", omittingEmptySubsequences: false)
            for (i, field) in fields.enumerated() {
                if i == fields.count - 1, field.contains(".") {
                    guard let v4 = ipv4(field) else { return nil }
                    bytes += v4
                    continue
                }
                guard !field.isEmpty, field.count <= 4, let v = UInt16(field, radix: 16) else { return nil }
                bytes += [UInt8(v >> 8), UInt8(v & 0xFF)]
            }
            return bytes
        }
        if halves.count == 1 {
            guard let bytes = groups(halves[0]), bytes.count == 16 else { return nil }
            return bytes
        }
        guard let head = groups(halves[0]), let tail = groups(halves[1]), head.count + tail.count < 16 else { return nil }
        return head + [UInt8](repeating: 0, count: 16 - head.count - tail.count) + tail
    }
}
