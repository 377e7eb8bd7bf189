import Foundation
import Testing

/// aiosmtpd (a server nobody here wrote) run as a subprocess by `Tests/Interop/smtp_fixture.py` on a port the
/// kernel picks. The fixture writes each accepted message to a temporary directory that the test reads.
/// It needs `python3 -m pip install aiosmtpd cryptography`; without them the interop suite is skipped, saying so
/// (and fails in CI, see `TestPeers`).
final class AiosmtpdFixture {
    static let isAvailable = TestPeers.required || TestPeers.python(imports: ["aiosmtpd", "cryptography"])

    struct Received {
        /// The DATA content as the server got it, dot-stuffing removed by the server.
        let content: [UInt8]
        let mailFrom: String
        let mailOptions: [String]
        let recipients: [String]
        let tls: Bool
        let login: String?
        var text: String { String(decoding: content, as: UTF8.self) }
    }

    let port: Int
    /// The self-signed certificate (PEM) when TLS is on.
    let certificatePath: String?
    let maildir: URL
    private let process: FixtureProcess

    init(_ options: [String] = []) async throws {
        maildir = FileManager.default.temporaryDirectory.appendingPathComponent("sika-smtp-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: maildir, withIntermediateDirectories: true)
        process = try await FixtureProcess(
            script: "smtp_fixture.py", arguments: ["--maildir", maildir.path] + options,
            hint: "is aiosmtpd installed? `python3 -m pip install aiosmtpd`")
        guard process.ready.count == 2, let port = Int(process.ready[0]) else {
            throw FixtureError("unexpected READY line: \(process.ready)")
        }
        self.port = port
        self.certificatePath = process.ready[1] == "-" ? nil : process.ready[1]
    }

    /// Every message received so far, in order.
    func received() throws -> [Received] {
        let names = try FileManager.default.contentsOfDirectory(atPath: maildir.path).filter { $0.hasSuffix(".eml") }.sorted()
        return try names.map { name in
            let base = maildir.appendingPathComponent(String(name.dropLast(4)))
            let content = try Data(contentsOf: base.appendingPathExtension("eml"))
            let meta = try JSONSerialization.jsonObject(with: Data(contentsOf: base.appendingPathExtension("json"))) as! [String: Any]
            return Received(
                content: Array(content), mailFrom: meta["mail_from"] as! String, mailOptions: meta["mail_options"] as? [String] ?? [],
                recipients: meta["rcpt_tos"] as! [String], tls: meta["tls"] as! Bool, login: meta["login"] as? String)
        }
    }

    func stop() {
        process.stop()
        try? FileManager.default.removeItem(at: maildir)
    }
}
