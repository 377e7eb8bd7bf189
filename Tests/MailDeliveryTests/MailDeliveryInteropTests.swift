import Foundation
import Ledger
import MailDelivery
import MobileMoney
import TestSupport
import Testing

/// The dispatcher against aiosmtpd, a server nobody here wrote, over real sockets: money notices reach the
/// verified addresses exactly once each, with the SMS's figures; a deferral is retried once; a refusal is never
/// retried; a relay that is down loses nothing; a value from another network adds no header on the wire.
@Suite(.serialized, .enabled(if: AiosmtpdFixture.isAvailable, Comment(rawValue: AiosmtpdFixture.installHint)))
struct MailDeliveryInteropTests {
    static let kofi = "22890112233", ama = "22890445566", yao = "22891234567", akosua = "22896112233"
    static let kofiAddress = "kofi.amegah@tmoney.example", amaAddress = "ama.mensah@tmoney.example"

    /// The message's text part, decoded.
    static func textPart(_ received: AiosmtpdFixture.Received) throws -> String {
        let top = MIMEReader.split(received.text)
        let boundary = try #require(MIMEReader.boundary(of: top.header("Content-Type") ?? ""))
        let parts = MIMEReader.parts(of: top.body, boundary: boundary)
        try #require(parts.count == 2)
        #expect(parts[0].header("Content-Type") == "text/plain; charset=utf-8" && parts[1].header("Content-Type") == "text/html; charset=utf-8")
        return String(decoding: MIMEReader.decodeQuotedPrintable(parts[0].body), as: UTF8.self)
    }

    @Test func aTransferBetweenVerifiedSubscribersYieldsExactlyOneMailEach() async throws {
        let fixture = try await AiosmtpdFixture()
        defer { fixture.stop() }
        let w = try await MailWorld(relay: MailWorld.url(fixture))
        let result = try await w.money.transfer(from: Self.kofi, to: Self.ama, amount: 5000, pin: "2580", idempotencyKey: "t1")
        #expect(await w.dispatcher.pass() == 2)
        #expect(await w.dispatcher.pass() == 0, "nothing is due any more")
        let received = try fixture.received()
        try #require(received.count == 2)
        let rows = try await w.outbox()
        #expect(rows.allSatisfy { $0.state == .sent && $0.attempts == 1 && $0.lastError == nil })
        for (message, row) in zip(received, rows) {
            #expect(message.recipients == [row.address])
            #expect(message.mailFrom == "notices@sika.test")
            #expect(message.messageID == row.messageID, "the Message-ID chosen when the notice was written")
            #expect(MIMEReader.decodeWords(MIMEReader.split(message.text).header("Subject") ?? "") == w.money.mailContent(row)?.subject)
            #expect(!message.tls)
        }
        #expect(Set(received.flatMap(\.recipients)) == [Self.kofiAddress, Self.amaAddress])
        let toKofi = try #require(received.first { $0.recipients == [Self.kofiAddress] })
        #expect(MIMEReader.decodeWords(MIMEReader.split(toKofi.text).header("To") ?? "") == "\"Kofi Amegah\" <\(Self.kofiAddress)>")
        let text = try Self.textPart(toKofi)
        let sms = try #require(try await w.world.sms(Self.kofi).last)
        for figure in ["5 000 FCFA", "50 FCFA", "44 950 FCFA", result.reference] {
            #expect(text.contains(figure) && sms.contains(figure), "\(figure)")
        }
        #expect(w.metrics.contains(#"sika_mail_attempts_total{outcome="sent"} 2"#))
        #expect(w.metrics.contains(#"sika_mail_outbox_messages{state="queued"} 0"#))
        // Logs carry ids and outcomes, never a body or a figure of it; an address only in the SMTP conversation at
        // trace level (the envelope commands), never above it.
        #expect(w.logs.text.contains("mail sent"))
        #expect(!w.logs.text.contains("44 950") && !w.logs.text.contains("Bonjour"))
        #expect(w.logs.entries.filter { !$0.hasPrefix("trace") }.allSatisfy { !$0.contains(Self.amaAddress) }, "\(w.logs.text)")
        #expect(w.logs.entries.contains { $0.hasPrefix("trace") && $0.contains("RCPT TO:<\(Self.amaAddress)>") })
    }

    @Test func overSTARTTLSWithAuthAndOverTLSFromTheStart() async throws {
        let fixture = try await AiosmtpdFixture(["--starttls", "--auth", "sika:pa55-w0rd"])
        defer { fixture.stop() }
        let w = try await MailWorld(relay: MailWorld.url(fixture, scheme: "smtp+starttls", user: "sika"), password: "pa55-w0rd")
        _ = try await w.money.transfer(from: Self.kofi, to: Self.ama, amount: 1000, pin: "2580", idempotencyKey: "t")
        #expect(await w.dispatcher.pass() == 2)
        let received = try fixture.received()
        #expect(received.count == 2 && received.allSatisfy { $0.tls && $0.login == "sika" })
        #expect(!w.logs.text.contains("pa55-w0rd"))

        let implicit = try await AiosmtpdFixture(["--implicit-tls"])
        defer { implicit.stop() }
        let v = try await MailWorld(relay: MailWorld.url(implicit, scheme: "smtps"))
        _ = try await v.money.transfer(from: Self.kofi, to: Self.yao, amount: 1000, pin: "2580", idempotencyKey: "t")
        #expect(await v.dispatcher.pass() == 1)
        #expect(try implicit.received().map(\.tls) == [true])
    }

