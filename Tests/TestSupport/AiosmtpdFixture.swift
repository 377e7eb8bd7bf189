import Foundation

/// aiosmtpd (a server nobody here wrote) run as a subprocess by `Tests/SMTPInterop/smtp_fixture.py` on a port the
/// kernel picks (or the one given). The fixture writes each accepted message to a temporary directory that the
/// test reads, and logs every RCPT TO it answered. It needs `python3 -m pip install aiosmtpd cryptography`;
/// without them the interop suites are skipped, saying so (and fail in CI, see `TestPeers`).
public final class AiosmtpdFixture {
    public static let isAvailable = TestPeers.required || TestPeers.python(imports: ["aiosmtpd", "cryptography"])
    /// What a suite that needs it says when it is skipped.
    public static let installHint = "needs aiosmtpd and cryptography: python3 -m pip install aiosmtpd cryptography"

    public struct Received: Sendable {
        /// The DATA content as the server got it, dot-stuffing removed by the server.
        public let content: [UInt8]
        public let mailFrom: String
        public let mailOptions: [String]
        public let recipients: [String]
        public let tls: Bool
        public let login: String?
        public var text: String { String(decoding: content, as: UTF8.self) }
        /// The `Message-ID` header's value.
        public var messageID: String? { MIMEReader.split(text).header("Message-ID") }
    }

    public let port: Int
    /// The self-signed certificate (PEM) when TLS is on.
    public let certificatePath: String?
    public let maildir: URL
    private let ownsMaildir: Bool
    private let process: FixtureProcess

    /// - Parameters:
    ///   - options: the fixture's flags (`--starttls`, `--auth USER:PASSWORD`, `--defer-first-rcpt`, `--reject ADDRESS`,
    ///     `--stall-first-data SECONDS`, `--port N`; see the script).
    ///   - maildir: where messages go; a new temporary directory (removed by ``stop()``) unless given, so a server
    ///     started again on the same port can keep counting in the same place.
    public init(_ options: [String] = [], maildir: URL? = nil) async throws {
        self.maildir = maildir ?? FileManager.default.temporaryDirectory.appendingPathComponent("sika-smtp-\(UUID().uuidString)")
        ownsMaildir = maildir == nil
        try FileManager.default.createDirectory(at: self.maildir, withIntermediateDirectories: true)
        process = try await FixtureProcess(
            script: "smtp_fixture.py", arguments: ["--maildir", self.maildir.path] + options,
            hint: "is aiosmtpd installed? `python3 -m pip install aiosmtpd`")
        guard process.ready.count == 2, let port = Int(process.ready[0]) else {
            throw FixtureError("unexpected READY line: \(process.ready)")
        }
        self.port = port
        self.certificatePath = process.ready[1] == "-" ? nil : process.ready[1]
    }

    /// Every message received so far, in order.
    public func received() throws -> [Received] {
        let names = try FileManager.default.contentsOfDirectory(atPath: maildir.path).filter { $0.hasSuffix(".eml") }.sorted()
        return try names.map { name in
            let base = maildir.appendingPathComponent(String(name.dropLast(4)))
            let content = try Data(contentsOf: base.appendingPathExtension("eml"))
            let meta = try JSONSerialization.jsonObject(with: Data(contentsOf: base.appendingPathExtension("json"))) as? [String: Any] ?? [:]
            return Received(
                content: Array(content), mailFrom: meta["mail_from"] as? String ?? "", mailOptions: meta["mail_options"] as? [String] ?? [],
                recipients: meta["rcpt_tos"] as? [String] ?? [], tls: meta["tls"] as? Bool ?? false, login: meta["login"] as? String)
        }
    }

    /// Waits (polling; `timeout` is a failure bound) until at least `count` messages arrived, and returns them all.
    public func received(count: Int, timeout: Duration = .seconds(60)) async throws -> [Received] {
        let deadline = ContinuousClock.now + timeout
        while true {
            let messages = try received()
            if messages.count >= count || ContinuousClock.now > deadline { return messages }
            try await Task.sleep(for: .milliseconds(50))
        }
    }

    /// Every RCPT TO the server answered (deferred, refused or accepted), in order: `451 kofi@…`, `250 ama@…`.
    public func recipientAttempts() -> [String] {
        let log = (try? String(contentsOf: maildir.appendingPathComponent("rcpt.log"), encoding: .utf8)) ?? ""
        return log.split(separator: "\n").map(String.init)
    }

    /// Whether the server has written the data of a message it has not answered yet (`--stall-first-data`).
    public var isStalling: Bool { FileManager.default.fileExists(atPath: maildir.appendingPathComponent("stalling").path) }

    /// Stops the server (a running connection is cut); removes the message directory unless the caller gave it.
    public func stop() {
        process.stop()
        if ownsMaildir { try? FileManager.default.removeItem(at: maildir) }
    }
}
