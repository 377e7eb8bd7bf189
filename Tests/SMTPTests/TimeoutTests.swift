import NIOCore
import Testing

@testable import SMTP

/// Per-step timeouts, driven by the test's own clock (no sleeping): each fires exactly after its configured time,
/// fails with `timeout`, and closes the connection.
@Suite struct TimeoutTests {
    @Test func noGreetingInTime() async throws {
        let server = try await ScriptedServer()
        let opening = server.establish()
        await server.advanceTime(by: .seconds(9))
        #expect(try await server.isActive)
        await server.advanceTime(by: .seconds(2))
        let error = try #require(await opening.smtpError())
        #expect(error.code == .timeout)
        #expect(error.stage == .greeting)
        #expect(error.isTransient)
        #expect(try await !server.isActive)
    }

    @Test func noReplyToACommandInTime() async throws {
        let server = try await ScriptedServer()
        let opening = server.establish()
        try await server.greet()
        let connection = try await opening.value
        let sending = Task { try await connection.send(Samples.message()) }
        try await server.expect("MAIL FROM:<notices@sika.test>")
        await server.advanceTime(by: .seconds(19))
        #expect(try await server.isActive, "the command timeout is 20 s")
        await server.advanceTime(by: .seconds(2))
        let error = try #require(await sending.smtpError())
        #expect(error.code == .timeout)
        #expect(error.stage == .mailFrom)
        #expect(!error.mayHaveBeenDelivered)
        #expect(try await !server.isActive)
        #expect(await connection.isClosed)
    }

    @Test func noFinalReplyAfterTheDataInTimeMayHaveDelivered() async throws {
        let server = try await ScriptedServer()
        let opening = server.establish()
        try await server.greet()
        let connection = try await opening.value
        let sending = Task { try await connection.send(Samples.message()) }
        try await server.expect("MAIL FROM:<notices@sika.test>")
        try await server.reply("250 Ok\n")
        try await server.expect("RCPT TO:<kofi@example.tg>")
        try await server.reply("250 Ok\n")
        try await server.expect("DATA")
        try await server.reply("354 go\n")
        _ = try await server.nextWrite()
        await server.advanceTime(by: .seconds(59))
        #expect(try await server.isActive, "the message data timeout (60 s) applies, not the command one (20 s)")
        await server.advanceTime(by: .seconds(2))
        let error = try #require(await sending.smtpError())
        #expect(error.code == .timeout)
        #expect(error.stage == .messageData)
        #expect(error.mayHaveBeenDelivered)
        #expect(error.isTransient)
    }

    @Test func aReplyJustInTimeCancelsTheTimer() async throws {
        let server = try await ScriptedServer()
        let opening = server.establish()
        await server.advanceTime(by: .seconds(9))
        try await server.greet()
        let connection = try await opening.value
        await server.advanceTime(by: .seconds(60))
        #expect(try await server.isActive, "no timer outlives its reply")
        #expect(await !connection.isClosed)
    }

    @Test func aTLSHandshakeThatNeverCompletes() async throws {
        let server = try await ScriptedServer(configuration: .scripted(tlsPolicy: .required))
        let opening = server.establish()
        try await server.greet(extensions: ["STARTTLS"])
        try await server.expect("STARTTLS")
        try await server.reply("220 2.0.0 Ready to start TLS\n")
        // The client puts TLS in the pipeline and sends its ClientHello (a TLS handshake record, 0x16).
        let hello = try await server.nextWrite()
        #expect(hello.utf8.first == 0x16)
        await server.advanceTime(by: .seconds(4))
        #expect(try await server.isActive, "the handshake timeout is 5 s")
        await server.advanceTime(by: .seconds(2))
        let error = try #require(await opening.smtpError())
        #expect(error.code == .timeout)
        #expect(error.stage == .tlsHandshake)
        #expect(try await !server.isActive)
    }
}
