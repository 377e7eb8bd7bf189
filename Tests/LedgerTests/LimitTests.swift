import Ledger
import TestSupport
import Testing

@Suite struct LimitTests {
    func refusal(_ f: LedgerFixture, _ request: TransferRequest) async throws -> LedgerError? {
        do {
            _ = try await f.ledger.transfer(request)
            return nil
        } catch let error as LedgerError {
            return error
        }
    }

    @Test(arguments: TestBackend.allCases) func perTransferBounds(_ backend: TestBackend) async throws {
        let f = try await LedgerFixture(backend)
        let a = try await f.wallet("22890000001", balance: 1_000_000, tier: 2)
        let b = try await f.wallet("22890000002", tier: 2)
        let low = try await refusal(f, TransferRequest(idempotencyKey: "l", debit: a.id, credit: b.id, amount: 99, kind: .p2p))
        #expect(low?.limit == .minimum)
        let high = try await refusal(f, TransferRequest(idempotencyKey: "h", debit: a.id, credit: b.id, amount: 500_001, kind: .p2p))
        #expect(high?.limit == .maximum)
        let exact = try await refusal(f, TransferRequest(idempotencyKey: "x", debit: a.id, credit: b.id, amount: 500_000, kind: .p2p))
        #expect(exact == nil)
    }

    @Test(arguments: TestBackend.allCases) func dailyOutgoingCapResetsNextDay(_ backend: TestBackend) async throws {
        let f = try await LedgerFixture(backend)
        let a = try await f.wallet("22890000001", balance: 450_000, tier: 0)  // tier 0: 200 000 a day
        let b = try await f.wallet("22890000002", tier: 2)
        #expect(try await refusal(f, TransferRequest(idempotencyKey: "d1", debit: a.id, credit: b.id, amount: 150_000, kind: .p2p)) == nil)
        let over = try await refusal(f, TransferRequest(idempotencyKey: "d2", debit: a.id, credit: b.id, amount: 50_001, kind: .p2p))
        #expect(over?.limit == .daily)
        #expect(try await refusal(f, TransferRequest(idempotencyKey: "d3", debit: a.id, credit: b.id, amount: 50_000, kind: .p2p)) == nil)
        f.advance(minutes: 24 * 60)
        #expect(try await refusal(f, TransferRequest(idempotencyKey: "d4", debit: a.id, credit: b.id, amount: 100_000, kind: .p2p)) == nil)
    }

    @Test(arguments: TestBackend.allCases) func balanceCapOfTheReceiversTier(_ backend: TestBackend) async throws {
        let f = try await LedgerFixture(backend)
        let a = try await f.wallet("22890000001", balance: 1_000_000, tier: 2)
        let b = try await f.wallet("22890000002", balance: 400_000, tier: 0)  // tier 0: holds 500 000 at most
        let over = try await refusal(f, TransferRequest(idempotencyKey: "c1", debit: a.id, credit: b.id, amount: 100_001, kind: .p2p))
        #expect(over?.limit == .balanceCap)
        #expect(try await refusal(f, TransferRequest(idempotencyKey: "c2", debit: a.id, credit: b.id, amount: 100_000, kind: .p2p)) == nil)
        let issuance = try f.ledger.context.systemAccount(.issuance, of: "tmoney")
        let cashIn = try await refusal(f, TransferRequest(idempotencyKey: "c3", debit: issuance, credit: b.id, amount: 1, kind: .cashIn))
        #expect(cashIn?.limit == .balanceCap, "cash-in respects the cap too")
    }

    @Test(arguments: TestBackend.allCases) func adminCorrectionsSkipLimits(_ backend: TestBackend) async throws {
        let f = try await LedgerFixture(backend)
        let a = try await f.wallet("22890000001", balance: 50, tier: 1)
        let b = try await f.wallet("22890000002", balance: 100, tier: 1)
        // The same movement as a customer transfer is refused: 10 is below the minimum.
        let customer = try await refusal(f, TransferRequest(idempotencyKey: "p2p", debit: b.id, credit: a.id, amount: 10, kind: .p2p))
        #expect(customer?.code == .limitExceeded && customer?.limit == .minimum)
        let r = try await refusal(
            f, TransferRequest(idempotencyKey: "rev", debit: b.id, credit: a.id, amount: 10, kind: .reversal, chargeFee: false, enforceLimits: false))
        #expect(r == nil)
        #expect(try await f.balance(a.id) == 60)
        #expect(try await f.balance(b.id) == 90, "no fee on a correction")
        #expect(try await f.balance(try f.ledger.context.systemAccount(.fees, of: "tmoney")) == 0)
        #expect(try await f.ledger.outgoingToday(b.id) == 0, "a correction is not the customer's spending")
        #expect(try await f.ledger.verify().isClean)
    }

    /// Many senders at once toward one wallet near its cap, through several writers on PostgreSQL: the cap is
    /// checked against the balance as it is when the money moves (the wallet locked and read again), so
    /// exactly as many transfers pass as fit, and the others are refused by the cap, not by a stale read.
    @Test(arguments: TestBackend.allCases) func concurrentCreditsStopExactlyAtTheBalanceCap(_ backend: TestBackend) async throws {
        let f = try await LedgerFixture(backend)
        let b = try await f.wallet("22890000002", balance: 450_000, tier: 0)  // holds 500 000 at most: room for five
        var senders: [Account] = []
        for i in 0..<16 { senders.append(try await f.wallet(String(format: "228901%05d", i), balance: 50_000, tier: 2)) }
        let outcomes = try await withThrowingTaskGroup(of: LedgerError?.self) { group in
            for (i, sender) in senders.enumerated() {
                group.addTask {
                    try await refusal(f, TransferRequest(idempotencyKey: "cap\(i)", debit: sender.id, credit: b.id, amount: 10_000, kind: .p2p))
                }
            }
            return try await group.reduce(into: [LedgerError?]()) { $0.append($1) }
        }
        #expect(outcomes.filter { $0 == nil }.count == 5)
        #expect(outcomes.compactMap { $0 }.allSatisfy { $0.limit == .balanceCap }, "\(outcomes.compactMap { $0 })")
        #expect(try await f.balance(b.id) == 500_000)
        #expect(try await f.ledger.verify().isClean)
    }
}
