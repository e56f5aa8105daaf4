/// The AWS flavour of percent-encoding (SigV4 "UriEncode"): every UTF-8 byte outside the RFC 3986 unreserved
/// set `A-Z a-z 0-9 - _ . ~` becomes `%XY` with upper-case hex. A space is `%20`, never `+`.
public enum URIEncoding {
    /// Encodes `text`; '/' stays literal unless `encodeSlash` (paths keep it, query keys and values do not).
    public static func uriEncode(_ text: String, encodeSlash: Bool) -> String {
        if text.utf8.allSatisfy({ isUnreserved($0) || (!encodeSlash && $0 == slash) }) { return text }
        var output: [UInt8] = []
        output.reserveCapacity(text.utf8.count * 3)
        appendEncoded(text.utf8, encodeSlash: encodeSlash, to: &output)
        return String(decoding: output, as: UTF8.self)
    }

    static let slash = UInt8(ascii: "/")

    @inline(__always)
    static func isUnreserved(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
             UInt8(ascii: "0")...UInt8(ascii: "9"),
             UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: "~"):
            return true
        default:
            return false
        }
    }

    private static let upperHexDigits: [UInt8] = Array("0123456789ABCDEF".utf8)

    /// Byte-level `uriEncode`, for callers that hold bytes that need not be valid UTF-8 (decoded query parts).
    static func appendEncoded<Bytes: Sequence<UInt8>>(_ bytes: Bytes, encodeSlash: Bool, to output: inout [UInt8]) {
        for byte in bytes {
            if isUnreserved(byte) || (!encodeSlash && byte == slash) {
                output.append(byte)
            } else {
                output.append(UInt8(ascii: "%"))
                output.append(upperHexDigits[Int(byte >> 4)])
                output.append(upperHexDigits[Int(byte & 0x0f)])
            }
        }
    }

    /// Decodes `%XY` escapes (either hex case). A '%' not followed by two hex digits is kept literally, and
    /// '+' stays '+': AWS query strings are not HTML forms.
    static func percentDecode<Bytes: Collection<UInt8>>(_ bytes: Bytes) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        var index = bytes.startIndex
        while index != bytes.endIndex {
            let byte = bytes[index]
            if byte == UInt8(ascii: "%") {
                let first = bytes.index(after: index)
                if first != bytes.endIndex, let high = hexValue(bytes[first]) {
                    let second = bytes.index(after: first)
                    if second != bytes.endIndex, let low = hexValue(bytes[second]) {
                        output.append(high << 4 | low)
                        index = bytes.index(after: second)
                        continue
                    }
                }
            }
            output.append(byte)
            index = bytes.index(after: index)
        }
        return output
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
        default: return nil
        }
    }
}

/// Request bodies for the AWS query protocol (SNS, CloudWatch, STS): `key=value` pairs in the order given, joined
/// with '&', both sides encoded exactly as botocore's query serializer sends them (Python's
/// `urllib.parse.urlencode`, i.e. `quote_plus` with no safe characters): the RFC 3986 unreserved set
/// `A-Z a-z 0-9 - _ . ~` stays literal, a space becomes '+', every other UTF-8 byte (a literal '+' included)
/// becomes `%XY` with upper-case hex.
///
/// This differs from `URIEncoding.uriEncode` only in the space. SigV4 hashes the body bytes as sent, so either
/// form signs correctly for AWS; but some servers (moto among them) re-encode a form body the HTML way before
/// checking its hash, and only '+' survives that. Canonical query strings of URLs keep `%20` (SigV4 requires it).
public enum FormEncoding {
    public static func encode(_ pairs: [(String, String)]) -> String {
        var output: [UInt8] = []
        for (index, (key, value)) in pairs.enumerated() {
            if index > 0 { output.append(UInt8(ascii: "&")) }
            appendEncoded(key.utf8, to: &output)
            output.append(UInt8(ascii: "="))
            appendEncoded(value.utf8, to: &output)
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// One key or value of a form body: as `URIEncoding` with '/' encoded, except that a space is '+'.
    static func appendEncoded(_ bytes: String.UTF8View, to output: inout [UInt8]) {
        for byte in bytes {
            if byte == UInt8(ascii: " ") {
                output.append(UInt8(ascii: "+"))
            } else {
                URIEncoding.appendEncoded(CollectionOfOne(byte), encodeSlash: true, to: &output)
            }
        }
    }
}
