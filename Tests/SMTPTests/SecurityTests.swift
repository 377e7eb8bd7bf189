import NIOCore
import Testing

@testable import SMTP

/// TLS policy and AUTH rules on a scripted server: what is refused is refused before anything is sent.
@Suite struct SecurityTests {
    static let credentials = SMTPCredentials(username: "user", password: "s3cret-pass")

    @Test func requiredTLSNotOfferedFailsBeforeAnyTransaction() async throws {
        let server = try await ScriptedServer(configuration: .scripted(tlsPolicy: .required))
        let opening = server.establish()
        try await server.greet(extensions: ["PIPELINING", "AUTH PLAIN"])
        let error = try #require(await opening.smtpError())
        #expect(error.code == .tlsUnavailable)
        #expect(!error.isTransient, "a relay that does not offer STARTTLS will not start to on a retry")
        #expect(try await server.channel.readOutbound(as: ByteBuffer.self) == nil)
        #expect(try await !server.isActive)
    }

    @Test func requiredTLSRefusedWith454IsTransient() async throws {
        let server = try await ScriptedServer(configuration: .scripted(tlsPolicy: .required))
        let opening = server.establish()
        try await server.greet(extensions: ["STARTTLS"])
        try await server.expect("STARTTLS")
        try await server.reply("454 4.7.0 TLS not available due to temporary reason\n")
        let error = try #require(await opening.smtpError())
        #expect(error.code == .tlsUnavailable)
        #expect(error.isTransient)
        #expect(error.reply?.code == 454)
    }

    @Test func opportunisticTLSGoesOnInPlaintextWhenRefusedOrNotOffered() async throws {
        let refused = try await ScriptedServer(configuration: .scripted(tlsPolicy: .opportunistic))
        let opening = refused.establish()
        try await refused.greet(extensions: ["STARTTLS"])
        try await refused.expect("STARTTLS")
        try await refused.reply("454 4.7.0 TLS not available\n")
        let connection = try await opening.value
        #expect(await !connection.isEncrypted)

        let notOffered = try await ScriptedServer(configuration: .scripted(tlsPolicy: .opportunistic))
        let second = notOffered.establish()
        try await notOffered.greet()
        #expect(await !(try second.value.isEncrypted))
    }

    @Test func dataInjectedAfterTheSTARTTLSReplyIsRefused() async throws {
        let server = try await ScriptedServer(configuration: .scripted(tlsPolicy: .required))
        let opening = server.establish()
        try await server.greet(extensions: ["STARTTLS"])
        try await server.expect("STARTTLS")
        // A man in the middle appends a plaintext reply that the client must not take for one sent over TLS.
        try await server.reply("220 2.0.0 Ready to start TLS\n250 injected\n")
        let error = try #require(await opening.smtpError())
        #expect(error.code == .protocolViolation)
        #expect(error.stage == .startTLS)
        #expect(try await !server.isActive)
    }

    @Test func credentialsAreNeverSentInPlaintext() async throws {
        for allowLoopback in [false, true] {
            var configuration = SMTPConfiguration.scripted(tlsPolicy: .opportunistic, credentials: Self.credentials)
            configuration.allowsPlaintextAuthenticationOnLoopback = allowLoopback
            // The peer is not a loopback address, so the allowance does not apply either.
            let server = try await ScriptedServer(configuration: configuration, peer: "192.0.2.25")
            let opening = server.establish()
            try await server.greet(extensions: ["AUTH PLAIN LOGIN"])
            let error = try #require(await opening.smtpError())
            #expect(error.code == .authenticationRequiresTLS)
            #expect(!error.isTransient)
            #expect(try await server.channel.readOutbound(as: ByteBuffer.self) == nil, "no AUTH line left the client")
        }
    }

    @Test func authPlainOnLoopbackWhenAllowed() async throws {
        var configuration = SMTPConfiguration.scripted(credentials: Self.credentials)
        configuration.allowsPlaintextAuthenticationOnLoopback = true
        let server = try await ScriptedServer(configuration: configuration, peer: "127.0.0.1")
        let opening = server.establish()
        try await server.greet(extensions: ["AUTH LOGIN PLAIN"])
        // base64("\0user\0s3cret-pass")
        try await server.expect("AUTH PLAIN AHVzZXIAczNjcmV0LXBhc3M=")
        try await server.reply("235 2.7.0 Authentication successful\n")
        #expect(await (try opening.value).isAuthenticated)
    }

