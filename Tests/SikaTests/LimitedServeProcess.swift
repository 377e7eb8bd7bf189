import ChildProcess
import Foundation
import Synchronization
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// `sika serve --demo` as a child process on free ports, with known operator tokens: what an operator runs.
///
/// Every wait here is an `await` (a short `Task.sleep` between looks), never a blocking sleep or `poll`:
/// tests run on Swift's cooperative pool, two threads on a two-core machine, and a test that blocks one of
/// them stalls every other test of the process.
final class LimitedServeProcess {
    /// What the child printed, appended by a reading thread.
    final class Output: Sendable {
        let text = Mutex("")
    }

    static let tokens = ["SIKA_TOKEN_TMONEY": "tm-serve-test-token", "SIKA_TOKEN_FLOOZ": "fl-serve-test-token"]

    let process: ChildProcess
    let directory: URL
    let linePort: Int
    let httpPort: Int
    private let output: Output

    private init(process: ChildProcess, directory: URL, linePort: Int, httpPort: Int, output: Output) {
        self.process = process
        self.directory = directory
        self.linePort = linePort
        self.httpPort = httpPort
        self.output = output
    }

    var pid: Int32 { process.processIdentifier }
    /// Everything `serve` printed on standard output so far.
    var stdout: String { output.text.withLock { $0 } }
    /// The log, on standard error.
    var stderr: String { (try? String(contentsOf: directory.appending(path: "stderr.log"), encoding: .utf8)) ?? "" }

    /// Starts `sika serve --demo` on a fresh database; with `fileLimit`, under `ulimit -n` (soft and hard) of that.
    static func start(_ extra: [String] = [], fileLimit: Int? = nil) async throws -> LimitedServeProcess {
        let directory = FileManager.default.temporaryDirectory.appending(path: "sika-serve-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let providers = try freePortPair()
        let arguments =
            [
                "serve", "--demo", "--db", directory.appending(path: "serve.sqlite").path, "--line-port", "0", "--http-port", "0",
                "--smpp-port", "0", "--provider-port", "\(providers)",
            ]
            // The floods hold unauthenticated connections on purpose, and opening 1 100 of them can outlast the
            // default 10 s HELLO timeout on a loaded machine, which would then close some as they are counted;
            // the timeout itself is tested on its own.
            + (extra.contains("--hello-timeout") ? [] : ["--hello-timeout", "600"]) + extra
        let process = ChildProcess()
        if let fileLimit {
            process.executableURL = URL(fileURLWithPath: "/bin/bash")
            process.arguments = ["-c", "ulimit -n \(fileLimit) && exec \"$0\" \"$@\"", sikaBinary.path] + arguments
        } else {
            process.executableURL = sikaBinary
            process.arguments = arguments
        }
        process.currentDirectoryURL = repository
        process.environment = ProcessInfo.processInfo.environment.merging(tokens) { $1 }.merging(["SIKA_LOG_LEVEL": "warning"]) { $1 }
        let out = Pipe()
        process.standardOutput = out
        _ = FileManager.default.createFile(atPath: directory.appending(path: "stderr.log").path, contents: nil)
        process.standardError = try FileHandle(forWritingTo: directory.appending(path: "stderr.log"))
        let output = Output()
        try process.run()
        let reader = out.fileHandleForReading
        Thread.detachNewThread {
            while true {
                let chunk = reader.availableData
                if chunk.isEmpty { break }
                output.text.withLock { $0 += String(decoding: chunk, as: UTF8.self) }
            }
        }
        let deadline = Date().addingTimeInterval(120)
        while Date() < deadline, process.isRunning {
            let text = output.text.withLock { $0 }
            // The last line of the banner is "Try: nc …": once it is there, the whole banner is.
            if text.contains("Try: nc"), let match = text.firstMatch(of: /Line protocol on [0-9.]+:(\d+), HTTP on http:\/\/[0-9.]+:(\d+)/),
                let line = Int(match.1), let http = Int(match.2)
            {
                return LimitedServeProcess(process: process, directory: directory, linePort: line, httpPort: http, output: output)
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        process.terminate()
        let log = (try? String(contentsOf: directory.appending(path: "stderr.log"), encoding: .utf8)) ?? ""
        throw ServeError("serve did not start: \(output.text.withLock { $0 })\n\(log)")
    }

    /// Resident memory of the server, in kB, from `/proc/<pid>/status`.
    func residentKilobytes() throws -> Int {
        let status = try String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)
        guard let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }),
            let kilobytes = Int(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "")
        else { throw ServeError("no VmRSS in /proc/\(pid)/status") }
        return kilobytes
    }

    /// SIGTERM without waiting, for a test that ends early; `stop()` is the orderly way.
    func abandon() {
        if process.isRunning { process.terminate() }
    }

    /// SIGTERM, as an operator stops it; returns how it ended.
    func stop() async -> (reason: ChildProcess.TerminationReason, status: Int32) {
        if process.isRunning { process.terminate() }
        while process.isRunning { try? await Task.sleep(for: .milliseconds(20)) }
        process.waitUntilExit()
        try? FileManager.default.removeItem(at: directory)
        return (process.terminationReason, process.terminationStatus)
    }

    /// Two consecutive free ports for the provider simulators.
    static func freePortPair() throws -> Int {
        for _ in 0..<200 {
            let base = Int.random(in: TestPorts.range.lowerBound..<(TestPorts.range.upperBound - 1))
            if let a = try? TCPSocket.listen(port: base), let b = try? TCPSocket.listen(port: base + 1) {
                a.close()
                b.close()
                return base
            }
        }
        throw ServeError("no two free ports")
    }
}

