import Foundation
import NIOCore
import Testing

@testable import SMTP

/// The client's side of whole SMTP sessions against a server the test scripts line by line.
@Suite struct ConversationTests {
    @Test func sendsAMessageToSeveralRecipientsAndQuits() async throws {
        let server = try await ScriptedServer()
        let opening = server.establish()
        try await server.greet()
        let connection = try await opening.value
        #expect(await connection.capabilities.supportsEnhancedStatusCodes)
        #expect(await connection.greeting?.code == 220)

        let message = try Samples.message(to: ["kofi@example.tg", "ama@example.tg"], text: "line one\n.hidden dot\n..two dots\n.\nend")
        let sending = Task { try await connection.send(message) }
        try await server.expect("MAIL FROM:<notices@sika.test>")
        try await server.reply("250 2.1.0 Ok\n")
        try await server.expect("RCPT TO:<kofi@example.tg>")
        try await server.reply("250 2.1.5 Ok\n")
        try await server.expect("RCPT TO:<ama@example.tg>")
        try await server.reply("250 2.1.5 Ok\n")
        try await server.expect("DATA")
        try await server.reply("354 End data with <CR><LF>.<CR><LF>\n")
        let data = try await server.nextWrite()
        // Headers first, then the quoted-printable body with every leading dot doubled, then the terminator.
        #expect(data.hasPrefix("Date: Mon, 01 Dec 2025 18:56:27 +0000\r\nFrom: \"Sika\" <notices@sika.test>\r\n"))
        #expect(data.hasSuffix("\r\n\r\nline one\r\n..hidden dot\r\n...two dots\r\n..\r\nend\r\n.\r\n"))
        try await server.reply("250 2.0.0 Ok: queued as 4F2C1\n")
        let receipt = try await sending.value
        #expect(receipt.reply.text == "2.0.0 Ok: queued as 4F2C1")
        #expect(receipt.reply.enhancedStatusCode == EnhancedStatusCode(statusClass: 2, subject: 0, detail: 0))
        #expect(receipt.messageID == message.messageID)
        #expect(receipt.recipients.map(\.description) == ["kofi@example.tg", "ama@example.tg"])

        let quitting = Task { await connection.quit() }
        try await server.expect("QUIT")
        try await server.reply("221 2.0.0 Bye\n")
        await quitting.value
        #expect(try await !server.isActive)
    }

    @Test func fallsBackToHeloWhenEhloIsRefused() async throws {
        let server = try await ScriptedServer()
        let opening = server.establish()
        try await server.reply("220 old.test SMTP\n")
        try await server.expect("EHLO client.test")
        try await server.reply("502 5.5.2 Command not recognized\n")
        try await server.expect("HELO client.test")
        try await server.reply("250 old.test\n")
        let connection = try await opening.value
        #expect(await connection.capabilities.extensions.isEmpty)
    }

    @Test func ehloDeferredIsTransient() async throws {
        let server = try await ScriptedServer()
        let opening = server.establish()
        try await server.reply("220 busy.test\n")
        try await server.expect("EHLO client.test")
        try await server.reply("421 4.3.2 Too busy, try later\n")
        let error = try #require(await opening.smtpError())
        #expect(error.code == .transientReply)
        #expect(error.isTransient)
        #expect(error.stage == .ehlo)
        #expect(error.reply?.code == 421)
        #expect(error.reply?.enhancedStatusCode?.description == "4.3.2")
        #expect(try await !server.isActive, "421 means the server is closing: the client closes too")
    }

    @Test(arguments: [
        ("421 4.7.0 Too many connections\n", SMTPError.Code.transientReply, true),
        ("554 5.7.1 No SMTP service here\n", SMTPError.Code.permanentReply, false),
        ("250 not a greeting\n", SMTPError.Code.protocolViolation, true),
    ])
    func refusedGreetingIsClassified(reply: String, code: SMTPError.Code, transient: Bool) async throws {
        let server = try await ScriptedServer()
        let opening = server.establish()
        try await server.reply(reply)
        let error = try #require(await opening.smtpError())
        #expect(error.code == code)
        #expect(error.isTransient == transient)
        #expect(error.stage == .greeting)
        #expect(try await !server.isActive)
    }

    @Test func multilineRepliesAreReadWhole() async throws {
        let server = try await ScriptedServer()
        let opening = server.establish()
        // Greeting split across writes and lines, with a bare LF in the middle.
        try await server.channel.writeInbound(ByteBuffer(string: "220-fake.test ESMTP\r\n22"))
        try await server.channel.writeInbound(ByteBuffer(string: "0-second line\n220 third\r\n"))
        try await server.expect("EHLO client.test")
        try await server.reply("250-fake.test\n250-SIZE 1000000\n250-AUTH=LOGIN\n250-AUTH PLAIN LOGIN\n250 STARTTLS\n")
        let connection = try await opening.value
        #expect(await connection.greeting?.lines == ["fake.test ESMTP", "second line", "third"])
        let capabilities = await connection.capabilities
        #expect(capabilities.maximumMessageSize == 1_000_000)
        #expect(capabilities.authenticationMechanisms == ["PLAIN", "LOGIN"])
        #expect(capabilities.supportsSTARTTLS)
    }

