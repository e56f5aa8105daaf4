import Foundation
import Testing
@testable import FanoutKit

/// What one run of the built `fanout` binary produced.
struct RunResult: CustomStringConvertible {
    var status: Int32
    var stdout: String
    var stderr: String
    var description: String { "exit \(status)\n--- stdout\n\(stdout)\n--- stderr\n\(stderr)" }
}

/// Runs the real `fanout` binary (built next to the test bundle) as a user would, against the moto servers that
/// `make test` starts (scripts/with-moto.sh).
enum Fanout {
    /// The built binary: FANOUT_BIN, or `fanout` in the test bundle's build folder.
    static var binary: String {
        if let explicit = ProcessInfo.processInfo.environment["FANOUT_BIN"] { return explicit }
        let bundle = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        var dir = bundle
        for _ in 0..<4 {
            let candidate = dir.appendingPathComponent("fanout").path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            dir = dir.deletingLastPathComponent()
        }
        let fromSource = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent(".build/debug/fanout").path
        return fromSource
    }

    /// The plain moto endpoint; a test that needs it fails (not skips) when `make test` did not provide it.
    static func endpoint() throws -> String {
        guard let e = ProcessInfo.processInfo.environment["FANOUT_TEST_ENDPOINT"] else {
            throw TestSetupError("FANOUT_TEST_ENDPOINT is not set: run the suite with 'make test', which starts moto")
        }
        return e
    }

    /// A clean environment: no AWS settings of the machine leak in; HOME points at an empty folder.
    static func baseEnvironment(home: String) -> [String: String] {
        var env: [String: String] = ["HOME": home, "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin", "NO_COLOR": "1",
                                     "AWS_CONFIG_FILE": home + "/.aws/config", "AWS_SHARED_CREDENTIALS_FILE": home + "/.aws/credentials"]
        if let tmp = ProcessInfo.processInfo.environment["TMPDIR"] { env["TMPDIR"] = tmp }
        return env
    }

    /// The usual environment for a moto run: dummy keys, us-east-1, the moto endpoint.
    static func motoEnvironment(home: String) throws -> [String: String] {
        var env = baseEnvironment(home: home)
        env["AWS_ACCESS_KEY_ID"] = "AKIDTESTING"
        env["AWS_SECRET_ACCESS_KEY"] = "testing-secret"
        env["AWS_REGION"] = "us-east-1"
        env["AWS_ENDPOINT_URL"] = try endpoint()
        return env
    }

    /// Runs fanout with these arguments and exactly this environment; stdin is empty unless given.
    @discardableResult
    static func run(_ arguments: [String], environment: [String: String], stdin: String? = nil, cwd: String? = nil,
                    timeout: Double = 120) throws -> RunResult
    {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = arguments
        process.environment = environment
        if let cwd { process.currentDirectoryURL = URL(fileURLWithPath: cwd) }
        let out = Pipe(), err = Pipe(), input = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = input
        let outData = DataCollector(out.fileHandleForReading)
        let errData = DataCollector(err.fileHandleForReading)
        try process.run()
        if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
        try? input.fileHandleForWriting.close()
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline { usleep(5_000) }
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
            throw TestSetupError("fanout \(arguments.joined(separator: " ")) did not finish within \(timeout) s")
        }
        process.waitUntilExit()
        return RunResult(status: process.terminationStatus, stdout: outData.text(), stderr: errData.text())
    }
}

/// Reads a pipe to its end on a background thread so a chatty child never blocks on a full pipe.
final class DataCollector: @unchecked Sendable {
    private var data = Data()
    private let done = DispatchSemaphore(value: 0)
    init(_ handle: FileHandle) {
        Thread.detachNewThread { [self] in
            data = handle.readDataToEndOfFile()
            done.signal()
        }
    }
    func text() -> String {
        done.wait()
        return String(decoding: data, as: UTF8.self)
    }
}

struct TestSetupError: Error, CustomStringConvertible {
    var description: String
    init(_ d: String) { description = d }
}

/// A temporary folder for one test (HOME, outputs.json, config files), removed at the end.
final class TempDir {
    let path: String
    init() throws {
        path = NSTemporaryDirectory() + "fanout-test-" + UUID().uuidString.prefix(8)
        try FileManager.default.createDirectory(atPath: path + "/.aws", withIntermediateDirectories: true)
    }
    deinit { try? FileManager.default.removeItem(atPath: path) }

    @discardableResult
    func write(_ name: String, _ text: String) throws -> String {
        let file = path + "/" + name
        try FileManager.default.createDirectory(atPath: (file as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try text.write(toFile: file, atomically: true, encoding: .utf8)
        return file
    }
}

/// A short random suffix so parallel tests never share queue or topic names on one moto server.
func uniqueName(_ base: String) -> String { "\(base)-\(UUID().uuidString.prefix(8).lowercased())" }

/// SDK clients for test set-up, talking to moto through fanout's own library.
struct MotoClients {
    let sqs: SQSClient
    let sns: SNSClient
    let dynamodb: DynamoDBClient
    init(endpoint: String, key: String = "AKIDTESTING", secret: String = "testing-secret") {
        let config = AWSClientConfig(transport: CurlTransport(), credentials: { Credentials(accessKeyId: key, secretAccessKey: secret) },
                                     region: "us-east-1")
        sqs = SQSClient(AWSClient(service: .sqs, endpoint: endpoint, config: config))
        sns = SNSClient(AWSClient(service: .sns, endpoint: endpoint, config: config))
        dynamodb = DynamoDBClient(AWSClient(service: .dynamodb, endpoint: endpoint, config: config))
    }
}