struct ServeError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// A plain non-blocking TCP socket (the test process's side of a connection), from a chosen source address.
final class TCPSocket {
    let fd: Int32
    private(set) var received: [UInt8] = []
    private(set) var closedByPeer = false

    private init(fd: Int32) { self.fd = fd }

    private static func address(_ ip: String, _ port: Int) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        inet_pton(AF_INET, ip, &address.sin_addr)
        return address
    }

    private static func call(_ what: String, _ body: () -> Int32) throws -> Int32 {
        let result = body()
        guard result >= 0 else { throw ServeError("\(what): \(String(cString: strerror(errno)))") }
        return result
    }

    /// Connects without blocking: fails if the server did not complete the connection within `timeout` seconds
    /// (a server that stopped accepting leaves connections hanging in its backlog).
    static func connect(port: Int, from source: String = "127.0.0.1", timeout: Double = 10) async throws -> TCPSocket {
        let fd = try call("socket") { Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0) }
        let socket = TCPSocket(fd: fd)
        do {
            var local = address(source, 0)
            _ = try call("bind") { withUnsafePointer(to: &local) { bind(fd, UnsafeRawPointer($0).assumingMemoryBound(to: sockaddr.self), 16) } }
            _ = try call("fcntl") { fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) }
            var remote = address("127.0.0.1", port)
            let started = withUnsafePointer(to: &remote) { Glibc.connect(fd, UnsafeRawPointer($0).assumingMemoryBound(to: sockaddr.self), 16) }
            if started != 0 {
                guard errno == EINPROGRESS else { throw ServeError("connect: \(String(cString: strerror(errno)))") }
                let deadline = Date().addingTimeInterval(timeout)
                while !socket.ready(for: Int16(POLLOUT)) {
                    guard Date() < deadline else { throw ServeError("connect: no answer within \(timeout) s") }
                    try await Task.sleep(for: .milliseconds(5))
                }
                var failure: Int32 = 0
                var length = socklen_t(MemoryLayout<Int32>.size)
                getsockopt(fd, SOL_SOCKET, SO_ERROR, &failure, &length)
                guard failure == 0 else { throw ServeError("connect: \(String(cString: strerror(failure)))") }
            }
        } catch {
            socket.close()
            throw error
        }
        return socket
    }

    static func listen(port: Int) throws -> TCPSocket {
        let fd = try call("socket") { Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0) }
        let socket = TCPSocket(fd: fd)
        var local = address("127.0.0.1", port)
        do {
            _ = try call("bind") { withUnsafePointer(to: &local) { bind(fd, UnsafeRawPointer($0).assumingMemoryBound(to: sockaddr.self), 16) } }
            _ = try call("listen") { Glibc.listen(fd, 1) }
        } catch {
            socket.close()
            throw error
        }
        return socket
    }

    var text: String { String(decoding: received, as: UTF8.self) }

    /// Reads what is there without waiting; notes an end of stream.
    @discardableResult
    func drain() -> Int {
        var total = 0
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let count = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if count > 0 {
                received += buffer[0..<count]
                total += count
            } else {
                if count == 0 || (errno != EAGAIN && errno != EWOULDBLOCK) { closedByPeer = true }
                return total
            }
        }
    }

    /// Writes as much of `bytes` as the socket takes now; returns how many.
    func write(_ bytes: ArraySlice<UInt8>) -> Int {
        let count = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
        return max(0, count)
    }

    /// Writes everything, waiting for room; throws if the socket will not take it within `timeout` seconds.
    func send(_ text: String, timeout: Double = 30) async throws {
        var bytes = ArraySlice(Array(text.utf8))
        let deadline = Date().addingTimeInterval(timeout)
        while !bytes.isEmpty {
            bytes = bytes.dropFirst(write(bytes))
            if bytes.isEmpty { return }
            guard Date() < deadline else { throw ServeError("the server took only part of \(text.prefix(60))") }
            try await Task.sleep(for: .milliseconds(5))
        }
    }

    /// Waits (up to `timeout` seconds, a failure bound) until `condition` holds on what was read.
    @discardableResult
    func read(timeout: Double = 30, until condition: (TCPSocket) -> Bool) async throws -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            drain()
            if condition(self) { return true }
            if closedByPeer || Date() >= deadline { return false }
            try await Task.sleep(for: .milliseconds(10))
        }
    }

    /// Whether the socket is ready for `events` now (a `poll` that does not wait).
    func ready(for events: Int16) -> Bool {
        var entry = pollfd(fd: fd, events: events, revents: 0)
        return poll(&entry, 1, 0) == 1
    }

    func close() { _ = Glibc.close(fd) }

    /// One HTTP/1.1 request on a fresh connection; the status and the body.
    static func http(_ path: String, port: Int, from source: String = "127.0.0.1") async throws -> (status: Int, body: String) {
        let socket = try await connect(port: port, from: source)
        defer { socket.close() }
        try await socket.send("GET \(path) HTTP/1.1\r\nHost: sika\r\nConnection: close\r\n\r\n")
        try await socket.read { $0.closedByPeer }
        let text = socket.text
        let status = Int(text.split(separator: " ").dropFirst().first ?? "") ?? 0
        let body = text.range(of: "\r\n\r\n").map { String(text[$0.upperBound...]) } ?? ""
        return (status, body)
    }
}
