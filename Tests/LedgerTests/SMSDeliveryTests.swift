import Ledger
import TestSupport
import Testing

/// Delivery receipts on the outbox, against the store: submission, receipts per part, retries with backoff, expiry,
/// and the sweep. The SMPP front drives these through `Ledger`; here the rules and the store meet without it.
@Suite struct SMSDeliveryTests {
    static let policy = SMSDeliveryPolicy(
        maxAttempts: 3, backoff: .seconds(60), maximumBackoff: .seconds(90), validity: .seconds(600), receiptWait: .seconds(60))

    /// One message in the outbox for `msisdn` (T-Money), written now.
    static func message(_ fixture: LedgerFixture, _ msisdn: String = "22890112233", body: String = "Recu 5 000 FCFA") async throws
        -> OutboxMessage
    {
        try await fixture.ledger.write { tx in
            try tx.rows.insertMessages([
                NewOutboxMessage(msisdn: msisdn, operatorID: "tmoney", sender: "1455", body: body, transferID: nil, createdAt: tx.now)
            ])
        }
        return try #require(try await fixture.ledger.undeliveredSMS(operatorID: "tmoney").last { $0.msisdn == msisdn })
    }

    static func stored(_ fixture: LedgerFixture, _ id: OutboxMessage.ID) async throws -> OutboxMessage {
        try #require(try await fixture.ledger.read { try $0.messages(to: "22890112233", after: 0) }.first { $0.id == id })
    }

    @Test(arguments: TestBackend.allCases) func everyPartDeliveredMakesTheMessageDelivered(_ backend: TestBackend) async throws {
        let fixture = try await LedgerFixture(backend)
        let message = try await Self.message(fixture)
        try await fixture.ledger.recordSubmissions([SMSSubmission(message: message.id, operatorID: "tmoney", smscMessageIDs: ["a1", "a2"])])
        var stored = try await Self.stored(fixture, message.id)
        #expect(stored.deliveryState == .submitted)
        #expect(stored.attempts == 1)
        #expect(stored.deliveredAt != nil, "handed over: no longer in the outbox")
        #expect(try await fixture.ledger.undeliveredSMS(operatorID: "tmoney").allSatisfy { $0.id != message.id })

        let first = try await fixture.ledger.recordReceipt(operatorID: "tmoney", smscMessageID: "a1", state: .delivered, policy: Self.policy)
        #expect(first == .recorded(message.id, .submitted), "one part of two")
        let second = try await fixture.ledger.recordReceipt(operatorID: "tmoney", smscMessageID: "a2", state: .delivered, policy: Self.policy)
        #expect(second == .recorded(message.id, .delivered))
        stored = try await Self.stored(fixture, message.id)
        #expect(stored.deliveryState == .delivered)
        // A late duplicate receipt changes nothing.
        let again = try await fixture.ledger.recordReceipt(operatorID: "tmoney", smscMessageID: "a1", state: .failed, policy: Self.policy)
        #expect(again == .recorded(message.id, .delivered))
    }