    @Test func refusedRecipientAbandonsTheMessageAndTheNextOneStartsWithRSET() async throws {
        let server = try await ScriptedServer()
        let opening = server.establish()
        try await server.greet()
        let connection = try await opening.value

        let first = Task { try await connection.send(Samples.message(to: ["a@example.tg", "b@example.tg"])) }
        try await server.expect("MAIL FROM:<notices@sika.test>")
        try await server.reply("250 2.1.0 Ok\n")
        try await server.expect("RCPT TO:<a@example.tg>")
        try await server.reply("451-4.3.0 Mailbox temporarily unavailable\n451 4.3.0 Try again in 5 minutes\n")
        let deferred = try #require(await first.smtpError())
        #expect(deferred.code == .transientReply)
        #expect(deferred.isTransient)
        #expect(deferred.stage == .rcptTo)
        #expect(deferred.field == "a@example.tg")
        #expect(deferred.reply?.lines == ["4.3.0 Mailbox temporarily unavailable", "4.3.0 Try again in 5 minutes"])
        #expect(!deferred.mayHaveBeenDelivered)

        let second = Task { try await connection.send(Samples.message(to: ["c@example.tg"])) }
        try await server.expect("RSET")
        try await server.reply("250 2.0.0 Ok\n")
        try await server.expect("MAIL FROM:<notices@sika.test>")
        try await server.reply("250 2.1.0 Ok\n")
        try await server.expect("RCPT TO:<c@example.tg>")
        try await server.reply("550 5.1.1 <c@example.tg>: Recipient address rejected\n")
        let refused = try #require(await second.smtpError())
        #expect(refused.code == .permanentReply)
        #expect(!refused.isTransient)
        #expect(refused.reply?.enhancedStatusCode?.description == "5.1.1")

        let third = Task { try await connection.send(Samples.message(to: ["d@example.tg"])) }
        try await server.expect("RSET")
        try await server.reply("250 Ok\n")
        try await server.expect("MAIL FROM:<notices@sika.test>")
        try await server.reply("250 Ok\n")
        try await server.expect("RCPT TO:<d@example.tg>")
        try await server.reply("250 Ok\n")
        try await server.expect("DATA")
        try await server.reply("354 go\n")
        _ = try await server.nextWrite()
        try await server.reply("250 Ok queued\n")
        _ = try await third.value
    }

    @Test(arguments: [
        ("MAIL", "452 4.3.1 Insufficient system storage\n", SMTPError.Code.transientReply, SMTPStage.mailFrom),
        ("MAIL", "553 5.7.1 Sender address rejected\n", SMTPError.Code.permanentReply, SMTPStage.mailFrom),
        ("DATA", "554 5.5.1 No valid recipients\n", SMTPError.Code.permanentReply, SMTPStage.data),
        ("BODY", "451 4.7.1 Greylisted, try later\n", SMTPError.Code.transientReply, SMTPStage.messageData),
        ("BODY", "552 5.3.4 Message too big\n", SMTPError.Code.permanentReply, SMTPStage.messageData),
        ("BODY", "354 again?\n", SMTPError.Code.protocolViolation, SMTPStage.messageData),
    ])
    func everyReplyClassAtEveryStep(step: String, reply: String, code: SMTPError.Code, stage: SMTPStage) async throws {
        let server = try await ScriptedServer()
        let opening = server.establish()
        try await server.greet()
        let connection = try await opening.value
        let sending = Task { try await connection.send(Samples.message()) }
        try await server.expect("MAIL FROM:<notices@sika.test>")
        if step == "MAIL" {
            try await server.reply(reply)
        } else {
            try await server.reply("250 Ok\n")
            try await server.expect("RCPT TO:<kofi@example.tg>")
            try await server.reply("250 Ok\n")
            try await server.expect("DATA")
            if step == "DATA" {
                try await server.reply(reply)
            } else {
                try await server.reply("354 go\n")
                _ = try await server.nextWrite()
                try await server.reply(reply)
            }
        }
        let error = try #require(await sending.smtpError())
        #expect(error.code == code)
        #expect(error.stage == stage)
        #expect(error.isTransient == (code != .permanentReply))
        // A 4xx/5xx means the server did not take it; a garbled answer after the data leaves it unknown.
        #expect(error.mayHaveBeenDelivered == (code == .protocolViolation))
    }

