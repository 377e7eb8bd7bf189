import AsyncHTTPClient
import ChildProcess
import Foundation
import NIOCore
import NIOHTTP1
import Synchronization
import TestSupport
import Testing

/// Runs the `sika` binary built beside the tests as a subprocess, from `directory` (a temporary
/// directory unless told otherwise), so nothing it does depends on the test's own working directory.
///
/// The variables that point `sika` at a database, a home or credentials are left out unless `env` sets them:
/// the test's own environment must not leak into what the child does. Run off the cooperative pool
/// (``FinishedProcess``).
func sika(_ arguments: [String], in directory: URL, env: [String: String] = [:]) async throws -> FinishedProcess {
    let process = ChildProcess()
    niced(process, arguments)
    process.currentDirectoryURL = directory
    var environment = ProcessInfo.processInfo.environment.merging(env) { $1 }
    for key in ["SIKA_DB", "SIKA_HOME", "SIKA_TOKEN_TMONEY", "SIKA_TOKEN_FLOOZ", "SIKA_JWT_SECRET", "SIKA_ADMIN_TOKEN"] where env[key] == nil {
        environment[key] = nil
    }
    process.environment = environment
    return try await FinishedProcess.run(process)
}

/// Runs the binary at a lower CPU priority, through `nice -n 10`: these children (a server replaying 38
/// scripts, a whole in-process script suite) would otherwise take the cores from the suite's in-process
/// tests. Not the lowest (19): under a saturated CI machine a nice-19 process gets about 1 % of a core, and
/// the children's own protocol timers (HELLO, idle) then fire before they read what was sent in time.
func niced(_ process: ChildProcess, _ arguments: [String]) {
    let nice = URL(fileURLWithPath: "/usr/bin/nice")
    if FileManager.default.isExecutableFile(atPath: nice.path) {
        process.executableURL = nice
        process.arguments = ["-n", "10", sikaBinary.path] + arguments
    } else {
        process.executableURL = sikaBinary
        process.arguments = arguments
    }
}

/// A fresh temporary directory, removed by `remove()`.
struct TemporaryDirectory {
    let url: URL

