import Synchronization
import Foundation

/// What fanout reads from Terraform's outputs.json, each through a jq filter the user can replace.
public enum OutputRole: String, Sendable, CaseIterable {
    case topic, queues, dlqs, table, api

    /// The filter for the flat shape the seed's jq commands read.
    public var defaultFilter: String {
        switch self {
        case .topic: return ".sns_topic_arn"
        case .queues: return ".queues[].url"
        case .dlqs: return ".dlqs[].url"
        case .table: return ".dynamodb_table_name"
        case .api: return ".api_endpoint"
        }
    }

    /// Whether the role names several things (a stream or an array of strings) or exactly one.
    public var isList: Bool { self == .queues || self == .dlqs }

    public var noun: String {
        switch self {
        case .topic: return "topic ARN"
        case .queues: return "queue URLs"
        case .dlqs: return "DLQ URLs"
        case .table: return "table name"
        case .api: return "API endpoint"
        }
    }
}

/// Filter results already computed for one outputs.json, shared by the copies of a `TerraformOutputs`.
private final class FilterResults: Sendable {
    private let results = Mutex<[String: Result<[JSONValue], JQProgram.Failure>]>([:])

    subscript(filter: String) -> Result<[JSONValue], JQProgram.Failure>? {
        get { results.withLock { $0[filter] } }
        set { results.withLock { $0[filter] = newValue } }
    }
}

/// Terraform's outputs.json, in the flat shape the seed writes or in `terraform output -json`'s shape
/// (`{"name": {"value": …, "type": …, "sensitive": …}}`, whose `.value`s are unwrapped by themselves).
public struct TerraformOutputs: Sendable {
    public let path: String
    public let document: JSONValue
    private let cache = FilterResults()

    public init(path: String, document: JSONValue) {
        self.path = path
        self.document = Self.unwrap(document)
    }

    /// Reads and parses the file; a missing or invalid file is a configuration error naming it.
    public static func load(path: String) throws -> TerraformOutputs {
        guard let data = FileManager.default.contents(atPath: path) else {
            let exists = FileManager.default.fileExists(atPath: path)
            throw FanoutError.configuration(exists ? "outputs.json: cannot read \(path)" : "outputs.json: \(path) does not exist",
                                            hint: "run 'fanout stack up' or 'terraform apply'", subject: .outputsFile)
        }
        do {
            return TerraformOutputs(path: path, document: try JSONValue.parse(Array(data)))
        } catch let error as JSONParseError {
            throw FanoutError.configuration("outputs.json: \(path) is not valid JSON: \(error)", subject: .outputsFile)
        }
    }

    /// `terraform output -json` wraps every output as {"value", "type", "sensitive"}: unwrap to the values.
    static func unwrap(_ document: JSONValue) -> JSONValue {
        guard case .object(let members) = document, !members.isEmpty else { return document }
        let wrapped = members.allSatisfy { _, v in
            guard case .object(let inner) = v else { return false }
            let keys = Set(inner.map(\.0))
            return keys.contains("value") && (keys.contains("type") || keys.contains("sensitive"))
        }
        guard wrapped else { return document }
        return .object(members.map { ($0.0, $0.1["value"] ?? .null) })
    }

    /// Runs a filter and returns its outputs, with errors that name the file, the filter and the role.
    public func evaluate(_ filter: String, role: OutputRole) throws -> [JSONValue] {
        do {
            if let cached = cache[filter] { return try cached.get() }
            return try JQProgram(filter).run(document)
        } catch let failure as JQProgram.Failure {
            throw FanoutError.configuration("outputs.json: \(path): the \(role.rawValue) filter '\(filter)' failed: \(failure.message)",
                                            subject: .outputsFilter(role.rawValue))
        }
    }

    /// Evaluates several filters with one libjq program, so later `evaluate` calls for them cost nothing.
    /// libjq 1.6 spends about 20 ms compiling its builtins for every program: a command that reads three roles
    /// compiles once instead of three times. When the combined program does not compile (one filter is wrong),
    /// nothing is cached and each filter is compiled alone when asked for, so its own error is reported.
    public func prefetch(_ filters: [String]) {
        var missing: [String] = []
        for f in filters where cache[f] == nil && !missing.contains(f) { missing.append(f) }
        guard missing.count > 1 else { return }
        // A newline before each closing parenthesis keeps a filter's trailing `# comment` from swallowing it.
        let text = "[" + missing.map { "(try {\"ok\": [(\($0)\n)]} catch {\"error\": .})" }.joined(separator: ",\n") + "]"
        guard let program = try? JQProgram(text), let outputs = try? program.run(document), outputs.count == 1,
              let items = outputs[0].array, items.count == missing.count else { return }
        for (filter, item) in zip(missing, items) {
            if let values = item["ok"]?.array {
                cache[filter] = .success(values)
            } else {
                let error = item["error"] ?? .null
                cache[filter] = .failure(JQProgram.Failure(filter: filter, message: error.string ?? error.serialized()))
            }
        }
    }

    /// The one string a single-valued role's filter yields.
    public func string(_ role: OutputRole, filter: String? = nil) throws -> String {
        let filter = filter ?? role.defaultFilter
        let values = try evaluate(filter, role: role)
        guard values.count == 1, let s = values[0].string, !s.isEmpty else {
            throw FanoutError.configuration("outputs.json: \(path): the \(role.rawValue) filter '\(filter)' yielded \(Self.describe(values)); expected one string (the \(role.noun))",
                                            subject: .outputsFilter(role.rawValue))
        }
        return s
    }

    /// The strings a list role's filter yields: a stream of strings or one array of strings.
    public func strings(_ role: OutputRole, filter: String? = nil) throws -> [String] {
        let filter = filter ?? role.defaultFilter
        let values = try evaluate(filter, role: role)
        var flat: [JSONValue] = []
        if values.count == 1, case .array(let items) = values[0] { flat = items } else { flat = values }
        let strings = flat.compactMap(\.string)
        guard !strings.isEmpty, strings.count == flat.count, !strings.contains(where: \.isEmpty) else {
            throw FanoutError.configuration("outputs.json: \(path): the \(role.rawValue) filter '\(filter)' yielded \(Self.describe(values)); expected strings (the \(role.noun))",
                                            subject: .outputsFilter(role.rawValue))
        }
        return strings
    }

    /// "nothing", "null", "a number (3)", "2 values: …" — what a filter yielded, briefly.
    static func describe(_ values: [JSONValue]) -> String {
        if values.isEmpty { return "nothing" }
        func one(_ v: JSONValue) -> String {
            let text = v.serialized()
            let short = text.count > 60 ? String(text.prefix(57)) + "..." : text
            if case .null = v { return "null" }
            return "\(v.typeName == "array" || v.typeName == "object" ? "an" : "a") \(v.typeName) (\(short))"
        }
        if values.count == 1 { return one(values[0]) }
        return "\(values.count) values, the first \(one(values[0]))"
    }
}
