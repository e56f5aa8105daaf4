import Foundation
import Testing
@testable import FanoutKit

// MARK: - The official AWS SigV4 test suite (../shared/sigv4-suite)

/// Where the suite lives and which cases it holds. Searched in order: `$FANOUT_SIGV4_SUITE`, `../shared/sigv4-suite`
/// beside the repository (found from this file's path), `/work/shared/sigv4-suite`.
enum SigV4Suite {
    static let accessKeyId = "AKIDEXAMPLE"
    static let secretAccessKey = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
    /// 2015-08-30T12:36:00Z, the `X-Amz-Date` in every `.req`.
    static let date = Date(timeIntervalSince1970: 1_440_938_160)
    /// SOURCE.md: 31 cases.
    static let expectedCaseCount = 31

    static let directory: URL? = locate()

    /// Case paths relative to the suite, e.g. `get-vanilla`, `normalize-path/get-space`: every directory that
    /// holds a `<its name>.req`.
    static let caseNames: [String] = {
        guard let directory else { return [] }
        var names: [String] = []
        let enumerator = FileManager.default.enumerator(at: directory, includingPropertiesForKeys: nil)
        while let url = enumerator?.nextObject() as? URL {
            guard url.pathExtension == "req",
                  url.deletingPathExtension().lastPathComponent == url.deletingLastPathComponent().lastPathComponent
            else { continue }
            let caseDirectory = url.deletingLastPathComponent().standardizedFileURL.path
            names.append(String(caseDirectory.dropFirst(directory.standardizedFileURL.path.count + 1)))
        }
        return names.sorted()
    }()

    static func locate(filePath: String = #filePath) -> URL? {
        let repositoryRoot = URL(fileURLWithPath: filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        var candidates: [URL] = []
        if let fromEnvironment = ProcessInfo.processInfo.environment["FANOUT_SIGV4_SUITE"], !fromEnvironment.isEmpty {
            candidates.append(URL(fileURLWithPath: fromEnvironment))
        }
        candidates.append(repositoryRoot.appendingPathComponent("../shared/sigv4-suite").standardizedFileURL)
        candidates.append(URL(fileURLWithPath: "/work/shared/sigv4-suite"))
        return candidates.first { FileManager.default.fileExists(atPath: $0.appendingPathComponent("get-vanilla").path) }
    }

    /// A vector file's text, e.g. `vector("normalize-path/get-space", "creq")`; the files have no trailing newline.
    static func vector(_ caseName: String, _ fileExtension: String) throws -> String {
        let directory = try #require(directory, "SigV4 test suite not found")
        let leaf = caseName.split(separator: "/").last.map(String.init) ?? caseName
        let url = directory.appendingPathComponent(caseName).appendingPathComponent("\(leaf).\(fileExtension)")
        return try String(contentsOf: url, encoding: .utf8)
    }

    /// The STS token the `post-sts-token` cases use (from `post-sts-token/readme.txt`).
    static let sessionToken = "AQoDYXdzEPT//////////wEXAMPLEtc764bNrC9SAPBSM22wDOk4x4HIZ8j4FZTwdQWLWsKWHGBuFqwAeMicRXmxfpSPfIeoIYRqTflfKD8YUuwthAx7mSEI/qkPpKPi/kMcGdQrmGdeehM4IC1NtBmUpp2wUE8phUZampKsburEDy0KPkyQDYwT7WZ0wq5VSXDvp75YU9HFvlRd8Tx6q6fE8YQcHNVXAkiY9q6d+xo0rKwT38xVqr7ZD0u0iPPkUL64lIZbqBAz+scqKmlzm8FDrypNC9Yjc8fPOLn9FX9KSYvKTr4rvx3iSIlTJabIQwj2ICCR/oLxBA=="
}

/// Reads the suite's raw `.req`/`.sreq` format into an `HTTPRequest`.
///
/// Request line `METHOD <target> HTTP/1.1` (the target may hold raw spaces and UTF-8), then `Name:value` lines
/// (the value is kept exactly as written after the colon, so the signer's trimming is what is tested), a blank
/// line, and the body. An obs-fold continuation line (leading whitespace) becomes one more value of the field
/// above it: the suite's `get-header-value-multiline` expects `value1,value2,value3`, i.e. each folded line
/// treated as a repeated value, which the signer's join-repeated-fields-with-',' rule then produces.
enum RawRequestParser {
    struct ParseError: Error, CustomStringConvertible {
        var description: String
    }

