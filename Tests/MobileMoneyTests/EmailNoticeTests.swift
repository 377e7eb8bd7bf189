import Foundation
import Ledger
import MobileMoney
import TestSupport
import Testing

/// E-mail notices are written with the SMS, in the same transaction, for verified addresses only, with the very
/// reference and amounts of the SMS; addresses are verified by a code that is never stored.
@Suite struct EmailNoticeTests {
    /// Every e-mail written so far (any state), oldest first.
    static func mail(_ f: MoneyFixture) async throws -> [MailOutboxMessage] {
        var all: [MailOutboxMessage] = []
        for state in MailState.allCases { all += try await f.money.mailOutbox(state, limit: 1000) }
        return all.sorted { $0.id < $1.id }
    }

    static func mail(_ f: MoneyFixture, to msisdn: String) async throws -> [MailOutboxMessage] {
        try await mail(f).filter { $0.msisdn == msisdn }
    }

    /// The code an address was sent, read the way the dispatcher composes the message.
    static func code(_ f: MoneyFixture, for msisdn: String) async throws -> String {
        let message = try #require(try await mail(f, to: msisdn).last { $0.notice == "email_code" })
        let text = try #require(f.money.mailContent(message)?.text)
        let match = try #require(text.firstMatch(of: /: (\d{6})\n/))
        return String(match.1)
    }

    @Test(arguments: TestBackend.allCases) func aTransferWritesOneEmailPerVerifiedPartyWithTheSMSFigures(_ backend: TestBackend) async throws {
        let f = try await MoneyFixture(backend)
        #expect(try await Self.mail(f).isEmpty, "seeding sends no e-mail: the demo addresses are set after the welcome SMS")
        let result = try await f.money.transfer(from: kofi, to: ama, amount: 5000, pin: "2580", idempotencyKey: "t1")
        let mail = try await Self.mail(f)
        try #require(mail.count == 2)
        let (sent, received) = (mail[0], mail[1])
        #expect(sent.msisdn == kofi && sent.address == "kofi.amegah@tmoney.example" && sent.displayName == "Kofi Amegah")
        #expect(sent.notice == "transfer_sent" && sent.language == "fr" && sent.state == .queued && sent.attempts == 0)
        #expect(sent.transferID == result.transferID && received.transferID == result.transferID)
        #expect(received.msisdn == ama && received.notice == "transfer_received")
        // The row holds the SMS's values; the e-mail is rendered from them when it is sent.
        #expect(sent.values["reference"] == result.reference && sent.values["amount"] == "5000" && sent.values["balance"] == "44950")
        let sentMail = try #require(f.money.mailContent(sent))
        #expect(sentMail.subject == "Transfert de 5 000 FCFA réussi (Réf. \(result.reference))")
        // The reference and the amounts exactly as in the SMS of the same movement.
        let sms = try #require(try await f.sms(kofi).last)
        for figure in ["5 000 FCFA", "50 FCFA", "44 950 FCFA", result.reference, "27/11/2026 10:00", "Ama Mensah (22890445566)"] {
            #expect(sms.contains(figure) && sentMail.text.contains(figure) && sentMail.html.contains(figure), "\(figure)")
        }
        let receivedMail = try #require(f.money.mailContent(received))
        #expect(receivedMail.text.contains("Vous avez reçu 5 000 FCFA de Kofi Amegah (22890112233)."))
        #expect(receivedMail.text.contains("30 000 FCFA") && receivedMail.text.contains(result.reference))
        // A stable Message-ID per notice: the reference, the notice, a random part, the domain.
        #expect(sent.messageID.wholeMatch(of: /<TM261127\.\d{6}\.transfer_sent\.[0-9a-f]{16}@sika\.localhost>/) != nil, "\(sent.messageID)")
        #expect(sent.messageID != received.messageID)

        // Yao has no address: only Kofi's side goes by e-mail.
        _ = try await f.money.transfer(from: kofi, to: yao, amount: 1000, pin: "2580", idempotencyKey: "t2")
        #expect(try await Self.mail(f).count == 3)
        #expect(try await Self.mail(f, to: yao).isEmpty)
    }

    @Test(arguments: TestBackend.allCases) func noEmailWithoutItsMovementAndNoSecondOneOnReplay(_ backend: TestBackend) async throws {
        let f = try await MoneyFixture(backend)
        _ = await refusal { _ = try await f.money.transfer(from: kofi, to: ama, amount: 5000, pin: "0000", idempotencyKey: "w") }
        _ = await refusal { _ = try await f.money.transfer(from: kofi, to: ama, amount: 900_000, pin: "2580", idempotencyKey: "big") }
        #expect(try await Self.mail(f).isEmpty)
        _ = try await f.money.transfer(from: kofi, to: ama, amount: 2000, pin: "2580", idempotencyKey: "once")
        _ = try await f.money.transfer(from: kofi, to: ama, amount: 2000, pin: "2580", idempotencyKey: "once")
        #expect(try await Self.mail(f).count == 2)
        #expect(try await f.money.ledger.verify().isClean)
    }

