import CJQ
import Foundation

/// A compiled jq filter, run through libjq. The only user of CJQ. Not thread-safe: use one per task.
public final class JQProgram {
    /// Why a filter did not compile or failed while running.
    public struct Failure: Error, Sendable, CustomStringConvertible {
        public var filter: String
        public var message: String
        public var description: String { message }
    }

    /// Collects the messages libjq reports through its error callback.
    private final class MessageSink {
        var messages: [String] = []
    }

    public let filter: String
    private let state: OpaquePointer
    private let sink = MessageSink()

    public init(_ filter: String) throws {
        self.filter = filter
        guard let state = jq_init() else { throw Failure(filter: filter, message: "libjq could not be initialised") }
        self.state = state
        let context = Unmanaged.passUnretained(sink).toOpaque()
        jq_set_error_cb(state, { data, message in
            guard let data else { jv_free(message); return }
            let sink = Unmanaged<MessageSink>.fromOpaque(data).takeUnretainedValue()
            sink.messages.append(JQProgram.text(of: message))
        }, context)
        if jq_compile(state, filter) == 0 {
            let detail = sink.messages.first { !$0.hasSuffix("compile error") && !$0.hasSuffix("compile errors") } ?? sink.messages.first ?? "syntax error"
            // deinit runs for a class whose init throws after every property is set: it tears the state down.
            throw Failure(filter: filter, message: Self.clean(detail))
        }
    }

    deinit { JQProgram.teardown(state) }

    private static func teardown(_ state: OpaquePointer) {
        var s: OpaquePointer? = state
        jq_teardown(&s)
    }

    /// Runs the filter on a JSON value and returns every output.
    public func run(_ input: JSONValue) throws -> [JSONValue] {
        let text = input.serialized()
        let parsed = text.withCString { jv_parse_sized($0, Int32(strlen($0))) }
        guard jv_is_valid(parsed) != 0 else {
            throw Failure(filter: filter, message: "input is not JSON: \(Self.text(of: jv_invalid_get_msg(parsed)))")
        }
        sink.messages.removeAll()
        jq_start(state, parsed, 0)
        var outputs: [JSONValue] = []
        while true {
            let result = jq_next(state)
            if jv_is_valid(result) == 0 {
                if jv_invalid_has_msg(jv_copy(result)) != 0 {
                    let message = Self.text(of: jv_invalid_get_msg(result))
                    throw Failure(filter: filter, message: Self.clean(message))
                }
                jv_free(result)
                break
            }
            let dumped = jv_dump_string(result, 0)
            let json = String(cString: jv_string_value(dumped))
            jv_free(dumped)
            outputs.append(try JSONValue.parse(json))
        }
        if let message = sink.messages.first { throw Failure(filter: filter, message: Self.clean(message)) }
        return outputs
    }

    /// Whether the filter, used as a condition, holds: its first output is neither false nor null (jq's truth).
    public func isTrue(for input: JSONValue) throws -> Bool {
        guard let first = try run(input).first else { return false }
        return first != .null && first != .bool(false)
    }

    /// A jv message (string or anything else) as text; consumes the jv.
    private static func text(of value: jv) -> String {
        if jv_get_kind(value) == JV_KIND_STRING {
            let s = String(cString: jv_string_value(value))
            jv_free(value)
            return s
        }
        if jv_get_kind(value) == JV_KIND_INVALID {
            if jv_invalid_has_msg(jv_copy(value)) != 0 { return text(of: jv_invalid_get_msg(value)) }
            jv_free(value)
            return "error"
        }
        let dumped = jv_dump_string(value, 0)
        let s = String(cString: jv_string_value(dumped))
        jv_free(dumped)
        return s
    }

    private static func clean(_ message: String) -> String {
        var m = message
        for prefix in ["jq: error: ", "jq: error (at <unknown>): ", "jq: "] where m.hasPrefix(prefix) { m.removeFirst(prefix.count) }
        m = m.replacingOccurrences(of: " (Unix shell quoting issues?)", with: "")
        return m.split(whereSeparator: { $0 == "\n" || $0 == "\r" }).map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.joined(separator: " ")
    }
}

