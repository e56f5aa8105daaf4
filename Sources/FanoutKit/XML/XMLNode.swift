/// An XML element as the query protocol returns it (SNS, CloudWatch, STS): a name, child elements and text.
/// Attributes and namespaces are read past; names keep only their local part.
public struct XMLNode: Sendable, Equatable {
    public var name: String
    public var children: [XMLNode]
    /// The element's own character data (entities decoded), without its children's.
    public var text: String

    public init(name: String, children: [XMLNode] = [], text: String = "") {
        self.name = name
        self.children = children
        self.text = text
    }

    /// The first child with that name.
    public func child(_ name: String) -> XMLNode? { children.first { $0.name == name } }

    /// All children with that name.
    public func children(_ name: String) -> [XMLNode] { children.filter { $0.name == name } }

    /// Follows a path of child names: `node.at("PublishResult", "MessageId")`.
    public func at(_ path: String...) -> XMLNode? {
        var node: XMLNode? = self
        for name in path { node = node?.child(name) }
        return node
    }

    /// The text of the child at that path.
    public func text(_ path: String...) -> String? {
        var node: XMLNode? = self
        for name in path { node = node?.child(name) }
        return node?.text
    }

    /// The first element with that name anywhere below (depth first), itself included.
    public func find(_ name: String) -> XMLNode? {
        if self.name == name { return self }
        for child in children { if let hit = child.find(name) { return hit } }
        return nil
    }

    public static func parse(_ text: String) throws -> XMLNode { try parse(Array(text.utf8)) }

    public static func parse(_ bytes: [UInt8]) throws -> XMLNode {
        var reader = XMLReader(bytes: bytes)
        return try reader.document()
    }
}

/// Why an XML text could not be read.
public struct XMLParseError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public var offset: Int
    public var description: String { "invalid XML: \(message) at byte \(offset)" }
}

/// A small non-validating XML reader, enough for AWS responses.
struct XMLReader {
    let bytes: [UInt8]
    var index = 0

    init(bytes: [UInt8]) { self.bytes = bytes }

    func fail(_ message: String) -> XMLParseError { XMLParseError(message: message, offset: index) }

    mutating func document() throws -> XMLNode {
        while true {
            skipSpace()
            guard index < bytes.count else { throw fail("no root element") }
            if starts("<?") { try skip(past: "?>"); continue }
            if starts("<!--") { try skip(past: "-->"); continue }
            if starts("<!") { try skip(past: ">"); continue }
            if bytes[index] == 0x3C { return try element(depth: 0) }
            throw fail("text before the root element")
        }
    }

    func starts(_ s: String) -> Bool {
        let p = Array(s.utf8)
        return index + p.count <= bytes.count && Array(bytes[index..<index + p.count]) == p
    }

    mutating func skip(past s: String) throws {
        let p = Array(s.utf8)
        while index + p.count <= bytes.count {
            if Array(bytes[index..<index + p.count]) == p { index += p.count; return }
            index += 1
        }
        throw fail("unterminated markup")
    }

    mutating func skipSpace() {
        while index < bytes.count, bytes[index] == 0x20 || bytes[index] == 0x0A || bytes[index] == 0x0D || bytes[index] == 0x09 { index += 1 }
    }

    mutating func name() -> String {
        let start = index
        while index < bytes.count {
            let b = bytes[index]
            if b == 0x20 || b == 0x0A || b == 0x0D || b == 0x09 || b == 0x3E || b == 0x2F || b == 0x3D { break }
            index += 1
        }
        let full = String(decoding: bytes[start..<index], as: UTF8.self)
        if let colon = full.lastIndex(of: ":") { return String(full[full.index(after: colon)...]) }
        return full
    }

    mutating func element(depth: Int) throws -> XMLNode {
        if depth > 256 { throw fail("nesting too deep") }
        index += 1  // '<'
        var node = XMLNode(name: name())
        // attributes
        while true {
            skipSpace()
            guard index < bytes.count else { throw fail("unterminated start tag") }
            if bytes[index] == 0x2F {
                guard index + 1 < bytes.count, bytes[index + 1] == 0x3E else { throw fail("bad empty tag") }
                index += 2
                return node
            }
            if bytes[index] == 0x3E { index += 1; break }
            _ = name()
            skipSpace()
            guard index < bytes.count, bytes[index] == 0x3D else { throw fail("attribute without value") }
            index += 1
            skipSpace()
            guard index < bytes.count, bytes[index] == 0x22 || bytes[index] == 0x27 else { throw fail("unquoted attribute") }
            let quote = bytes[index]
            index += 1
            while index < bytes.count, bytes[index] != quote { index += 1 }
            index += 1
        }
        var text = [UInt8]()
        while index < bytes.count {
            if bytes[index] == 0x3C {
                if starts("</") {
                    index += 2
                    _ = name()
                    skipSpace()
                    guard index < bytes.count, bytes[index] == 0x3E else { throw fail("bad end tag") }
                    index += 1
                    node.text = String(decoding: text, as: UTF8.self)
                    return node
                }
                if starts("<!--") { try skip(past: "-->"); continue }
                if starts("<![CDATA[") {
                    index += 9
                    let start = index
                    try skip(past: "]]>")
                    text.append(contentsOf: bytes[start..<(index - 3)])
                    continue
                }
                if starts("<?") { try skip(past: "?>"); continue }
                node.children.append(try element(depth: depth + 1))
                continue
            }
            if bytes[index] == 0x26 {
                try entity(into: &text)
                continue
            }
            text.append(bytes[index])
            index += 1
        }
        throw fail("unterminated element <\(node.name)>")
    }

    mutating func entity(into out: inout [UInt8]) throws {
        let start = index
        while index < bytes.count, bytes[index] != 0x3B, index - start < 12 { index += 1 }
        guard index < bytes.count, bytes[index] == 0x3B else {
            index = start + 1
            out.append(0x26)
            return
        }
        let body = String(decoding: bytes[(start + 1)..<index], as: UTF8.self)
        index += 1
        switch body {
        case "lt": out.append(0x3C)
        case "gt": out.append(0x3E)
        case "amp": out.append(0x26)
        case "quot": out.append(0x22)
        case "apos": out.append(0x27)
        default:
            var scalarValue: UInt32?
            if body.hasPrefix("#x") || body.hasPrefix("#X") { scalarValue = UInt32(body.dropFirst(2), radix: 16) }
            else if body.hasPrefix("#") { scalarValue = UInt32(body.dropFirst(1)) }
            if let v = scalarValue, let scalar = Unicode.Scalar(v) {
                out.append(contentsOf: Array(String(Character(scalar)).utf8))
            } else {
                out.append(contentsOf: Array("&\(body);".utf8))
            }
        }
    }
}
