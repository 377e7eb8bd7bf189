import Foundation
import Ledger
import MailDelivery
import MobileMoney
import TestSupport
import Testing

/// The dispatcher against Postfix, a real relay (Debian's), over STARTTLS with AUTH: notices are delivered to its
/// Maildir with the Message-IDs the outbox chose; its 451 is retried later, its 550 recorded as failed.
@Suite(.serialized, .enabled(if: PostfixFixture.isAvailable, Comment(rawValue: PostfixFixture.installHint)))
struct PostfixDeliveryTests {
    static let kofi = "22890112233", ama = "22890445566", yao = "22891234567", edem = "22897223344"

    @Test func noticesReachPostfixAndItsRefusalsAreRecorded() async throws {
        let relay = try await PostfixFixture()
        defer { relay.stop() }
        let w = try await MailWorld(
            relay: "smtp+starttls://sika@127.0.0.1:\(relay.port)?ca=\(relay.certificatePath)&tls-name=localhost", password: PostfixFixture.password)
        // The fixture delivers to kofi@ and ama@example.tg, defers defer@ and refuses anyone else there.
        try await w.money.setVerifiedEmail(msisdn: Self.kofi, EmailContact(address: "kofi@example.tg", displayName: "Kofi Amegah"))
        try await w.money.setVerifiedEmail(msisdn: Self.ama, EmailContact(address: "ama@example.tg"))
        try await w.money.setVerifiedEmail(msisdn: Self.yao, EmailContact(address: "defer@example.tg"))
        try await w.money.setVerifiedEmail(msisdn: Self.edem, EmailContact(address: "nobody@example.tg"))
        let onNet = try await w.money.transfer(from: Self.kofi, to: Self.ama, amount: 5000, pin: "2580", idempotencyKey: "t1")
        _ = try await w.money.transfer(from: Self.ama, to: Self.yao, amount: 1000, pin: "4826", idempotencyKey: "t2")
        _ = try await w.money.cashIn(to: Self.edem, amount: 1000, idempotencyKey: "c1")
        #expect(await w.dispatcher.pass() == 5)
        let rows = try await w.outbox()
        let byAddress = Dictionary(grouping: rows, by: \.address)
        #expect(byAddress["kofi@example.tg"]?.map(\.state) == [.sent])
        #expect(byAddress["ama@example.tg"]?.map(\.state) == [.sent, .sent])
        let deferred = try #require(byAddress["defer@example.tg"]?.first)
        #expect(deferred.state == .queued && deferred.lastError?.contains("451 4.3.0") == true)
        let refused = try #require(byAddress["nobody@example.tg"]?.first)
        #expect(refused.state == .failed && refused.lastError?.contains("550 5.1.1") == true)

        let delivered = try await relay.delivered(count: 3)
        #expect(delivered.count == 3)
        let sentIDs = Set(rows.filter { $0.state == .sent }.map(\.messageID))
        #expect(Set(delivered.map { PostfixFixture.messageID($0).replacingOccurrences(of: "Message-ID: ", with: "") }) == sentIDs)
        #expect(delivered.allSatisfy { $0.contains("ESMTPSA") }, "over TLS with AUTH")
        let toKofi = try #require(delivered.first { $0.contains("Delivered-To: kofi@example.tg") })
        let subject = MIMEReader.decodeWords(MIMEReader.split(toKofi.replacingOccurrences(of: "\n", with: "\r\n")).header("Subject") ?? "")
        #expect(subject == "Transfert de 5 000 FCFA réussi (Réf. \(onNet.reference))")
    }
}