    static func parse(_ text: String) throws -> HTTPRequest {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false)[...]
        guard let requestLine = lines.popFirst(),
              let firstSpace = requestLine.firstIndex(of: " "),
              let lastSpace = requestLine.lastIndex(of: " "), firstSpace < lastSpace
        else { throw ParseError(description: "bad request line in \(text.prefix(40))") }
        let method = String(requestLine[..<firstSpace])
        let target = String(requestLine[requestLine.index(after: firstSpace)..<lastSpace])
        var headers: [(String, String)] = []
        while let line = lines.popFirst() {
            if line.isEmpty { break }
            if line.first == " " || line.first == "\t" {
                guard let previous = headers.last else { throw ParseError(description: "fold before any header") }
                headers.append((previous.0, String(line)))
                continue
            }
            guard let colon = line.firstIndex(of: ":") else { throw ParseError(description: "bad header line \(line)") }
            headers.append((String(line[..<colon]), String(line[line.index(after: colon)...])))
        }
        let body = Array(lines.joined(separator: "\n").utf8)
        let host = headers.first { $0.0.lowercased() == "host" }?.1 ?? "example.amazonaws.com"
        return HTTPRequest(method: method, url: "https://\(host)\(target)", headers: HTTPHeaders(headers), body: body)
    }
}

@Suite("SigV4 official test suite")
struct SigV4SuiteTests {
    @Test("the suite is present and complete")
    func suiteIsPresent() throws {
        let directory = try #require(
            SigV4Suite.directory,
            "SigV4 suite not found: set FANOUT_SIGV4_SUITE or place it at ../shared/sigv4-suite")
        #expect(SigV4Suite.caseNames.count == SigV4Suite.expectedCaseCount, "cases in \(directory.path)")
        #expect(SigV4Suite.caseNames.contains("normalize-path/get-space"))
        #expect(SigV4Suite.caseNames.contains("post-sts-token/post-sts-header-before"))
    }

    /// Each case asserts the canonical request, the string to sign and the Authorization header byte for byte,
    /// and that the signed request carries every header of the case's `.sreq`.
    @Test("vector", arguments: SigV4Suite.caseNames)
    func vector(_ caseName: String) throws {
        let request = try RawRequestParser.parse(try SigV4Suite.vector(caseName, "req"))
        // post-sts-header-before: the token is signed (the signer adds and signs it from the credentials).
        // post-sts-header-after: signed without it; the token header is added after signing.
        let signsToken = caseName.hasSuffix("post-sts-header-before")
        let addsTokenAfterSigning = caseName.hasSuffix("post-sts-header-after")
        let credentials = Credentials(
            accessKeyId: SigV4Suite.accessKeyId, secretAccessKey: SigV4Suite.secretAccessKey,
            sessionToken: signsToken ? SigV4Suite.sessionToken : nil)
        let signer = SigV4Signer(credentials: credentials, region: "us-east-1", service: "service")

        var (signed, steps) = signer.signWithSteps(request, date: SigV4Suite.date)
        if addsTokenAfterSigning { signed.headers.add("X-Amz-Security-Token", SigV4Suite.sessionToken) }

        #expect(steps.canonicalRequest == (try SigV4Suite.vector(caseName, "creq")))
        #expect(steps.stringToSign == (try SigV4Suite.vector(caseName, "sts")))
        #expect(steps.authorization == (try SigV4Suite.vector(caseName, "authz")))
        #expect(signed.headers["Authorization"] == steps.authorization)

        let expected = try RawRequestParser.parse(try SigV4Suite.vector(caseName, "sreq"))
        #expect(normalizedFields(signed.headers) == normalizedFields(expected.headers))
        #expect(signed.body == expected.body)
    }

    /// Header fields as a sorted list of (lower-case name, trimmed value), for order-insensitive comparison.
    private func normalizedFields(_ headers: HTTPHeaders) -> [String] {
        headers.map { "\($0.name.lowercased()):\($0.value.trimmingCharacters(in: .whitespaces))" }.sorted()
    }
}

// MARK: - The requests fanout really sends

