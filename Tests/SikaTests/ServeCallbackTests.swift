import ChildProcess
import Foundation
import TestSupport
import Testing

/// `sika serve` as a user starts it, and `POST /ussd` driven with curl as `docs/PROTOCOL.md` writes it.
@Suite(.serialized) struct ServeCallbackTests {
    /// A running `sika serve` child and what it printed.
    ///
    /// Unchecked: one test drives it, one call after the other; its blocking reads run off the cooperative pool.
    final class Server: @unchecked Sendable {
        let process = ChildProcess()
        let directory: URL
        private(set) var printed = ""
        private let output = Pipe()

        init(_ arguments: [String], env: [String: String] = [:]) throws {
            directory = FileManager.default.temporaryDirectory.appending(path: "sika-serve-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            process.executableURL = sikaBinary
            process.currentDirectoryURL = repository
            // A provider port of its own, so that a parallel run elsewhere on the machine does not collide.
            let providerPort = Int.random(in: TestPorts.range.lowerBound..<(TestPorts.range.upperBound - 1))
            process.arguments =
                ["serve", "--db", directory.appending(path: "serve.sqlite").path, "--line-port", "0", "--http-port", "0", "--smpp-port", "0"]
                + ["--provider-port", String(providerPort)] + arguments
            var environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("SIKA_") }
            environment.merge(env) { $1 }
            process.environment = environment
            process.standardOutput = output
            process.standardError = FileHandle.nullDevice
            try process.run()
        }

        /// Reads stdout until a line starting with `prefix`, or fails after a generous bound.
        func waitFor(_ prefix: String, timeout: TimeInterval = 120) async throws {
            try await offThePool { try self.readUntil(prefix, timeout: timeout) }
        }

        private func readUntil(_ prefix: String, timeout: TimeInterval) throws {
            let deadline = Date().addingTimeInterval(timeout)
            while !printed.split(separator: "\n").contains(where: { $0.hasPrefix(prefix) }) {
                guard Date() < deadline else { throw ServeError("no line starting \(prefix) in: \(printed)") }
                let chunk = output.fileHandleForReading.availableData
                guard !chunk.isEmpty else { throw ServeError("serve exited: \(printed)") }
                printed += String(decoding: chunk, as: UTF8.self)
            }
        }

        /// The rest of the line that starts with `prefix`.
        func value(after prefix: String) -> String? {
            printed.split(separator: "\n").first { $0.hasPrefix(prefix) }.map { String($0.dropFirst(prefix.count)) }
        }

        var httpPort: Int? {
            guard let range = printed.range(of: "HTTP on http://127.0.0.1:") else { return nil }
            return Int(printed[range.upperBound...].prefix { $0.isNumber })
        }

        /// SIGTERM; the exit is waited for on a thread of its own (a `defer` cannot wait off the pool).
        func stop() {
            process.terminate()
            Thread.detachNewThread {
                self.process.waitUntilExit()
                try? FileManager.default.removeItem(at: self.directory)
            }
        }
    }

    struct ServeError: Error, CustomStringConvertible {
        let description: String
        init(_ description: String) { self.description = description }
    }

    /// Runs a shell command line (the documentation's curl lines) and returns its stdout.
    func shell(_ command: String, env: [String: String] = [:]) async throws -> String {
        try await FinishedProcess.run(
            URL(fileURLWithPath: "/bin/sh"), ["-c", command], environment: ProcessInfo.processInfo.environment.merging(env) { $1 }
        ).out
    }