    /// A wrong password fails every message alike: they stay queued (and become dead letters only if it lasts).
    @Test func aWrongPasswordKeepsMessagesQueued() async throws {
        let fixture = try await AiosmtpdFixture(["--starttls", "--auth", "sika:pa55-w0rd"])
        defer { fixture.stop() }
        let w = try await MailWorld(relay: MailWorld.url(fixture, scheme: "smtp+starttls", user: "sika"), password: "wrong")
        _ = try await w.money.transfer(from: Self.kofi, to: Self.yao, amount: 1000, pin: "2580", idempotencyKey: "t")
        await w.dispatcher.pass()
        let row = try #require(try await w.outbox().first)
        #expect(row.state == .queued && row.attempts == 1 && row.lastError?.hasPrefix("authentication_failed") == true)
        #expect(!(row.lastError ?? "").contains("wrong"))
    }

    @Test func aDeferralIsRetriedOnceThenDelivered() async throws {
        let fixture = try await AiosmtpdFixture(["--defer-first-rcpt"])
        defer { fixture.stop() }
        let w = try await MailWorld(relay: MailWorld.url(fixture))
        _ = try await w.money.transfer(from: Self.kofi, to: Self.yao, amount: 1000, pin: "2580", idempotencyKey: "t")
        #expect(await w.dispatcher.pass() == 1)
        var row = try #require(try await w.outbox().first)
        #expect(row.state == .queued && row.attempts == 1 && row.nextAttemptAt == w.clock.value + 60_000)
        #expect(row.lastError?.contains("451 4.3.0 Try again later") == true)
        #expect(try fixture.received().isEmpty)
        #expect(w.metrics.contains(#"sika_mail_outbox_messages{state="retrying"} 1"#))
        #expect(await w.dispatcher.pass() == 0, "not before its backoff")
        w.clock.advance(minutes: 1)
        #expect(await w.dispatcher.pass() == 1)
        row = try #require(try await w.outbox().first)
        #expect(row.state == .sent && row.attempts == 2)
        #expect(fixture.recipientAttempts() == ["451 \(Self.kofiAddress)", "250 \(Self.kofiAddress)"], "retried exactly once")
        #expect(try fixture.received().count == 1)
        #expect(w.metrics.contains(#"sika_mail_attempts_total{outcome="deferred"} 1"#))
    }

    @Test func aRefusalIsRecordedAsFailedAndNeverRetried() async throws {
        let fixture = try await AiosmtpdFixture(["--reject", Self.kofiAddress])
        defer { fixture.stop() }
        let w = try await MailWorld(relay: MailWorld.url(fixture))
        _ = try await w.money.transfer(from: Self.kofi, to: Self.ama, amount: 1000, pin: "2580", idempotencyKey: "t")
        #expect(await w.dispatcher.pass() == 2)
        w.clock.advance(minutes: 24 * 60)
        #expect(await w.dispatcher.pass() == 0)
        let rows = try await w.outbox()
        let refused = try #require(rows.first { $0.address == Self.kofiAddress })
        #expect(refused.state == .failed && refused.attempts == 1)
        #expect(refused.lastError?.contains("550 5.1.1 No such user here") == true)
        #expect(rows.first { $0.address == Self.amaAddress }?.state == .sent, "one refused recipient does not hold back the other")
        #expect(fixture.recipientAttempts().filter { $0.hasSuffix(Self.kofiAddress) } == ["550 \(Self.kofiAddress)"])
        #expect(w.metrics.contains(#"sika_mail_outbox_messages{state="failed"} 1"#))
        // A person may put it back once the address is fixed: it goes with the same Message-ID.
        #expect(try await w.money.requeueMail(id: refused.id))
        #expect(try await w.outbox().first { $0.id == refused.id }?.state == .queued)
    }