    @Test(arguments: TestBackend.allCases) func anUnverifiedAddressGetsNoNoticeUntilItsCodeIsConfirmed(_ backend: TestBackend) async throws {
        let f = try await MoneyFixture(backend)
        let set = try await f.money.setEmail(msisdn: yao, EmailContact(address: "yao.koffi@example.com", displayName: "Yao K."))
        #expect(!set.verified && set.codeExpiresAt == MoneyFixture.start + 15 * 60_000)
        let codeMail = try #require(try await Self.mail(f, to: yao).first)
        #expect(codeMail.notice == "email_code" && codeMail.address == "yao.koffi@example.com")
        #expect(codeMail.values.isEmpty, "the outbox never holds the code")
        #expect(f.money.mailContent(codeMail)?.subject == "Your confirmation code")

        _ = try await f.money.transfer(from: kofi, to: yao, amount: 1000, pin: "2580", idempotencyKey: "before")
        #expect(try await Self.mail(f, to: yao).count == 1, "an unverified address never receives money notices")

        let code = try await Self.code(f, for: yao)
        let verified = try await f.money.verifyEmail(msisdn: yao, code: code)
        #expect(verified.verified && verified.codeExpiresAt == nil)
        _ = try await f.money.transfer(from: kofi, to: yao, amount: 1000, pin: "2580", idempotencyKey: "after")
        let notices = try await Self.mail(f, to: yao).filter { $0.notice == "transfer_received" }
        #expect(notices.count == 1 && notices[0].language == "en")
        #expect(f.money.mailContent(notices[0])?.subject.hasPrefix("You received 1 000 FCFA") == true)
        #expect(notices[0].displayName == "Yao K.")
        // Confirming again changes nothing.
        #expect(try await f.money.verifyEmail(msisdn: yao, code: "000000").verified)
    }

    @Test(arguments: TestBackend.allCases) func theCodeIsNeverStoredAndWrongOnesAreBounded(_ backend: TestBackend) async throws {
        let f = try await MoneyFixture(backend)
        try await f.money.setEmail(msisdn: yao, EmailContact(address: "yao@example.com"))
        let code = try await Self.code(f, for: yao)
        let wrong = code == "123456" ? "654321" : "123456"
        let row = try #require(try await f.money.ledger.read { try $0.subscriberEmail(msisdn: yao) })
        #expect(row.codeHash?.count == 32 && row.verifiedAt == nil)
        for stored in try await Self.mail(f) {
            #expect(!([stored.messageID] + stored.values.values).contains { $0.contains(code) })
        }
        for left in [4, 3, 2, 1] {
            let error = await refusal { try await f.money.verifyEmail(msisdn: yao, code: wrong) }
            #expect(error?.code == .wrongCode && error?.attemptsLeft == left)
        }
        #expect(await refusal { try await f.money.verifyEmail(msisdn: yao, code: wrong) }?.code == .tooManyAttempts)
        // The right code is void now: a new one must be asked for.
        #expect(await refusal { try await f.money.verifyEmail(msisdn: yao, code: code) }?.code == .noCodePending)
        #expect(await refusal { try await f.money.verifyEmail(msisdn: yao, code: "12a456") }?.code == .noCodePending)

        // A new code, but not within a minute of the last one.
        #expect(await refusal { try await f.money.setEmail(msisdn: yao, EmailContact(address: "yao@example.com")) }?.code == .codeRecentlySent)
        f.advance(minutes: 1)
        try await f.money.setEmail(msisdn: yao, EmailContact(address: "yao@example.com"))
        let second = try await Self.code(f, for: yao)
        f.advance(minutes: 16)
        #expect(await refusal { try await f.money.verifyEmail(msisdn: yao, code: second) }?.code == .codeExpired)
        let expired = try #require(try await Self.mail(f, to: yao).last)
        #expect(f.money.mailContent(expired) == nil, "a code mail not sent within its code's lifetime is not sent at all")
        #expect(await refusal { try await f.money.verifyEmail(msisdn: edem, code: second) }?.code == .noEmail)
    }

    @Test(arguments: TestBackend.allCases) func settingTheVerifiedAddressAgainSendsNothingAndANewOneNeedsACode(_ backend: TestBackend) async throws {
        let f = try await MoneyFixture(backend)
        let same = try await f.money.setEmail(msisdn: kofi, EmailContact(address: "kofi.amegah@tmoney.example", displayName: "K. Amegah"))
        #expect(same.verified && same.displayName == "K. Amegah")
        #expect(try await Self.mail(f).isEmpty)
        let other = try await f.money.setEmail(msisdn: kofi, EmailContact(address: "kofi@example.com"))
        #expect(!other.verified)
        _ = try await f.money.transfer(from: kofi, to: yao, amount: 1000, pin: "2580", idempotencyKey: "t")
        #expect(try await Self.mail(f, to: kofi).map(\.notice) == ["email_code"], "the new address is not verified yet")
        #expect(try await f.money.removeEmail(msisdn: kofi))
        #expect(try await f.money.email(msisdn: kofi) == nil)
        #expect(try await !f.money.removeEmail(msisdn: kofi))
        _ = try await f.money.transfer(from: kofi, to: yao, amount: 1000, pin: "2580", idempotencyKey: "t3")
        #expect(try await Self.mail(f, to: kofi).count == 1)
    }