    @Test func sizeIsDeclaredAndAnOversizedMessageIsNotSent() async throws {
        let server = try await ScriptedServer()
        let opening = server.establish()
        try await server.greet(extensions: ["SIZE 2000"])
        let connection = try await opening.value
        let small = try Samples.message(text: "short")
        let sending = Task { try await connection.send(small) }
        var expectedSize = ByteBuffer()
        try SMTPDataEncoder.encode(small.rendered(), into: &expectedSize)
        try await server.expect("MAIL FROM:<notices@sika.test> SIZE=\(expectedSize.readableBytes)")
        try await server.reply("250 Ok\n")
        try await server.expect("RCPT TO:<kofi@example.tg>")
        try await server.reply("250 Ok\n")
        try await server.expect("DATA")
        try await server.reply("354 go\n")
        _ = try await server.nextWrite()
        try await server.reply("250 Ok\n")
        _ = try await sending.value

        let big = try Samples.message(text: String(repeating: "x", count: 3000))
        let error = try #require(await smtpError { try await connection.send(big) })
        #expect(error.code == .messageTooLarge)
        #expect(!error.isTransient)
        #expect(try await server.channel.readOutbound(as: ByteBuffer.self) == nil, "nothing was sent for it")
    }

    @Test func rawMessagesAreNormalisedAndDotStuffed() async throws {
        let server = try await ScriptedServer()
        let opening = server.establish()
        try await server.greet()
        let connection = try await opening.value
        let raw = Array("Subject: raw\n\n.first\r\nbare\rcr\n.\n..\nlast".utf8)
        let sending = Task {
            try await connection.send(
                rawMessage: raw, from: EmailAddress("a@sika.test"), to: [EmailAddress("b@example.tg")])
        }
        try await server.expect("MAIL FROM:<a@sika.test>")
        try await server.reply("250 Ok\n")
        try await server.expect("RCPT TO:<b@example.tg>")
        try await server.reply("250 Ok\n")
        try await server.expect("DATA")
        try await server.reply("354 go\n")
        #expect(try await server.nextWrite() == "Subject: raw\r\n\r\n..first\r\nbare\r\ncr\r\n..\r\n...\r\nlast\r\n.\r\n")
        try await server.reply("250 Ok\n")
        #expect(try await sending.value.messageID == nil)
    }

    @Test func aSecondCallWhileOneIsRunningIsRefused() async throws {
        let server = try await ScriptedServer()
        let opening = server.establish()
        try await server.greet()
        let connection = try await opening.value
        let first = Task { try await connection.send(Samples.message()) }
        try await server.expect("MAIL FROM:<notices@sika.test>")
        let second = try #require(await smtpError { try await connection.send(Samples.message()) })
        #expect(second.code == .misuse)
        try await server.reply("250 Ok\n")
        try await server.expect("RCPT TO:<kofi@example.tg>")
        try await server.reply("250 Ok\n")
        try await server.expect("DATA")
        try await server.reply("354 go\n")
        _ = try await server.nextWrite()
        try await server.reply("250 Ok\n")
        _ = try await first.value
    }

    @Test func serverClosingMidTransactionIsConnectionLost() async throws {
        let server = try await ScriptedServer()
        let opening = server.establish()
        try await server.greet()
        let connection = try await opening.value
        let sending = Task { try await connection.send(Samples.message()) }
        try await server.expect("MAIL FROM:<notices@sika.test>")
        try await server.channel.close()
        let error = try #require(await sending.smtpError())
        #expect(error.code == .connectionLost)
        #expect(error.isTransient)
        #expect(error.stage == .mailFrom)
        #expect(!error.mayHaveBeenDelivered)
        let after = try #require(await smtpError { try await connection.send(Samples.message()) })
        #expect(after.code == .misuse, "a closed connection refuses further use")
    }

    @Test func connectionLostAfterTheFinalDotMayHaveDelivered() async throws {
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
        try await server.channel.close()
        let error = try #require(await sending.smtpError())
        #expect(error.code == .connectionLost)
        #expect(error.stage == .messageData)
        #expect(error.mayHaveBeenDelivered)
        #expect(error.isTransient)
    }

    @Test func unsolicitedServiceClosingIsTransient() async throws {
        let server = try await ScriptedServer()
        let opening = server.establish()
        try await server.greet()
        let connection = try await opening.value
        try await server.reply("421 4.4.2 Idle timeout, closing\n")
        let error = try #require(await smtpError { try await connection.send(Samples.message()) })
        #expect(error.code == .transientReply)
        #expect(error.reply?.code == 421)
        #expect(try await server.channel.readOutbound(as: ByteBuffer.self) == nil, "no command was sent into a closing session")
    }

    @Test func cancellingTheCallerClosesTheConnection() async throws {
        let server = try await ScriptedServer()
        let opening = server.establish()
        try await server.greet()
        let connection = try await opening.value
        let sending = Task { try await connection.send(Samples.message()) }
        try await server.expect("MAIL FROM:<notices@sika.test>")
        sending.cancel()
        let error = try #require(await sending.smtpError())
        #expect(error.code == .cancelled)
        #expect(await connection.isClosed)
    }
}