@Suite("SigV4 fanout request shapes")
struct SigV4RequestShapeTests {
    static let credentials = Credentials(accessKeyId: SigV4Suite.accessKeyId, secretAccessKey: SigV4Suite.secretAccessKey)
    static let date = SigV4Suite.date

    /// Spec formula, written out here rather than taken from the signer: the HMAC chain and string to sign.
    static func expectedSignature(canonicalRequest: String, region: String, service: String) -> (stringToSign: String, signature: String) {
        let scope = "20150830/\(region)/\(service)/aws4_request"
        let stringToSign = "AWS4-HMAC-SHA256\n20150830T123600Z\n\(scope)\n" + Digest.sha256(Array(canonicalRequest.utf8)).hex
        var key = Array("AWS4\(SigV4Suite.secretAccessKey)".utf8)
        for part in ["20150830", region, service, "aws4_request"] {
            key = Digest.hmacSHA256(key: key, data: Array(part.utf8))
        }
        return (stringToSign, Digest.hmacSHA256(key: key, data: Array(stringToSign.utf8)).hex)
    }

    @Test("JSON 1.0 POST to SQS: exact canonical request and independently computed signature")
    func json10Post() {
        let body = #"{"QueueUrl":"https://sqs.eu-west-1.amazonaws.com/123456789012/orders","MaxNumberOfMessages":10,"WaitTimeSeconds":20}"#
        let request = HTTPRequest(
            method: "POST", url: "https://sqs.eu-west-1.amazonaws.com/",
            headers: HTTPHeaders([
                ("Content-Type", "application/x-amz-json-1.0"),
                ("X-Amz-Target", "AmazonSQS.ReceiveMessage"),
                ("User-Agent", "fanout/1.0"),
            ]),
            body: Array(body.utf8))
        let signer = SigV4Signer(credentials: Self.credentials, region: "eu-west-1", service: "sqs")
        let (signed, steps) = signer.signWithSteps(request, date: Self.date)

        // Body hash from `sha256sum`.
        let expectedCanonical = """
            POST
            /

            content-type:application/x-amz-json-1.0
            host:sqs.eu-west-1.amazonaws.com
            x-amz-date:20150830T123600Z
            x-amz-target:AmazonSQS.ReceiveMessage

            content-type;host;x-amz-date;x-amz-target
            9e67d2e0d3d5c409a92451ba11c41d3270756da378ccc5c0715fb719e6a30037
            """
        #expect(steps.canonicalRequest == expectedCanonical)
        #expect(steps.signedHeaders == "content-type;host;x-amz-date;x-amz-target")

        let expected = Self.expectedSignature(canonicalRequest: expectedCanonical, region: "eu-west-1", service: "sqs")
        #expect(steps.stringToSign == expected.stringToSign)
        #expect(steps.signature == expected.signature)
        // Also computed outside Swift (Python hashlib/hmac from the spec formula).
        #expect(expected.signature == "f100ba46db0f396ed49638dcaedf473bf1b3286da557ee90038c2d3f544d416e")
        #expect(signed.headers["Authorization"] == "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/eu-west-1/sqs/aws4_request, SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature=f100ba46db0f396ed49638dcaedf473bf1b3286da557ee90038c2d3f544d416e")
        #expect(signed.headers["Host"] == "sqs.eu-west-1.amazonaws.com")
        #expect(signed.headers["X-Amz-Date"] == "20150830T123600Z")
        #expect(signed.headers["User-Agent"] == "fanout/1.0")
        #expect(signed.headers["X-Amz-Security-Token"] == nil)
        #expect(signed.headers["X-Amz-Content-Sha256"] == nil)
    }

