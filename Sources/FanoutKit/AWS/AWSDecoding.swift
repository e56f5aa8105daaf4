import Foundation

/// A success answer that lacks a field AWS always sends, or holds it in a shape fanout cannot read. Such an
/// answer is never turned into empty values: the call fails (exit code 255, as other unexpected failures).
public struct AWSDecodeError: Error, Sendable, Equatable, CustomStringConvertible {
    public var service: String
    public var action: String
    /// Where in the answer: `MessageId`, `Messages[2].ReceiptHandle`, `Credentials.SessionToken`, …
    public var field: String
    public var problem: String

    public init(service: String, action: String, field: String, problem: String = "is missing") {
        self.service = service
        self.action = action
        self.field = field
        self.problem = problem
    }

    public var description: String { "\(service) \(action): the answer's \(field) \(problem)" }
}

/// Which answer is being decoded, so that every decode error names the service, the action and the field.
public struct DecodeContext: Sendable {
    public var service: String
    public var action: String

    public init(service: String, action: String) {
        self.service = service
        self.action = action
    }

    public init(_ service: AWSService, _ action: String) { self.init(service: service.id, action: action) }

    func missing(_ field: String) -> AWSDecodeError { AWSDecodeError(service: service, action: action, field: field) }

    func invalid(_ field: String, _ what: String) -> AWSDecodeError {
        AWSDecodeError(service: service, action: action, field: field, problem: what)
    }
}

/// Required and optional members of a JSON 1.0 answer. `path` names the object itself in errors (`""` for the
/// answer's top level, `Messages[2]` for an element).
extension JSONValue {
    func field(_ path: String, _ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    /// A string member that must be present.
    func requiredString(_ key: String, _ context: DecodeContext, at path: String = "") throws -> String {
        guard let value = self[key], !value.isNull else { throw context.missing(field(path, key)) }
        guard let text = value.string else { throw context.invalid(field(path, key), "is a \(value.typeName), not a string") }
        return text
    }

    /// A whole-number member that must be present (AWS sends some counts as strings).
    func requiredInt(_ key: String, _ context: DecodeContext, at path: String = "") throws -> Int {
        guard let value = self[key], !value.isNull else { throw context.missing(field(path, key)) }
        guard let n = value.int else { throw context.invalid(field(path, key), "is not a whole number") }
        return n
    }

    /// An array member that may be absent (AWS leaves out empty lists), but is an array when present.
    func optionalArray(_ key: String, _ context: DecodeContext, at path: String = "") throws -> [JSONValue] {
        guard let value = self[key], !value.isNull else { return [] }
        guard let array = value.array else { throw context.invalid(field(path, key), "is a \(value.typeName), not a list") }
        return array
    }

    /// An object member that may be absent (AWS leaves out empty maps), but is an object when present.
    func optionalObject(_ key: String, _ context: DecodeContext, at path: String = "") throws -> [(String, JSONValue)] {
        guard let value = self[key], !value.isNull else { return [] }
        guard let object = value.object else { throw context.invalid(field(path, key), "is a \(value.typeName), not an object") }
        return object
    }
}

/// Required members of a query-protocol (XML) answer.
extension XMLNode {
    /// The first element of that name anywhere below this one, which must be present.
    func requiredElement(_ name: String, _ context: DecodeContext, field: String? = nil) throws -> XMLNode {
        guard let node = find(name) else { throw context.missing(field ?? name) }
        return node
    }

    /// The text of a direct child element, which must be present (it may be empty).
    func requiredText(_ name: String, _ context: DecodeContext, at path: String = "") throws -> String {
        guard let text = text(name) else { throw context.missing(path.isEmpty ? name : "\(path).\(name)") }
        return text
    }

    /// A direct child's text read as a whole number; absent is nil, present but not a number is an error.
    func optionalInt(_ name: String, _ context: DecodeContext, at path: String = "") throws -> Int? {
        guard let text = text(name) else { return nil }
        guard let n = Int(text.trimmingCharacters(in: .whitespaces)) else {
            throw context.invalid(path.isEmpty ? name : "\(path).\(name)", "is not a whole number ('\(text)')")
        }
        return n
    }

    /// A direct child's text read as a number; absent is nil, present but not a number is an error.
    func optionalDouble(_ name: String, _ context: DecodeContext, at path: String = "") throws -> Double? {
        guard let text = text(name) else { return nil }
        guard let n = Double(text.trimmingCharacters(in: .whitespaces)) else {
            throw context.invalid(path.isEmpty ? name : "\(path).\(name)", "is not a number ('\(text)')")
        }
        return n
    }
}
