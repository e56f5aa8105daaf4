import Foundation

/// Builds what `publish` sends: typed attributes, templated bodies, and batches within SNS's limits.
public enum Publishing {
    /// SNS's limit for one message and for one PublishBatch request: 256 KiB.
    public static let maxBytes = 262_144

    /// Parses `NAME=VALUE` or `NAME:TYPE=VALUE`, TYPE one of String, Number, String.Array (default String).
    public static func attribute(_ text: String) throws -> (name: String, value: MessageAttributeValue) {
        guard let eq = text.firstIndex(of: "=") else {
            throw FanoutError.usage("Invalid --attr '\(text)': expected NAME=VALUE or NAME:TYPE=VALUE")
        }
        var name = String(text[..<eq])
        let value = String(text[text.index(after: eq)...])
        var type = "String"
        if let colon = name.firstIndex(of: ":") {
            type = String(name[name.index(after: colon)...])
            name = String(name[..<colon])
        }
        guard !name.isEmpty, name.count <= 256, !name.hasPrefix("AWS."), !name.hasPrefix("Amazon."),
              name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "_-.".contains($0)) }) else {
            throw FanoutError.usage("Invalid --attr name '\(name)': letters, digits, '_', '-' and '.' only, not starting with AWS. or Amazon.")
        }
        switch type {
        case "String":
            guard !value.isEmpty else { throw FanoutError.usage("Invalid --attr '\(text)': a String value may not be empty") }
        case "Number":
            guard Double(value) != nil else { throw FanoutError.usage("Invalid --attr '\(text)': '\(value)' is not a number") }
        case "String.Array":
            guard let parsed = try? JSONValue.parse(value), parsed.array != nil else {
                throw FanoutError.usage("Invalid --attr '\(text)': a String.Array value is a JSON array, e.g. '[\"a\",\"b\"]'")
            }
        default:
            throw FanoutError.usage("Invalid --attr type '\(type)': expected String, Number or String.Array")
        }
        return (name, MessageAttributeValue(dataType: type, stringValue: value))
    }

    /// Replaces {{seq}}, {{uuid}} and {{now}} (ISO 8601) in a body.
    public static func render(_ template: String, seq: Int, now: Date = Date()) -> String {
        guard template.contains("{{") else { return template }
        return template.replacingOccurrences(of: "{{seq}}", with: String(seq))
            .replacingOccurrences(of: "{{uuid}}", with: UUID().uuidString.lowercased())
            .replacingOccurrences(of: "{{now}}", with: ISO8601.format(now))
    }

    /// The size SNS counts for a message: body plus attribute names, types and values.
    public static func size(_ message: SNSMessage) -> Int {
        message.message.utf8.count + message.attributes.reduce(0) { sum, attr in
            sum + attr.name.utf8.count + attr.value.dataType.utf8.count + (attr.value.stringValue?.utf8.count ?? 0)
        }
    }

    /// Groups messages into batches of at most 10 and at most 256 KiB, in order.
    public static func batches(_ messages: [SNSMessage]) -> [[SNSMessage]] {
        batches(messages, size: size)
    }

    /// Splits items, in order, into batches of at most 10 items and at most 256 KiB as `size` counts them:
    /// the limits of PublishBatch and SendMessageBatch alike.
    public static func batches<Item>(_ items: [Item], size: (Item) -> Int) -> [[Item]] {
        var result: [[Item]] = []
        var current: [Item] = []
        var bytes = 0
        for item in items {
            let s = size(item)
            if !current.isEmpty && (current.count == 10 || bytes + s > maxBytes) {
                result.append(current)
                current = []
                bytes = 0
            }
            current.append(item)
            bytes += s
        }
        if !current.isEmpty { result.append(current) }
        return result
    }
}

/// Paces work to at most `perSecond` starts per second (no limit when nil).
public actor RateLimiter {
    let interval: Double?
    var next: UInt64 = 0

    public init(perSecond: Double?) { interval = perSecond.map { 1 / $0 } }

    /// Waits until `count` more units may start.
    public func acquire(_ count: Int = 1) async throws {
        guard let interval else { return }
        let now = DispatchTime.now().uptimeNanoseconds
        let start = max(now, next)
        next = start + UInt64(interval * Double(count) * 1e9)
        if start > now { try await Task.sleep(nanoseconds: start - now) }
    }
}