    @Test(arguments: TestBackend.allCases) func aPINChangeAndAnOffNetRefundGoByBothChannels(_ backend: TestBackend) async throws {
        let f = try await MoneyFixture(backend)
        try await f.money.changePin(msisdn: kofi, old: "2580", new: "1357", confirmation: "1357")
        #expect(try await Self.mail(f, to: kofi).map(\.notice) == ["pin_changed"])
        let pending = try await f.money.beginOffNet(from: kofi, to: "22896112233", amount: 3000, pin: "1357", idempotencyKey: "off")
        #expect(try await f.money.notifyOffNetPending(pending.transferID))
        _ = try await f.money.refundOffNet(pending.transferID, reason: "recipient_blocked")
        let notices = try await Self.mail(f, to: kofi)
        #expect(notices.map(\.notice) == ["pin_changed", "offnet_pending", "offnet_refunded"])
        let refund = notices[2]
        let sms = try #require(try await f.sms(kofi).last)
        let refundMail = try #require(f.money.mailContent(refund))
        #expect(
            sms.contains(pending.providerKey) && refundMail.subject.contains(pending.providerKey) && refundMail.text.contains(pending.providerKey))
        #expect(refundMail.text.contains("compte du beneficiaire bloque") && refundMail.text.contains("3 000 FCFA"))
        #expect(refund.transferID == pending.transferID)
        #expect(try await f.money.ledger.verify().isClean)
    }

    /// A row this notices file cannot render (values missing, an unknown notice) is not sent with blanks.
    @Test(arguments: TestBackend.allCases) func aRowThatCannotRenderIsNotSent(_ backend: TestBackend) async throws {
        let f = try await MoneyFixture(backend)
        try await f.money.ledger.write { tx in
            try tx.rows.insertMail([
                NewMailMessage(
                    messageID: "<a@sika.test>", msisdn: kofi, address: "k@example.com", displayName: nil, language: "fr", notice: "transfer_sent",
                    values: ["amount": "5000"], transferID: nil, createdAt: tx.now),
                NewMailMessage(
                    messageID: "<b@sika.test>", msisdn: kofi, address: "k@example.com", displayName: nil, language: "fr", notice: "fax_sent",
                    values: [:], transferID: nil, createdAt: tx.now),
            ])
        }
        for row in try await Self.mail(f) { #expect(f.money.mailContent(row) == nil, "\(row.notice)") }
    }

    @Test(arguments: [
        ("ama@example.com\r\nBcc: victim@example.com", nil as String?, "address"),
        ("ama@example.com>", nil, "address"),
        ("ama@exa mple.com", nil, "address"),
        ("\"ama\"@example.com", nil, "address"),
        ("amé@example.com", nil, "address"),
        ("ama@example.com", "Ama\r\nBcc: victim@example.com", "displayName"),
        ("ama@example.com", "Ama\nX-Injected: 1", "displayName"),
        ("ama@example.com", "Ama\u{0}", "displayName"),
        ("ama@example.com", "Ama\u{2028}Mensah", "displayName"),
        ("ama@example.com", "=?UTF-8?Q?=0D=0ABcc:_x?=", "displayName"),
        ("ama@example.com", String(repeating: "a", count: 65), "displayName"),
    ])
    func headerInjectionIsRefusedWithAFieldError(address: String, name: String?, field: String) async throws {
        #expect(EmailContact.problems(address: address, displayName: name).keys.sorted() == [field])
        #expect {
            try EmailContact(address: address, displayName: name)
        } throws: { error in
            (error as? MobileMoneyError)?.code == .invalidEmail && (error as? MobileMoneyError)?.field == field
        }
    }

    @Test func namesThatAreOnlyUnusualAreAccepted() throws {
        for name in ["Ama Mensah-Dogbé", "Kofi \"K\" d'Almeida", "Yao <Koffi>", "Ama, Mensah"] {
            #expect(EmailContact.problems(address: "ama@example.com", displayName: name).isEmpty, "\(name)")
        }
    }

    @Test(arguments: TestBackend.allCases) func theDemoWorldRestoresItsAddresses(_ backend: TestBackend) async throws {
        let f = try await MoneyFixture(backend)
        try await f.money.removeEmail(msisdn: kofi)
        try await f.money.setEmail(msisdn: yao, EmailContact(address: "yao@example.com"))
        _ = try await MoneyFixture.world.restore(into: f.money)
        #expect(try await f.money.email(msisdn: kofi)?.verified == true)
        #expect(try await f.money.email(msisdn: yao) == nil)
        #expect(try await f.money.email(msisdn: akosua)?.address == "akosua.dzifa@flooz.example")
    }
}
