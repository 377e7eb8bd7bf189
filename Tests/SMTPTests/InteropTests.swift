import Foundation
import Logging
import NIOCore
import NIOPosix
import NIOSSL
import TestSupport
import Testing

@testable import SMTP

/// The client against aiosmtpd, over real loopback sockets: plain, STARTTLS with a certificate the fixture made,
/// implicit TLS, AUTH PLAIN and LOGIN, a 451 then success, a 550. The received bytes are read back from disk.
@Suite(
    .serialized,
    .enabled(if: AiosmtpdFixture.isAvailable, "needs aiosmtpd and cryptography: python3 -m pip install aiosmtpd cryptography")
)
struct InteropTests {
    static func configuration(_ fixture: AiosmtpdFixture, tls: SMTPConfiguration.TLSPolicy, trust: Bool = true) throws -> SMTPConfiguration {
        var configuration = SMTPConfiguration(
            host: "127.0.0.1", port: fixture.port, tlsPolicy: tls, heloName: "client.sika.test",
            timeouts: SMTPTimeouts(connect: .seconds(30), greeting: .seconds(30), tlsHandshake: .seconds(30), command: .seconds(30)))
        // The fixture listens on 127.0.0.1; its certificate names "localhost".
        configuration.tlsServerName = "localhost"
        if trust, let certificate = fixture.certificatePath {
            configuration.tlsConfiguration.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(certificate))
        }
        return configuration
    }

    static func notice(_ number: Int, to: String = "kofi@example.tg") throws -> MailMessage {
        try MailMessage(
            from: Mailbox("notices@sika.test", displayName: "Sika Mobile Money"),
            to: [Mailbox(to, displayName: "Kofi Agbéko")],
            subject: "Reçu \(number) : vous avez reçu 5 000 FCFA",
            date: Samples.date, messageID: MessageID("<notice-\(number)@sika.test>"),
            text: "Vous avez reçu 5 000 FCFA.\n.\n.Référence TX-\(number)\n..deux points\nFin",
            html: "<p>Vous avez reçu <b>5 000 FCFA</b>.</p>\n.\n<p>Réf = TX-\(number)</p>")
    }

    /// The received message is byte for byte what the client built: headers, both parts, and the lines that
    /// start with dots (stuffed on the wire, restored by the server).
    static func checkDelivered(_ received: AiosmtpdFixture.Received, _ message: MailMessage) throws {
        #expect(received.content == message.rendered())
        let top = MIMEReader.split(received.text)
        #expect(top.header("Message-ID") == message.messageID.description)
        #expect(MIMEReader.decodeWords(top.header("Subject") ?? "") == message.subject)
        #expect(MIMEReader.decodeWords(top.header("From") ?? "") == "\"Sika Mobile Money\" <notices@sika.test>")
        let boundary = try #require(MIMEReader.boundary(of: top.header("Content-Type") ?? ""))
        let parts = MIMEReader.parts(of: top.body, boundary: boundary)
        try #require(parts.count == 2)
        let text = String(decoding: MIMEReader.decodeQuotedPrintable(parts[0].body), as: UTF8.self)
        let html = String(decoding: MIMEReader.decodeQuotedPrintable(parts[1].body), as: UTF8.self)
        #expect(text == message.textBody.replacingOccurrences(of: "\n", with: "\r\n"))
        #expect(html == (message.htmlBody ?? "").replacingOccurrences(of: "\n", with: "\r\n"))
        #expect(received.text.contains("\r\n.\r\n.R=C3=A9f=C3=A9rence"), "dot lines arrive unstuffed")
        #expect(received.recipients == message.recipients.map(\.description))
        #expect(received.mailFrom == message.from.address.description)
    }

    @Test func plainSubmissionOfSeveralMessagesOnOneConnection() async throws {
        let fixture = try await AiosmtpdFixture()
        defer { fixture.stop() }
        let client = SMTPClient(configuration: try Self.configuration(fixture, tls: .opportunistic), logger: .quiet)
        let messages = try (1...3).map { try Self.notice($0) }
        let results = await client.send(messages)
        for result in results { _ = try result.get() }
        let received = try fixture.received()
        try #require(received.count == 3)
        for (delivered, message) in zip(received, messages) {
            try Self.checkDelivered(delivered, message)
            #expect(!delivered.tls)
            #expect(delivered.mailOptions.contains { $0.hasPrefix("SIZE=") })
        }
    }

    @Test func startTLSWithTheFixtureCertificateAndAuth() async throws {
        for mechanism in [SMTPAuthenticationMechanism.plain, .login] {
            let fixture = try await AiosmtpdFixture(["--starttls", "--auth", "sika:pa55-w0rd"])
            defer { fixture.stop() }
            var configuration = try Self.configuration(fixture, tls: .required)
            configuration.credentials = SMTPCredentials(username: "sika", password: "pa55-w0rd")
            configuration.authenticationMechanisms = [mechanism]
            let client = SMTPClient(configuration: configuration, logger: .quiet)
            let message = try Self.notice(7)
            let receipt = try await client.withConnection { connection in
                #expect(await connection.isEncrypted)
                #expect(await connection.isAuthenticated)
                #expect(await !connection.capabilities.supportsSTARTTLS, "capabilities come from the EHLO sent over TLS")
                return try await connection.send(message)
            }
            #expect(receipt.reply.code == 250)
            let received = try fixture.received()
            try #require(received.count == 1)
            try Self.checkDelivered(received[0], message)
            #expect(received[0].tls)
            #expect(received[0].login == "sika")
        }
    }

    @Test func wrongPasswordIsAPermanentAuthFailure() async throws {
        let fixture = try await AiosmtpdFixture(["--starttls", "--auth", "sika:pa55-w0rd"])
        defer { fixture.stop() }
        var configuration = try Self.configuration(fixture, tls: .required)
        configuration.credentials = SMTPCredentials(username: "sika", password: "wrong-one")
        let error = try #require(await smtpError { try await SMTPClient(configuration: configuration, logger: .quiet).connect() })
        #expect(error.code == .authenticationFailed)
        #expect(!error.isTransient)
        #expect(error.reply?.code == 535)
        #expect(!"\(error)".contains("wrong-one"))
    }

    @Test func certificateVerificationIsOnByDefault() async throws {
        let fixture = try await AiosmtpdFixture(["--starttls"])
        defer { fixture.stop() }
        // Not trusting the fixture's self-signed certificate: the handshake must fail.
        let untrusted = try Self.configuration(fixture, tls: .required, trust: false)
        let error = try #require(await smtpError { try await SMTPClient(configuration: untrusted, logger: .quiet).connect() })
        #expect(error.code == .tlsHandshakeFailed)
        // Trusted, but for another name than the one the certificate carries.
        var wrongName = try Self.configuration(fixture, tls: .required)
        wrongName.tlsServerName = "mail.elsewhere.test"
        let nameError = try #require(await smtpError { try await SMTPClient(configuration: wrongName, logger: .quiet).connect() })
        #expect(nameError.code == .tlsHandshakeFailed)
        // Opportunistic does not mean "accept anything": a failed handshake is an error, not a plaintext fallback.
        let opportunistic = try Self.configuration(fixture, tls: .opportunistic, trust: false)
        let third = try #require(await smtpError { try await SMTPClient(configuration: opportunistic, logger: .quiet).connect() })
        #expect(third.code == .tlsHandshakeFailed)
        #expect(try fixture.received().isEmpty)
    }

    @Test func requiredTLSAgainstAServerWithout() async throws {
        let fixture = try await AiosmtpdFixture()
        defer { fixture.stop() }
        let error = try #require(
            await smtpError { try await SMTPClient(configuration: Self.configuration(fixture, tls: .required), logger: .quiet).connect() })
        #expect(error.code == .tlsUnavailable)
        #expect(!error.isTransient)
    }

    @Test func implicitTLS() async throws {
        let fixture = try await AiosmtpdFixture(["--implicit-tls"])
        defer { fixture.stop() }
        let client = SMTPClient(configuration: try Self.configuration(fixture, tls: .implicit), logger: .quiet)
        let message = try Self.notice(465)
        _ = try await client.send(message)
        let received = try fixture.received()
        try #require(received.count == 1)
        try Self.checkDelivered(received[0], message)
        #expect(received[0].tls)
    }

    @Test func deferredThenRetriedDeliversExactlyOnce() async throws {
        let fixture = try await AiosmtpdFixture(["--defer-first-rcpt"])
        defer { fixture.stop() }
        let client = SMTPClient(configuration: try Self.configuration(fixture, tls: .disabled), logger: .quiet)
        let message = try Self.notice(451)
        let first = try #require(await smtpError { try await client.send(message) })
        #expect(first.code == .transientReply)
        #expect(first.isTransient)
        #expect(first.reply?.code == 451)
        #expect(first.reply?.enhancedStatusCode?.description == "4.3.0")
        #expect(first.field == "kofi@example.tg")
        #expect(try fixture.received().isEmpty)
        // The caller's retry (backoff is the caller's business) succeeds.
        _ = try await client.send(message)
        let received = try fixture.received()
        #expect(received.count == 1)
        try Self.checkDelivered(received[0], message)
    }

    @Test func rejectedRecipientIsPermanentAndTheConnectionGoesOn() async throws {
        let fixture = try await AiosmtpdFixture(["--reject", "nobody@example.tg"])
        defer { fixture.stop() }
        let client = SMTPClient(configuration: try Self.configuration(fixture, tls: .disabled), logger: .quiet)
        let results = await client.send([try Self.notice(1, to: "nobody@example.tg"), try Self.notice(2)])
        guard case .failure(let error) = results[0] else {
            Issue.record("the rejected recipient was accepted")
            return
        }
        #expect(error.code == .permanentReply)
        #expect(!error.isTransient)
        #expect(error.reply?.code == 550)
        #expect(error.reply?.enhancedStatusCode?.description == "5.1.1")
        #expect(error.field == "nobody@example.tg")
        _ = try results[1].get()
        let received = try fixture.received()
        try #require(received.count == 1)
        try Self.checkDelivered(received[0], try Self.notice(2))
    }

    @Test func plaintextAuthOnlyWhenAllowedOnLoopback() async throws {
        let fixture = try await AiosmtpdFixture(["--auth", "sika:pa55-w0rd"])
        defer { fixture.stop() }
        var configuration = try Self.configuration(fixture, tls: .opportunistic)
        configuration.credentials = SMTPCredentials(username: "sika", password: "pa55-w0rd")
        let refused = try #require(await smtpError { try await SMTPClient(configuration: configuration, logger: .quiet).connect() })
        #expect(refused.code == .authenticationRequiresTLS)

        configuration.allowsPlaintextAuthenticationOnLoopback = true
        configuration.authenticationMechanisms = [.login]
        _ = try await SMTPClient(configuration: configuration, logger: .quiet).send(try Self.notice(3))
        let received = try fixture.received()
        try #require(received.count == 1)
        #expect(received[0].login == "sika")
        #expect(!received[0].tls)
    }

    @Test func serverDownIsATransientConnectFailure() async throws {
        let fixture = try await AiosmtpdFixture()
        let port = fixture.port
        fixture.stop()
        var configuration = SMTPConfiguration(host: "127.0.0.1", port: port, tlsPolicy: .disabled)
        configuration.timeouts.connect = .seconds(30)
        let results = await SMTPClient(configuration: configuration, logger: .quiet).send([try Self.notice(1), try Self.notice(2)])
        for result in results {
            guard case .failure(let error) = result else {
                Issue.record("sent with the server down")
                continue
            }
            #expect(error.code == .connectFailed)
            #expect(error.isTransient)
            #expect(!error.mayHaveBeenDelivered)
        }
    }
}
