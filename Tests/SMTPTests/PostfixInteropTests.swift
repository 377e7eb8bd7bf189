import Foundation
import NIOCore
import NIOSSL
import TestSupport
import Testing

@testable import SMTP

/// The client against Postfix, a real relay: STARTTLS with the relay's own certificate, AUTH PLAIN and LOGIN, several
/// messages on one connection, a 451 and a 550 from its restriction tables, a refused password. Delivered messages
/// are read from the relay's Maildir.
@Suite(
    .serialized,
    .enabled(if: PostfixFixture.isAvailable, "needs root and Debian's postfix, sasl2-bin, libsasl2-modules: sudo bash scripts/smtp-test-deps.sh"))
struct PostfixInteropTests {
    static func configuration(_ fixture: PostfixFixture, password: String = PostfixFixture.password) throws -> SMTPConfiguration {
        var configuration = SMTPConfiguration(
            host: "127.0.0.1", port: fixture.port, tlsPolicy: .required,
            credentials: SMTPCredentials(username: "sika", password: password), heloName: "client.sika.test",
            timeouts: SMTPTimeouts(connect: .seconds(30), greeting: .seconds(30), tlsHandshake: .seconds(30), command: .seconds(30)))
        configuration.tlsServerName = "localhost"
        configuration.tlsConfiguration.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(fixture.certificatePath))
        return configuration
    }

    @Test func submitsOverSTARTTLSWithAuthAndReportsEachRefusal() async throws {
        let fixture = try await PostfixFixture()
        defer { fixture.stop() }
        for mechanism in [SMTPAuthenticationMechanism.plain, .login] {
            var configuration = try Self.configuration(fixture)
            configuration.authenticationMechanisms = [mechanism]
            let client = SMTPClient(configuration: configuration, logger: .quiet)
            let batch = try [
                InteropTests.notice(mechanism == .plain ? 1 : 3),
                InteropTests.notice(90, to: "defer@example.tg"),
                InteropTests.notice(91, to: "nobody@example.tg"),
                InteropTests.notice(mechanism == .plain ? 2 : 4, to: "ama@example.tg"),
            ]
            let results = await client.send(batch)
            _ = try results[0].get()
            _ = try results[3].get()
            guard case .failure(let deferred) = results[1], case .failure(let unknown) = results[2] else {
                Issue.record("postfix accepted a recipient it must refuse: \(results)")
                return
            }
            #expect(deferred.code == .transientReply)
            #expect(deferred.reply?.code == 451)
            #expect(deferred.reply?.enhancedStatusCode?.description == "4.3.0")
            #expect(deferred.field == "defer@example.tg")
            #expect(unknown.code == .permanentReply)
            #expect(unknown.reply?.code == 550)
            #expect(unknown.reply?.enhancedStatusCode?.description == "5.1.1")
        }
        let delivered = try await fixture.delivered(count: 4)
        try #require(delivered.count == 4)
        // Postfix prepends Return-Path, Delivered-To and Received, and stores LF line endings; after those, the
        // message is exactly what the client built (headers, both parts, dot lines restored).
        for (text, number) in zip(delivered, [1, 2, 3, 4]) {
            let message = try InteropTests.notice(number, to: number % 2 == 1 ? "kofi@example.tg" : "ama@example.tg")
            let expected = String(decoding: message.rendered(), as: UTF8.self).replacingOccurrences(of: "\r\n", with: "\n")
            #expect(text.hasSuffix(expected), "message \(number) as delivered:\n\(text)")
            #expect(text.contains("ESMTPSA"), "received over TLS with AUTH (Postfix's Received: line says ESMTPSA)")
        }
    }

    @Test func wrongPasswordIsRefusedPermanently() async throws {
        let fixture = try await PostfixFixture()
        defer { fixture.stop() }
        let error = try #require(
            await smtpError { try await SMTPClient(configuration: Self.configuration(fixture, password: "wrong"), logger: .quiet).connect() })
        #expect(error.code == .authenticationFailed)
        #expect(error.reply?.code == 535)
        #expect(!error.isTransient)
    }

    @Test func noAuthWithoutTLSEvenIfTheServerWouldAllowIt() async throws {
        let fixture = try await PostfixFixture()
        defer { fixture.stop() }
        var configuration = try Self.configuration(fixture)
        configuration.tlsPolicy = .disabled
        let error = try #require(await smtpError { try await SMTPClient(configuration: configuration, logger: .quiet).connect() })
        #expect(error.code == .authenticationRequiresTLS)
    }
}