    init(_ prefix: String) throws {
        url = FileManager.default.temporaryDirectory.appending(path: "\(prefix)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    func remove() { try? FileManager.default.removeItem(at: url) }
}

/// A socket listening on a port, to make "address in use" happen.
final class PortSquatter {
    let port: Int
    private let fd: Int32

    init() throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        self.fd = fd
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(fd, 1) == 0 else { throw CommandLineFailure("cannot listen") }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        withUnsafeMutablePointer(to: &address) {
            _ = $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        port = Int(UInt16(bigEndian: address.sin_port))
    }

    deinit { close(fd) }
}

struct CommandLineFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// `sika serve` running as a subprocess on free ports, with its output collected as it comes.
final class ServeProcess: Sendable {
    let process: ChildProcess
    let linePort: Int
    let httpPort: Int
    let providerPort: Int
    private let output: Buffer
    private let errors: Buffer

    /// Bytes a pipe's reader appends to while the test reads them.
    final class Buffer: Sendable {
        private let data = Mutex(Data())
        func append(_ chunk: Data) { data.withLock { $0.append(chunk) } }
        var text: String { String(decoding: data.withLock { $0 }, as: UTF8.self) }
    }

    /// Starts `sika serve ARGUMENTS [--hello-timeout 120] --line-port 0 --http-port 0 --smpp-port 0 --provider-port <free>` from `directory`
    /// and waits (at most `timeout`, a failure bound) until it printed where it listens.
    static func start(_ arguments: [String], in directory: URL, env: [String: String] = [:], timeout: Duration = .seconds(120)) async throws
        -> ServeProcess
    {
        // Ports checked free may still be taken by another test's child before ours binds them: then new ones.
        for attempt in 1...3 {
            do {
                return try await startOnce(arguments, in: directory, env: env, timeout: timeout)
            } catch let failure as CommandLineFailure where attempt < 3 && "\(failure)".contains("address already in use") {
                continue
            }
        }
        throw CommandLineFailure("unreachable")
    }

    private static func startOnce(_ arguments: [String], in directory: URL, env: [String: String], timeout: Duration) async throws
        -> ServeProcess
    {
        let providerPort = try TestPorts.free(2)
        let process = ChildProcess()
        // A HELLO may wait behind the whole suite's load (the child runs niced): the server waits two minutes for it
        // unless the test says otherwise; what the timeout does is tested on its own.
        let hello = arguments.contains("--hello-timeout") ? [] : ["--hello-timeout", "120"]
        niced(
            process,
            ["serve"] + arguments + hello + ["--line-port", "0", "--http-port", "0", "--smpp-port", "0", "--provider-port", String(providerPort)])
        process.currentDirectoryURL = directory
        var environment = ProcessInfo.processInfo.environment.merging(env) { $1 }
        for key in ["SIKA_DB", "SIKA_HOME", "SIKA_TOKEN_TMONEY", "SIKA_TOKEN_FLOOZ", "SIKA_JWT_SECRET", "SIKA_ADMIN_TOKEN"] where env[key] == nil {
            environment[key] = nil
        }
        environment["SIKA_LOG_LEVEL"] = env["SIKA_LOG_LEVEL"] ?? "warning"
        process.environment = environment
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        let output = Buffer()
        let errors = Buffer()
        out.fileHandleForReading.readabilityHandler = { handle in output.append(handle.availableData) }
        err.fileHandleForReading.readabilityHandler = { handle in errors.append(handle.availableData) }
        try process.run()
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            let text = output.text
            if let match = text.firstMatch(of: /Line protocol on [^:]+:(\d+), HTTP on http:\/\/[^:]+:(\d+)/), text.contains("Try: nc") {
                return ServeProcess(
                    process: process, linePort: Int(match.1)!, httpPort: Int(match.2)!, providerPort: providerPort, output: output,
                    errors: errors)
            }
            if !process.isRunning { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        process.terminate()
        process.waitUntilExit()
        throw CommandLineFailure(
            "sika serve did not start: \(output.text) \(errors.text)")
    }

    private init(process: ChildProcess, linePort: Int, httpPort: Int, providerPort: Int, output: Buffer, errors: Buffer) {
        self.process = process
        self.linePort = linePort
        self.httpPort = httpPort
        self.providerPort = providerPort
        self.output = output
        self.errors = errors
    }

    /// What it printed on standard output so far.
    var stdout: String { output.text }
    var stderr: String { errors.text }

    /// The token printed for `operatorID` (`  token tmoney: …`).
    func token(_ operatorID: String) throws -> String {
        guard let match = stdout.firstMatch(of: try Regex("token \(operatorID): ([0-9a-f]+)")) else {
            throw CommandLineFailure("no token for \(operatorID) in: \(stdout)")
        }
        return String(match.output[1].substring ?? "")
    }

    /// The admin token printed with the JSON API line.
    func adminToken() throws -> String {
        guard let match = stdout.firstMatch(of: /admin token: ([A-Za-z0-9-]+)/) else { throw CommandLineFailure("no admin token in: \(stdout)") }
        return String(match.1)
    }

    /// SIGINT (graceful shutdown), then waits for the exit.
    @discardableResult
    func stop() async throws -> Int32 {
        if process.isRunning { process.interrupt() }
        let deadline = ContinuousClock.now + .seconds(60)
        while process.isRunning, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(20)) }
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
        return process.terminationStatus
    }

    deinit { if process.isRunning { process.terminate() } }

    /// An HTTP request to the server: status and body.
    func http(
        _ method: HTTPMethod, _ path: String, headers: [(String, String)] = [], body: String? = nil
    ) async throws -> (status: Int, body: String) {
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(httpPort)\(path)")
        request.method = method
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(string: body))
        }
        let response = try await HTTPClient.forTests.execute(request, timeout: .seconds(60))
        let bytes = try await response.body.collect(upTo: 4 << 20)
        return (Int(response.status.code), String(buffer: bytes))
    }

    /// A JSON API token for a subscriber.
    func apiToken(_ phone: String, _ pin: String) async throws -> String {
        let answer = try await http(.POST, "/api/auth/token", body: #"{"phoneNumber":"\#(phone)","pin":"\#(pin)"}"#)
        guard answer.status == 200, let match = answer.body.firstMatch(of: /"token":"([^"]+)"/) else {
            throw CommandLineFailure("no token: \(answer.status) \(answer.body)")
        }
        return String(match.1)
    }
}

/// The suites that run the `sika` binary (and `sika serve`) as subprocesses, one test at a time: each
/// starts processes that need the machine's cores, and the rest of the suite has timing-sensitive tests.
@Suite(.serialized) struct SubprocessTests {}