    @Test func theRelayDownForAWhileLosesNothing() async throws {
        let maildir = FileManager.default.temporaryDirectory.appendingPathComponent("sika-down-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: maildir) }
        let first = try await AiosmtpdFixture(maildir: maildir)
        let port = first.port
        first.stop()
        let w = try await MailWorld(relay: "smtp://127.0.0.1:\(port)")
        _ = try await w.money.transfer(from: Self.kofi, to: Self.ama, amount: 1000, pin: "2580", idempotencyKey: "t1")
        #expect(await w.dispatcher.pass() == 2)
        w.clock.advance(minutes: 1)
        _ = try await w.money.transfer(from: Self.ama, to: Self.kofi, amount: 500, pin: "4826", idempotencyKey: "t2")
        #expect(await w.dispatcher.pass() == 4, "the two retries and the two new ones")
        let waiting = try await w.outbox()
        #expect(waiting.count == 4 && waiting.allSatisfy { $0.state == .queued && $0.lastError?.hasPrefix("connect_failed") == true })
        #expect(waiting.map(\.attempts) == [2, 2, 1, 1])

        let back = try await AiosmtpdFixture(["--port", String(port)], maildir: maildir)
        defer { back.stop() }
        w.clock.advance(minutes: 2)
        #expect(await w.dispatcher.pass() == 4)
        let rows = try await w.outbox()
        #expect(rows.allSatisfy { $0.state == .sent })
        let received = try back.received()
        #expect(received.count == 4)
        #expect(Set(received.compactMap(\.messageID)) == Set(rows.map(\.messageID)), "every notice, each once")
    }

    @Test func outOfAttemptsIsADeadLetter() async throws {
        let fixture = try await AiosmtpdFixture()
        let port = fixture.port
        fixture.stop()
        let w = try await MailWorld(relay: "smtp://127.0.0.1:\(port)")
        _ = try await w.money.transfer(from: Self.kofi, to: Self.yao, amount: 1000, pin: "2580", idempotencyKey: "t")
        for _ in 1...4 {
            #expect(await w.dispatcher.pass() == 1)
            w.clock.advance(minutes: 60)
        }
        #expect(await w.dispatcher.pass() == 0)
        let row = try #require(try await w.outbox().first)
        #expect(row.state == .dead && row.attempts == 4 && row.lastError?.hasPrefix("gave up after 4 attempts: connect_failed") == true)
        #expect(w.metrics.contains(#"sika_mail_outbox_messages{state="dead"} 1"#))
        #expect(w.metrics.contains(#"sika_mail_attempts_total{outcome="dead"} 1"#))
    }

    /// A name another network gave for its subscriber goes into an off-net receipt's subject and body: whatever
    /// it holds, the message on the wire has exactly the expected header fields, one recipient, and no Bcc.
    @Test func noHeaderInjectionReachesTheWire() async throws {
        let fixture = try await AiosmtpdFixture()
        defer { fixture.stop() }
        let w = try await MailWorld(relay: MailWorld.url(fixture))
        let pending = try await w.money.beginOffNet(from: Self.kofi, to: "22897223344", amount: 2000, pin: "2580", idempotencyKey: "off")
        let hostile = "EVIL\r\nBcc: victim@example.com\r\nX-Injected: 1\n\r\n.\r\nRCPT TO:<victim@example.com>"
        _ = try await w.money.completeOffNet(pending.transferID, recipientName: hostile)
        #expect(await w.dispatcher.pass() == 1)
        let received = try #require(try fixture.received().first)
        #expect(received.recipients == [Self.kofiAddress] && fixture.recipientAttempts() == ["250 \(Self.kofiAddress)"])
        let wire = received.text
        let head = String(wire[..<(try #require(wire.range(of: "\r\n\r\n"))).lowerBound])
        let fields = head.components(separatedBy: "\r\n").filter { !$0.hasPrefix(" ") }.map { String($0.prefix { $0 != ":" }) }
        #expect(fields == ["Date", "From", "To", "Subject", "Message-ID", "MIME-Version", "Content-Type"])
        let top = MIMEReader.split(wire)
        let boundary = try #require(MIMEReader.boundary(of: top.header("Content-Type") ?? ""))
        let parts = MIMEReader.parts(of: top.body, boundary: boundary)
        #expect(
            parts.map { $0.headers.map(\.name) } == [["Content-Type", "Content-Transfer-Encoding"], ["Content-Type", "Content-Transfer-Encoding"]])
        let subject = MIMEReader.decodeWords(MIMEReader.split(wire).header("Subject") ?? "")
        #expect(subject.hasPrefix("Transfert de 2 000 FCFA réussi"))
        // The name is in the body, where a line break is only a line break.
        #expect(try Self.textPart(received).contains("EVIL"))
    }

    /// The code confirming an address is composed when the message is sent (the outbox holds none) and is the
    /// one that confirms it.
    @Test func theCodeMailCarriesAWorkingCode() async throws {
        let fixture = try await AiosmtpdFixture()
        defer { fixture.stop() }
        let w = try await MailWorld(relay: MailWorld.url(fixture))
        try await w.money.setEmail(msisdn: Self.yao, EmailContact(address: "yao.koffi@example.com", displayName: "Yao Koffi"))
        #expect(await w.dispatcher.pass() == 1)
        let received = try #require(try fixture.received().first)
        #expect(received.recipients == ["yao.koffi@example.com"])
        let text = try Self.textPart(received)
        let code = String(try #require(text.firstMatch(of: /: (\d{6})\r\n/)).1)
        #expect(!w.logs.text.contains(code))
        #expect(try await w.money.verifyEmail(msisdn: Self.yao, code: code).verified)
        _ = try await w.money.transfer(from: Self.kofi, to: Self.yao, amount: 1000, pin: "2580", idempotencyKey: "t")
        #expect(await w.dispatcher.pass() == 2)
        #expect(try fixture.received().filter { $0.recipients == ["yao.koffi@example.com"] }.count == 2, "the code, then the notice")
    }
}