    @Test("query-protocol form POST: the payload hash covers exactly the body bytes")
    func queryProtocolFormPost() {
        let message = "a b+c*d~e/f=g \u{E9} \u{65E5}\u{672C}"
        let body = FormEncoding.encode([
            ("Action", "Publish"),
            ("TopicArn", "arn:aws:sns:eu-west-1:123456789012:orders"),
            ("Message", message),
            ("Version", "2010-03-31"),
        ])
        // Byte for byte what Python's urllib.parse.urlencode (botocore's query serializer) makes of these pairs.
        #expect(body == "Action=Publish&TopicArn=arn%3Aaws%3Asns%3Aeu-west-1%3A123456789012%3Aorders&Message=a+b%2Bc%2Ad~e%2Ff%3Dg+%C3%A9+%E6%97%A5%E6%9C%AC&Version=2010-03-31")
        let request = HTTPRequest(
            method: "POST", url: "https://sns.eu-west-1.amazonaws.com/",
            headers: HTTPHeaders([("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")]),
            body: Array(body.utf8))
        let signer = SigV4Signer(credentials: Self.credentials, region: "eu-west-1", service: "sns")
        let (signed, steps) = signer.signWithSteps(request, date: Self.date, includeContentSHA256: true)

        let bodyHash = Digest.sha256(Array(body.utf8)).hex
        #expect(bodyHash == "8dfb8d350dc81c0946df3a4d0dc0e22c994f5ee6f4eae23a62c274627bee2400")  // sha256sum
        #expect(steps.payloadHash == bodyHash)
        #expect(steps.canonicalRequest.hasSuffix("\n" + bodyHash))
        #expect(signed.headers["X-Amz-Content-Sha256"] == bodyHash)
        #expect(signed.body == Array(body.utf8))
        #expect(steps.signedHeaders == "content-type;host;x-amz-content-sha256;x-amz-date")
        #expect(steps.canonicalRequest.contains("\ncontent-type:application/x-www-form-urlencoded; charset=utf-8\n"))
        let expected = Self.expectedSignature(canonicalRequest: steps.canonicalRequest, region: "eu-west-1", service: "sns")
        #expect(steps.signature == expected.signature)
    }

    @Test("session token: X-Amz-Security-Token is sent and signed, and redacted for display")
    func sessionToken() {
        let token = "FwoGZXIvYXdzEXAMPLETOKEN+/="
        let credentials = Credentials(
            accessKeyId: "ASIAEXAMPLEKEY", secretAccessKey: "secretEXAMPLE", sessionToken: token)
        let signer = SigV4Signer(credentials: credentials, region: "eu-west-1", service: "sqs")
        let request = HTTPRequest(method: "POST", url: "https://sqs.eu-west-1.amazonaws.com/", body: Array("{}".utf8))
        let (signed, steps) = signer.signWithSteps(request, date: Self.date)

        #expect(signed.headers["X-Amz-Security-Token"] == token)
        #expect(steps.signedHeaders == "host;x-amz-date;x-amz-security-token")
        #expect(steps.canonicalRequest.contains("\nx-amz-security-token:\(token)\n"))
        #expect(signed.headers["Authorization"]?.contains("Credential=ASIAEXAMPLEKEY/20150830/eu-west-1/sqs/aws4_request") == true)
        #expect(!steps.canonicalRequestForDisplay.contains(token))
        #expect(steps.canonicalRequestForDisplay.contains("\nx-amz-security-token:<redacted>\n"))
    }

    @Test("Credentials never print the secret or the token")
    func credentialsDescription() {
        let credentials = Credentials(
            accessKeyId: "ASIAIOSFODNN7EXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYSECRET",
            sessionToken: "TOKENVALUE123", expiration: Self.date)
        var dumped = ""
        dump(credentials, to: &dumped)
        for text in [credentials.description, credentials.debugDescription, "\(credentials)",
                     String(reflecting: credentials), String(describing: [credentials]), dumped] {
            #expect(!text.contains("wJalrXUtnFEMI"), "\(text)")
            #expect(!text.contains("TOKENVALUE123"), "\(text)")
            #expect(!text.contains("ASIAIOSFODNN7EXAMPLE"), "\(text)")
            #expect(text.contains("ASIA…MPLE"), "\(text)")
        }
    }
}

// MARK: - Encoding and canonicalization details