    @Test func authLoginWhenOnlyLoginIsOffered() async throws {
        var configuration = SMTPConfiguration.scripted(credentials: Self.credentials)
        configuration.allowsPlaintextAuthenticationOnLoopback = true
        let server = try await ScriptedServer(configuration: configuration, peer: "::1")
        let opening = server.establish()
        try await server.greet(extensions: ["AUTH LOGIN"])
        try await server.expect("AUTH LOGIN")
        try await server.reply("334 VXNlcm5hbWU6\n")
        try await server.expect("dXNlcg==")
        try await server.reply("334 UGFzc3dvcmQ6\n")
        try await server.expect("czNjcmV0LXBhc3M=")
        try await server.reply("235 2.7.0 Accepted\n")
        #expect(await (try opening.value).isAuthenticated)
    }

    @Test func refusedCredentialsArePermanentAndNeverShowThePassword() async throws {
        var configuration = SMTPConfiguration.scripted(credentials: Self.credentials)
        configuration.allowsPlaintextAuthenticationOnLoopback = true
        let server = try await ScriptedServer(configuration: configuration, peer: "127.0.0.1")
        let opening = server.establish()
        try await server.greet(extensions: ["AUTH PLAIN"])
        try await server.expect("AUTH PLAIN AHVzZXIAczNjcmV0LXBhc3M=")
        // A careless server echoes what it got, both decoded and encoded.
        try await server.reply("535 5.7.8 Bad credentials s3cret-pass AHVzZXIAczNjcmV0LXBhc3M=\n")
        let error = try #require(await opening.smtpError())
        #expect(error.code == .authenticationFailed)
        #expect(!error.isTransient)
        #expect(error.reply?.code == 535)
        #expect(error.reply?.enhancedStatusCode?.description == "5.7.8")
        #expect(!"\(error)".contains("s3cret"))
        #expect(!"\(error)".contains("AHVzZXIAczNjcmV0LXBhc3M="))
        #expect(!"\(Self.credentials)".contains("s3cret"))
        #expect(!String(reflecting: Self.credentials).contains("s3cret"))
        var dumped = ""
        dump(Self.credentials, to: &dumped)
        #expect(!dumped.contains("s3cret"))
    }

    @Test func credentialsWithNULAreRefusedBeforeAUTH() async throws {
        var configuration = SMTPConfiguration.scripted(credentials: SMTPCredentials(username: "user\0admin", password: "x"))
        configuration.allowsPlaintextAuthenticationOnLoopback = true
        let server = try await ScriptedServer(configuration: configuration, peer: "127.0.0.1")
        let opening = server.establish()
        try await server.greet(extensions: ["AUTH PLAIN"])
        let error = try #require(await opening.smtpError())
        #expect(error.code == .misuse)
        #expect(try await server.channel.readOutbound(as: ByteBuffer.self) == nil)
    }

    @Test func noCommonMechanism() async throws {
        var configuration = SMTPConfiguration.scripted(credentials: Self.credentials)
        configuration.allowsPlaintextAuthenticationOnLoopback = true
        let server = try await ScriptedServer(configuration: configuration, peer: "127.0.0.1")
        let opening = server.establish()
        try await server.greet(extensions: ["AUTH CRAM-MD5 XOAUTH2"])
        let error = try #require(await opening.smtpError())
        #expect(error.code == .authenticationUnavailable)
        #expect(error.message.contains("CRAM-MD5"))
    }

    @Test func aHeloNameThatCouldInjectIsRefusedBeforeAnythingIsSent() async throws {
        var configuration = SMTPConfiguration.scripted()
        configuration.heloName = "client.test\r\nMAIL FROM:<x@evil.test>"
        let server = try await ScriptedServer(configuration: configuration)
        let opening = server.establish()
        let error = try #require(await opening.smtpError())
        #expect(error.code == .misuse)
        #expect(try await server.channel.readOutbound(as: ByteBuffer.self) == nil)
    }

    @Test func overlongReplyLinesAndRepliesAreRefused() async throws {
        let long = try await ScriptedServer()
        let first = long.establish()
        // No line end yet, but already past the 512-octet limit: refused without waiting for more.
        try await long.channel.writeInbound(ByteBuffer(string: "220 " + String(repeating: "x", count: 600)))
        let tooLong = try #require(await first.smtpError())
        #expect(tooLong.code == .protocolViolation, "\(tooLong)")

        let many = try await ScriptedServer()
        let second = many.establish()
        try await many.reply(String(repeating: "220-more\n", count: 20) + "220 end\n")
        let tooMany = try #require(await second.smtpError())
        #expect(tooMany.code == .protocolViolation, "\(tooMany)")
        #expect(try await !many.isActive)
    }
}
