import Foundation
import Ledger
import TestSupport
import Testing

/// The store methods of e-mail (addresses and the mail outbox), called as MobileMoney and the dispatcher call
/// them: what each returns and changes, so that every store (SQLite here, PostgreSQL beside it) answers alike.
@Suite struct MailStoreTests {
    static func subscriber(_ f: LedgerFixture, _ msisdn: String) async throws {
        let account = try await f.wallet(msisdn)
        try await f.ledger.write { tx in
            try tx.rows.insertSubscriber(
                NewSubscriber(
                    msisdn: msisdn, operatorID: "tmoney", accountID: account.id, name: "W", language: "fr", pinSalt: Data([1]), pinHash: Data([2]),
                    createdAt: tx.now))
        }
    }

    static func message(_ id: String, msisdn: String = "22890112233", at: Int64) -> NewMailMessage {
        NewMailMessage(
            messageID: "<\(id)@sika.test>", msisdn: msisdn, address: "a@example.com", displayName: "A", language: "fr", notice: "transfer_sent",
            values: ["reference": "TM261127.\(id)", "amount": "5000", "party": "Ama \"A\" <ama@x>\n"], transferID: nil, createdAt: at)
    }

    @Test(arguments: TestBackend.allCases) func anAddressIsSetReplacedReadAndDeleted(_ backend: TestBackend) async throws {
        let f = try await LedgerFixture(backend)
        try await Self.subscriber(f, "22890112233")
        let row = SubscriberEmailRow(
            msisdn: "22890112233", address: "a@example.com", displayName: nil, verifiedAt: nil, codeHash: Data(repeating: 9, count: 32),
            codeIssuedAt: 10, codeExpiresAt: 20, codeFailures: 1, updatedAt: 10)
        try await f.ledger.write { try $0.rows.setSubscriberEmail(row) }
        #expect(try await f.ledger.read { try $0.subscriberEmail(msisdn: "22890112233") } == row)
        var changed = row
        changed.verifiedAt = 30
        changed.codeHash = nil
        changed.displayName = "Ama"
        let verified = changed
        try await f.ledger.write { try $0.rows.setSubscriberEmail(verified) }
        #expect(try await f.ledger.read { try $0.subscriberEmail(msisdn: "22890112233") } == verified, "one row per subscriber, replaced")
        #expect(try await f.ledger.write { try $0.rows.deleteSubscriberEmail(msisdn: "22890112233") })
        #expect(try await !f.ledger.write { try $0.rows.deleteSubscriberEmail(msisdn: "22890112233") })
        #expect(try await f.ledger.read { try $0.subscriberEmail(msisdn: "22890112233") } == nil)
        // Only for a subscriber.
        await #expect(throws: (any Error).self) {
            try await f.ledger.write {
                try $0.rows.setSubscriberEmail(
                    SubscriberEmailRow(
                        msisdn: "22899999999", address: "x@example.com", displayName: nil, verifiedAt: nil, codeHash: nil, codeIssuedAt: 0,
                        codeExpiresAt: 0,
                        codeFailures: 0, updatedAt: 0))
            }
        }
    }

    @Test(arguments: TestBackend.allCases) func theOutboxHandsOutWhatIsDueAndRecordsAttempts(_ backend: TestBackend) async throws {
        let f = try await LedgerFixture(backend)
        try await f.ledger.write { try $0.rows.insertMail([Self.message("m1", at: 100), Self.message("m2", at: 200), Self.message("m3", at: 300)]) }
        let due = try await f.ledger.read { try $0.dueMail(at: 250, limit: 10) }
        #expect(due.map(\.messageID) == ["<m1@sika.test>", "<m2@sika.test>"])
        let first = try #require(due.first)
        #expect(first.state == .queued && first.attempts == 0 && first.nextAttemptAt == 100)
        #expect(first.values == ["reference": "TM261127.m1", "amount": "5000", "party": "Ama \"A\" <ama@x>\n"], "the values, whatever they hold")
        #expect(first.displayName == "A" && first.language == "fr" && first.lastError == nil && first.createdAt == 100)
        #expect(try await f.ledger.read { try $0.dueMail(at: 1000, limit: 1) }.count == 1)

        // m1 deferred until 400, m2 sent, m3 refused.
        let retry = MailAttemptOutcome(id: due[0].id, state: .queued, attempts: 1, nextAttemptAt: 400, lastError: "transient_reply: 451", at: 260)
        #expect(try await f.ledger.write { try $0.rows.recordMailAttempt(retry) })
        #expect(
            try await f.ledger.write {
                try $0.rows.recordMailAttempt(
                    MailAttemptOutcome(id: due[1].id, state: .sent, attempts: 1, nextAttemptAt: 260, lastError: nil, at: 260))
            })
        let third = try #require(try await f.ledger.read { try $0.dueMail(at: 300, limit: 10) }.first)
        #expect(
            try await f.ledger.write {
                try $0.rows.recordMailAttempt(
                    MailAttemptOutcome(id: third.id, state: .failed, attempts: 1, nextAttemptAt: 300, lastError: "permanent_reply: 550", at: 300))
            })
        // A message no longer queued is not touched again.
        #expect(
            try await !f.ledger.write {
                try $0.rows.recordMailAttempt(MailAttemptOutcome(id: due[1].id, state: .queued, attempts: 2, nextAttemptAt: 0, lastError: "x", at: 0))
            })

        #expect(try await f.ledger.read { try $0.dueMail(at: 399, limit: 10) }.isEmpty)
        let again = try #require(try await f.ledger.read { try $0.dueMail(at: 400, limit: 10) }.first)
        #expect(again.id == due[0].id && again.attempts == 1 && again.lastError == "transient_reply: 451" && again.updatedAt == 260)
        #expect(try await f.ledger.read { try $0.mailOutboxCounts() } == MailOutboxCounts(queued: 0, retrying: 1, failed: 1, dead: 0))
        #expect(try await f.ledger.read { try $0.mail(in: .sent, limit: 10) }.map(\.messageID) == ["<m2@sika.test>"])
        #expect(try await f.ledger.read { try $0.mail(in: .failed, limit: 10) }.first?.lastError == "permanent_reply: 550")

        // A person puts the failed one back: due at once, attempts from zero, same Message-ID; a sent one stays sent.
        #expect(try await f.ledger.write { try $0.rows.requeueMail(id: third.id, at: 500) })
        #expect(try await !f.ledger.write { try $0.rows.requeueMail(id: due[1].id, at: 500) })
        let requeued = try #require(try await f.ledger.read { try $0.dueMail(at: 500, limit: 10) }.first { $0.id == third.id })
        #expect(requeued.attempts == 0 && requeued.state == .queued && requeued.messageID == "<m3@sika.test>")
        #expect(try await f.ledger.read { try $0.mailOutboxCounts() } == MailOutboxCounts(queued: 1, retrying: 1, failed: 0, dead: 0))
    }

    @Test(arguments: TestBackend.allCases) func aMessageIDIsUniqueAndAFailedJobLeavesNoMail(_ backend: TestBackend) async throws {
        let f = try await LedgerFixture(backend)
        try await f.ledger.write { try $0.rows.insertMail([Self.message("same", at: 1)]) }
        await #expect(throws: (any Error).self) { try await f.ledger.write { try $0.rows.insertMail([Self.message("same", at: 2)]) } }
        struct Refusal: Error {}
        await #expect(throws: Refusal.self) {
            try await f.ledger.write { tx in
                try tx.rows.insertMail([Self.message("rolled-back", at: 3)])
                throw Refusal()
            }
        }
        #expect(try await f.ledger.read { try $0.dueMail(at: 10, limit: 10) }.map(\.messageID) == ["<same@sika.test>"])
    }
}