    @Test(arguments: TestBackend.allCases) func anIDNoMessageWasSubmittedUnderIsUnknown(_ backend: TestBackend) async throws {
        let fixture = try await LedgerFixture(backend)
        let message = try await Self.message(fixture)
        try await fixture.ledger.recordSubmissions([SMSSubmission(message: message.id, operatorID: "tmoney", smscMessageIDs: ["x"])])
        #expect(
            try await fixture.ledger.recordReceipt(operatorID: "tmoney", smscMessageID: "y", state: .delivered, policy: Self.policy)
                == .unknownMessage)
        // Ids are the SMSC's: the same id from another operator's SMSC is another message.
        #expect(
            try await fixture.ledger.recordReceipt(operatorID: "flooz", smscMessageID: "x", state: .delivered, policy: Self.policy) == .unknownMessage
        )
    }

    @Test(arguments: TestBackend.allCases) func aFailedMessageIsRetriedWithBackoffThenGivenUp(_ backend: TestBackend) async throws {
        let fixture = try await LedgerFixture(backend)
        let message = try await Self.message(fixture)
        let start = LedgerFixture.start
        try await fixture.ledger.recordSubmissions([SMSSubmission(message: message.id, operatorID: "tmoney", smscMessageIDs: ["r1"])])
        let failed = try await fixture.ledger.recordReceipt(operatorID: "tmoney", smscMessageID: "r1", state: .failed, policy: Self.policy)
        #expect(failed == .retry(message.id, retryAt: start + 60_000))
        #expect(try await Self.stored(fixture, message.id).deliveryState == .retrying)

        // Not due yet: the sweep leaves it; due: back in the outbox.
        #expect(try await fixture.ledger.sweepDeliveries(policy: Self.policy) == DeliverySweep(requeued: 0, expired: 0))
        fixture.advance(minutes: 1)
        #expect(try await fixture.ledger.sweepDeliveries(policy: Self.policy) == DeliverySweep(requeued: 1, expired: 0))
        #expect(try await fixture.ledger.undeliveredSMS(operatorID: "tmoney").contains { $0.id == message.id && $0.attempts == 1 })

        // The second attempt fails too: the backoff doubles (capped at 90 s).
        try await fixture.ledger.recordSubmissions([SMSSubmission(message: message.id, operatorID: "tmoney", smscMessageIDs: ["r2"])])
        // A receipt for the first attempt's part is history now.
        let stale = try await fixture.ledger.recordReceipt(operatorID: "tmoney", smscMessageID: "r1", state: .delivered, policy: Self.policy)
        #expect(stale == .recorded(message.id, .submitted))
        let second = try await fixture.ledger.recordReceipt(operatorID: "tmoney", smscMessageID: "r2", state: .failed, policy: Self.policy)
        #expect(second == .retry(message.id, retryAt: start + 60_000 + 90_000))
        fixture.advance(minutes: 2)
        #expect(try await fixture.ledger.sweepDeliveries(policy: Self.policy).requeued == 1)

        // The third attempt is the last.
        try await fixture.ledger.recordSubmissions([SMSSubmission(message: message.id, operatorID: "tmoney", smscMessageIDs: ["r3"])])
        let last = try await fixture.ledger.recordReceipt(operatorID: "tmoney", smscMessageID: "r3", state: .failed, policy: Self.policy)
        #expect(last == .recorded(message.id, .undelivered))
        let stored = try await Self.stored(fixture, message.id)
        #expect(stored.deliveryState == .undelivered)
        #expect(stored.attempts == 3)
        #expect(try await fixture.ledger.undeliveredSMS(operatorID: "tmoney").allSatisfy { $0.id != message.id })
    }

    @Test(arguments: TestBackend.allCases) func aRetryThatWouldLeaveAfterTheValidityIsAnExpiry(_ backend: TestBackend) async throws {
        let fixture = try await LedgerFixture(backend)
        let message = try await Self.message(fixture)
        fixture.advance(minutes: 9)
        try await fixture.ledger.recordSubmissions([SMSSubmission(message: message.id, operatorID: "tmoney", smscMessageIDs: ["v1"])])
        // Written 9 minutes ago, valid 10: a retry a minute from now is too late.
        let outcome = try await fixture.ledger.recordReceipt(operatorID: "tmoney", smscMessageID: "v1", state: .failed, policy: Self.policy)
        #expect(outcome == .recorded(message.id, .expired))
    }

    @Test(arguments: TestBackend.allCases) func theNetworkSayingExpiredIsAnExpiry(_ backend: TestBackend) async throws {
        let fixture = try await LedgerFixture(backend)
        let message = try await Self.message(fixture)
        try await fixture.ledger.recordSubmissions([SMSSubmission(message: message.id, operatorID: "tmoney", smscMessageIDs: ["e1"])])
        let outcome = try await fixture.ledger.recordReceipt(operatorID: "tmoney", smscMessageID: "e1", state: .expired, policy: Self.policy)
        #expect(outcome == .recorded(message.id, .expired))
    }

    @Test(arguments: TestBackend.allCases) func aSubmittedMessageWithoutReceiptExpiresAfterValidityAndWait(_ backend: TestBackend) async throws {
        let fixture = try await LedgerFixture(backend)
        let silent = try await Self.message(fixture)
        let answered = try await Self.message(fixture, "22890445566")
        try await fixture.ledger.recordSubmissions([
            SMSSubmission(message: silent.id, operatorID: "tmoney", smscMessageIDs: ["s1"]),
            SMSSubmission(message: answered.id, operatorID: "tmoney", smscMessageIDs: ["s2"]),
        ])
        _ = try await fixture.ledger.recordReceipt(operatorID: "tmoney", smscMessageID: "s2", state: .delivered, policy: Self.policy)
        fixture.advance(minutes: 10)
        #expect(try await fixture.ledger.sweepDeliveries(policy: Self.policy).expired == 0, "validity over, the wait for a receipt not")
        fixture.advance(minutes: 1)
        #expect(try await fixture.ledger.sweepDeliveries(policy: Self.policy) == DeliverySweep(requeued: 0, expired: 1))
        #expect(try await Self.stored(fixture, silent.id).deliveryState == .expired)
        // A receipt after the expiry does not bring it back.
        let late = try await fixture.ledger.recordReceipt(operatorID: "tmoney", smscMessageID: "s1", state: .delivered, policy: Self.policy)
        #expect(late == .recorded(silent.id, .expired))
    }

    @Test(arguments: TestBackend.allCases) func messagesHandedToFrontsWithoutReceiptsAreNeverTracked(_ backend: TestBackend) async throws {
        let fixture = try await LedgerFixture(backend)
        let message = try await Self.message(fixture)
        try await fixture.ledger.markDelivered([message.id])
        fixture.advance(minutes: 100)
        #expect(try await fixture.ledger.sweepDeliveries(policy: Self.policy) == DeliverySweep())
        let stored = try await Self.stored(fixture, message.id)
        #expect(stored.deliveryState == nil)
        #expect(stored.attempts == 0)
    }

    @Test func backoffDoublesUpToItsCap() {
        let policy = SMSDeliveryPolicy(backoff: .seconds(10), maximumBackoff: .seconds(70))
        #expect((1...5).map { policy.backoff(after: $0) } == [.seconds(10), .seconds(20), .seconds(40), .seconds(70), .seconds(70)])
    }
}