@Suite("SigV4 encoding and canonicalization")
struct SigV4EncodingTests {
    @Test("uriEncode: RFC 3986 unreserved kept, everything else %XY upper-case over UTF-8")
    func uriEncode() {
        #expect(URIEncoding.uriEncode("AZaz09-_.~", encodeSlash: true) == "AZaz09-_.~")
        #expect(URIEncoding.uriEncode("a b", encodeSlash: true) == "a%20b")
        #expect(URIEncoding.uriEncode("+*/=&?%:@,;!'()", encodeSlash: true) == "%2B%2A%2F%3D%26%3F%25%3A%40%2C%3B%21%27%28%29")
        #expect(URIEncoding.uriEncode("/a b/c", encodeSlash: false) == "/a%20b/c")
        #expect(URIEncoding.uriEncode("/", encodeSlash: true) == "%2F")
        #expect(URIEncoding.uriEncode("\u{E9}", encodeSlash: true) == "%C3%A9")
        #expect(URIEncoding.uriEncode("\u{65E5}\u{672C}", encodeSlash: true) == "%E6%97%A5%E6%9C%AC")
        #expect(URIEncoding.uriEncode("\u{1F600}", encodeSlash: true) == "%F0%9F%98%80")
        #expect(URIEncoding.uriEncode("", encodeSlash: true) == "")
    }