    /// The shell commands of `text` that start with `prefix`, continuation lines (`\\`) included.
    static func commands(in text: String, startingWith prefix: String) -> [String] {
        var commands: [String] = []
        var current: String?
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if current == nil && line.hasPrefix(prefix) { current = "" }
            guard let command = current else { continue }
            current = command + line + "\n"
            if !line.hasSuffix("\\") {
                commands.append(current!)
                current = nil
            }
        }
        return commands
    }

    /// `--demo` prints the aggregator tokens beside the line tokens, taken from the environment or the
    /// `--secrets` file when set and generated otherwise, and `POST /ussd` accepts exactly those.
    @Test func serveLoadsAndPrintsTheAggregatorTokensAndTheCallbackRequiresThem() async throws {
        let secretsDirectory = FileManager.default.temporaryDirectory.appending(path: "sika-secrets-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: secretsDirectory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: secretsDirectory) }
        let secrets = secretsDirectory.appending(path: "secrets.env").path
        let lines = [
            "SIKA_JWT_SECRET=\(String(repeating: "ab", count: 32))", "SIKA_ADMIN_TOKEN=admin-token-0123456789",
            "SIKA_AGGREGATOR_TOKEN_FLOOZ=fl-aggregator-from-file",
        ]
        let written = FileManager.default.createFile(
            atPath: secrets, contents: Data(lines.joined(separator: "\n").utf8), attributes: [.posixPermissions: 0o600])
        #expect(written)

        let server = try Server(["--demo", "--secrets", secrets], env: ["SIKA_AGGREGATOR_TOKEN_TMONEY": "tm-aggregator-from-env"])
        defer { server.stop() }
        try await server.waitFor("Or: curl")
        #expect(server.value(after: "  aggregator token tmoney: ") == "tm-aggregator-from-env")
        #expect(server.value(after: "  aggregator token flooz: ") == "fl-aggregator-from-file")
        #expect(server.value(after: "  token tmoney: ")?.hasSuffix("(generated for this run)") == true)
        let port = try #require(server.httpPort)
        let url = "http://127.0.0.1:\(port)/ussd"
        let status = "-s -w ' %{http_code}'"

        let environment = ["SIKA_AGGREGATOR_TOKEN_TMONEY": "tm-aggregator-from-env"]
        // The README's curl lines, run as written (the port aside); each ends with the answer it expects.
        let readme = try String(contentsOf: repository.appending(path: "README.md"), encoding: .utf8)
        let commands = Self.commands(in: readme, startingWith: #"curl -H "Authorization: Bearer $SIKA_AGGREGATOR_TOKEN_TMONEY""#)
        #expect(commands.count == 4)
        for command in commands {
            let expected = try #require(command.split(separator: "#").last).trimmingCharacters(in: .whitespacesAndNewlines)
            let answer = try await shell(command.replacingOccurrences(of: "127.0.0.1:8080", with: "127.0.0.1:\(port)"), env: environment)
            #expect(answer.hasPrefix(expected), "\(command) answered \(answer)")
        }
        // The signed form, as docs/PROTOCOL.md writes it.
        let protocolText = try String(contentsOf: repository.appending(path: "docs/PROTOCOL.md"), encoding: .utf8)
        let signing = try #require(protocolText.components(separatedBy: "```\nBODY=").dropFirst().first?.components(separatedBy: "```").first)
        let signed = try await shell("BODY=" + signing.replacingOccurrences(of: "127.0.0.1:8080", with: "127.0.0.1:\(port)"), env: environment)
        #expect(signed.hasPrefix("CON T-Money"), "\(signed)")
        let flooz = try await shell(
            #"curl \#(status) -H 'Authorization: Bearer fl-aggregator-from-file' -d 'sessionId=h3&serviceCode=*155%23&phoneNumber=22896112233&text=' \#(url)"#
        )
        #expect(flooz.hasPrefix("CON Flooz") && flooz.hasSuffix(" 200"), "\(flooz)")
        let anonymous = try await shell(#"curl \#(status) -d 'sessionId=h4&serviceCode=*145%23&phoneNumber=22890112233&text=' \#(url)"#)
        #expect(anonymous == "END a valid aggregator credential is required 401")
        let crossed = try await shell(
            #"curl \#(status) -H 'Authorization: Bearer fl-aggregator-from-file' -d 'sessionId=h5&serviceCode=*145%23&phoneNumber=22890112233&text=' \#(url)"#
        )
        #expect(crossed == "END 22890112233 is outside flooz's numbering range 403")
    }

    /// The secret alone names the operator, so two operators may not share one.
    @Test func twoOperatorsMayNotShareAnAggregatorSecret() async throws {
        let directory = FileManager.default.temporaryDirectory.appending(path: "sika-serve-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let process = ChildProcess()
        process.executableURL = sikaBinary
        process.currentDirectoryURL = repository
        process.arguments = ["serve", "--db", directory.appending(path: "s.sqlite").path, "--line-port", "0", "--http-port", "0"]
        process.environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("SIKA_") }.merging([
            "SIKA_AGGREGATOR_TOKEN_TMONEY": "shared-secret", "SIKA_AGGREGATOR_TOKEN_FLOOZ": "shared-secret",
        ]) { $1 }
        let finished = try await FinishedProcess.run(process)
        let (status, message) = (finished.status, finished.err)
        #expect(status != 0)
        #expect(message.contains("every operator needs its own SIKA_AGGREGATOR_TOKEN_… secret"), "\(message)")
    }

    @Test func theRetentionWindowIsAFlagOfServeAndMustBePositive() async throws {
        let process = ChildProcess()
        process.executableURL = sikaBinary
        process.currentDirectoryURL = repository
        process.arguments = ["serve", "--ended-retention", "0"]
        let finished = try await FinishedProcess.run(process)
        let (status, message) = (finished.status, finished.err)
        #expect(status == 64)
        #expect(message.contains("--ended-retention must be positive"))

        let text = try await FinishedProcess.run(sikaBinary, ["serve", "--help"]).out
        #expect(text.contains("--ended-retention") && text.contains("SIKA_AGGREGATOR_TOKEN_TMONEY") && text.contains("X-Sika-Signature"))
    }
}
