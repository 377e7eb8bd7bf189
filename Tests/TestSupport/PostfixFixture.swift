import Foundation

/// A private Postfix instance (Debian's postfix, sasl2-bin, libsasl2-modules) started by
/// `Tests/SMTPInterop/postfix_fixture.py` on a loopback port, with STARTTLS, AUTH PLAIN/LOGIN for `sika`, and a Maildir.
public final class PostfixFixture {
    public static let password = "pa55-w0rd"
    /// What a suite that needs it says when it is skipped.
    public static let installHint = "needs root and Debian's postfix, sasl2-bin, libsasl2-modules: sudo bash scripts/smtp-test-deps.sh"

    /// Postfix's master must start as root (it then runs as the postfix user); the tests run only where the
    /// packages are installed and the process is root, and are reported as skipped elsewhere.
    public static var isAvailable: Bool {
        let exists = FileManager.default.fileExists(atPath:)
        let tools = ["/usr/sbin/postfix", "/usr/sbin/saslpasswd2", "/usr/bin/openssl"]
        let plainPlugin = ["/usr/lib/x86_64-linux-gnu/sasl2/libplain.so", "/usr/lib/aarch64-linux-gnu/sasl2/libplain.so"]
        return TestPeers.required || (getuid() == 0 && tools.allSatisfy(exists) && plainPlugin.contains(where: exists))
    }

    public let port: Int
    public let certificatePath: String
    /// Maildir `new/`: one file per delivered message.
    public let newMail: URL
    private let process: FixtureProcess

    public init() async throws {
        process = try await FixtureProcess(
            script: "postfix_fixture.py", arguments: ["--password", Self.password],
            hint: "needs root and `apt-get install postfix sasl2-bin libsasl2-modules`")
        guard process.ready.count == 3, let port = Int(process.ready[0]) else {
            throw FixtureError("unexpected READY line: \(process.ready)")
        }
        self.port = port
        certificatePath = process.ready[1]
        newMail = URL(fileURLWithPath: process.ready[2])
    }

    /// Postfix delivers after it has answered 250, asynchronously: waits (polling, at most 60 s as a failure bound)
    /// until `count` messages are in the Maildir, and returns them sorted by Message-ID.
    public func delivered(count: Int) async throws -> [String] {
        let deadline = ContinuousClock.now + .seconds(60)
        while true {
            let names = (try? FileManager.default.contentsOfDirectory(atPath: newMail.path)) ?? []
            if names.count >= count || ContinuousClock.now > deadline {
                return try names.map { try String(contentsOf: newMail.appendingPathComponent($0), encoding: .utf8) }
                    .sorted { Self.messageID($0) < Self.messageID($1) }
            }
            try await Task.sleep(for: .milliseconds(50))
        }
    }

    public static func messageID(_ message: String) -> String {
        message.components(separatedBy: "\n").first { $0.hasPrefix("Message-ID:") } ?? ""
    }

    public func stop() { process.stop() }
}