    @Test("FormEncoding: pairs in order, space as '+', a literal '+' as %2B, empty values kept")
    func formEncoding() {
        #expect(FormEncoding.encode([]) == "")
        #expect(FormEncoding.encode([("Action", "Publish"), ("Subject", ""), ("Message", "x y+z~*")])
                == "Action=Publish&Subject=&Message=x+y%2Bz~%2A")
        #expect(FormEncoding.encode([("MessageAttributes.entry.1.Name", "k/=")])
                == "MessageAttributes.entry.1.Name=k%2F%3D")
        #expect(FormEncoding.encode([("a b", "  ")]) == "a+b=++")
        #expect(FormEncoding.encode([("M", "%20")]) == "M=%2520")
    }

    /// Every byte value, as Python's `urllib.parse.quote_plus(s, safe="")` (what botocore's query serializer
    /// sends through `urlencode`) encodes it: unreserved `A-Z a-z 0-9 - _ . ~` literal, space '+', the rest %XY.
    @Test("FormEncoding matches quote_plus(safe='') for every ASCII byte and for multi-byte UTF-8")
    func formEncodingMatchesQuotePlus() {
        for byte in UInt8(0)...UInt8(127) {
            let text = String(decoding: [byte], as: UTF8.self)
            let expected: String
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: "~"):
                expected = text
            case UInt8(ascii: " "):
                expected = "+"
            default:
                expected = "%" + String(byte, radix: 16, uppercase: true).leftPadded(to: 2)
            }
            #expect(FormEncoding.encode([("k", text)]) == "k=" + expected, "byte \(byte)")
        }
        // Captured from botocore 1.43 (before-send body of sns.publish) for this message.
        let message = "a b+*~/=&%20 \u{E9} \u{65E5}\u{672C} \u{1F600} !'()-_.:;,?@#$[]{}|\\^`\"<>\t\n"
        #expect(FormEncoding.encode([("Message", message)]) == "Message=a+b%2B%2A~%2F%3D%26%2520+%C3%A9+%E6%97%A5%E6%9C%AC+%F0%9F%98%80+"
            + "%21%27%28%29-_.%3A%3B%2C%3F%40%23%24%5B%5D%7B%7D%7C%5C%5E%60%22%3C%3E%09%0A")
    }

    @Test("canonical URI: normalized, then encoded once more (non-S3 double encoding)", arguments: [
        ("", "/"), ("/", "/"), ("//", "/"), ("/a//b/", "/a/b/"), ("/a/./b", "/a/b"), ("/a/b/../c", "/a/c"),
        ("/..", "/"), ("/a/b/..", "/a"), ("/a b", "/a%20b"), ("/a%20b", "/a%2520b"),
        ("/123456789012/orders", "/123456789012/orders"), ("/a:b", "/a%3Ab"),
    ])
    func canonicalURI(path: String, expected: String) {
        #expect(SigV4Signer.canonicalURI(path) == expected)
    }

    @Test("canonical query: decode, '+' literal, re-encode, sort by key then value", arguments: [
        ("", ""), ("a=1", "a=1"), ("b=2&a=1", "a=1&b=2"), ("a=2&a=1", "a=1&a=2"), ("a", "a="), ("a=", "a="),
        ("a=1&&b=2", "a=1&b=2"), ("q=a+b", "q=a%2Bb"), ("q=a%20b", "q=a%20b"), ("q=a b", "q=a%20b"),
        ("q=%2f", "q=%2F"), ("q=/", "q=%2F"), ("q=%zz", "q=%25zz"), ("q=x=y", "q=x%3Dy"),
        ("B=1&a=1", "B=1&a=1"), ("%E1%88%B4=bar", "%E1%88%B4=bar"), ("k=~._-", "k=~._-"),
    ])
    func canonicalQuery(query: String, expected: String) {
        #expect(SigV4Signer.canonicalQuery(query) == expected)
    }

    @Test("header values are trimmed and inner whitespace runs collapsed")
    func headerValues() {
        #expect(SigV4Signer.normalizedHeaderValue("  a   b\t\tc  ") == "a b c")
        #expect(SigV4Signer.normalizedHeaderValue("") == "")
        #expect(SigV4Signer.normalizedHeaderValue("   ") == "")
    }

    @Test("Host is added from the URL (default port dropped), never duplicated; unsignable headers are not signed")
    func hostAndUnsignedHeaders() {
        let signer = SigV4Signer(credentials: SigV4RequestShapeTests.credentials, region: "eu-west-1", service: "sqs")
        let date = SigV4Suite.date

        let defaultPort = signer.signWithSteps(HTTPRequest(method: "GET", url: "https://sqs.eu-west-1.amazonaws.com:443/q?b=1"), date: date)
        #expect(defaultPort.request.headers["Host"] == "sqs.eu-west-1.amazonaws.com")
        #expect(defaultPort.steps.canonicalRequest.hasPrefix("GET\n/q\nb=1\nhost:sqs.eu-west-1.amazonaws.com\n"))

        let local = signer.signWithSteps(HTTPRequest(method: "POST", url: "http://localhost:4566"), date: date)
        #expect(local.request.headers["Host"] == "localhost:4566")
        #expect(local.steps.canonicalRequest.hasPrefix("POST\n/\n\nhost:localhost:4566\n"))

        let request = HTTPRequest(method: "POST", url: "https://sqs.eu-west-1.amazonaws.com/", headers: HTTPHeaders([
            ("host", "sqs.eu-west-1.amazonaws.com"), ("User-Agent", "fanout"), ("Expect", "100-continue"),
            ("X-Amzn-Trace-Id", "Root=1"), ("Authorization", "stale"), ("X-Amz-Date", "19990101T000000Z"),
        ]))
        let (signed, steps) = signer.signWithSteps(request, date: date)
        #expect(signed.headers.filter { $0.name.lowercased() == "host" }.count == 1)
        #expect(signed.headers.filter { $0.name.lowercased() == "authorization" }.count == 1)
        #expect(signed.headers.filter { $0.name.lowercased() == "x-amz-date" }.map(\.value) == ["20150830T123600Z"])
        #expect(steps.signedHeaders == "host;x-amz-date")

        // Re-signing a signed request (a retry) gives the same result as signing the original.
        #expect(signer.signWithSteps(signed, date: date).steps == steps)
    }

    @Test("UTC timestamps without DateFormatter", arguments: [
        (0.0, "19700101T000000Z"), (1_440_938_160.0, "20150830T123600Z"), (951_868_799.999, "20000229T235959Z"),
        (1_704_067_199.5, "20231231T235959Z"), (-1.0, "19691231T235959Z"), (4_102_444_800.0, "21000101T000000Z"),
    ])
    func timestamps(seconds: Double, expected: String) {
        let time = SigV4Time(Date(timeIntervalSince1970: seconds))
        #expect(time.amzDate == expected)
        #expect(time.dateStamp == String(expected.prefix(8)))
    }

    @Test("signing key and credential scope follow the spec's derivation")
    func signingKey() {
        // The example key from the AWS "Deriving the signing key" documentation (20120215, us-east-1, iam).
        let signer = SigV4Signer(
            credentials: Credentials(accessKeyId: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"),
            region: "us-east-1", service: "iam")
        #expect(signer.signingKey(date: Date(timeIntervalSince1970: 1_329_264_000)).hex
                == "f4780e2d9f65fa895f9c67b32ce1baf0b0d8a43505a000a1a9e090d414db404d")
        #expect(signer.credentialScope(dateStamp: "20150830") == "20150830/us-east-1/iam/aws4_request")
    }
}

private extension String {
    func leftPadded(to width: Int) -> String { String(repeating: "0", count: max(0, width - count)) + self }
}
