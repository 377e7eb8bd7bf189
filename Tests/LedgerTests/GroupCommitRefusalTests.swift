import Foundation
import Ledger
import TestSupport
import Testing

/// A job refused inside a shared group-commit transaction leaves nothing behind, whatever it wrote
/// before it failed, while the jobs around it commit.
@Suite struct GroupCommitRefusalTests {
    @Test(.timeLimit(.minutes(5)), arguments: TestBackend.allCases)
    func aRefusedJobInABatchLeavesNoTraceAndTheOthersCommit(_ backend: TestBackend) async throws {
        // One writer, so that holding it holds every job submitted meanwhile (PostgreSQL has several by default).
        let f = try await LedgerFixture(backend, writers: 1)
        let payer = try await f.wallet("22890000001", balance: 100_000, tier: 2)
        let poor = try await f.wallet("22890000002", balance: 0, tier: 2)
        let sink = try await f.wallet("22890000003", tier: 2)
        let fees = try f.ledger.context.systemAccount(.fees, of: "tmoney")
        let outboxBefore = try await outboxCount(f)
        let before = f.ledger.commitStats

        // good, refused, good, good: in this order in one batch.
        let results = try await oneBatch(
            f,
            [false, true, false, false].enumerated().map { index, refused in
                { tx in
                    let receipt = try tx.transfer(
                        TransferRequest(idempotencyKey: "job\(index)", debit: payer.id, credit: sink.id, amount: 1000, kind: .p2p))
                    try tx.enqueueSMS(to: "22890000001", operatorID: "tmoney", body: "receipt of job\(index)", transferID: receipt.transfer.id)
                    if refused {
                        // Counted toward the poor wallet's day before its balance is checked.
                        _ = try tx.transfer(
                            TransferRequest(idempotencyKey: "job\(index)-b", debit: poor.id, credit: sink.id, amount: 500, kind: .p2p))
                    }
                    return receipt
                }
            })

        // They did share one transaction: the holder's, then one batch of four.
        let stats = f.ledger.commitStats
        #expect(stats.transactions - before.transactions == 2)
        #expect(stats.operations - before.operations == 5)
        #expect(stats.largestBatch >= 4)

        guard case .failure(let refusal) = results[1] else {
            Issue.record("the refused job committed: \(results[1])")
            return
        }
        #expect(refusal.code == .insufficientFunds)
        let committed = results.enumerated().compactMap { index, result in index == 1 ? nil : try? result.get() }
        #expect(committed.count == 3)
        let fee = try #require(committed.first).fee
        #expect(fee > 0)

        // Balances: only the three committed jobs moved money.
        #expect(try await f.balance(payer.id) == 100_000 - 3 * (1000 + fee))
        #expect(try await f.balance(sink.id) == 3 * 1000)
        #expect(try await f.balance(poor.id) == 0)
        #expect(try await f.balance(fees) == 3 * fee)
        // Daily outgoing: neither the refused job's own transfer nor the poor wallet's attempt counts.
        #expect(try await f.ledger.outgoingToday(payer.id) == 3 * 1000)
        #expect(try await f.ledger.outgoingToday(poor.id) == 0)
        // Transfer rows: none for the refused job, its fee or its second leg.
        for key in ["job0", "job0#fee", "job2", "job2#fee", "job3", "job3#fee"] {
            #expect(try await f.ledger.read { try $0.transfer(idempotencyKey: key) } != nil, "\(key) is missing")
        }
        for key in ["job1", "job1#fee", "job1-b", "job1-b#fee"] {
            #expect(try await f.ledger.read { try $0.transfer(idempotencyKey: key) } == nil, "\(key) was left behind")
        }
        // Outbox: the committed jobs' receipts only.
        let receipts = try await f.ledger.read { rows in
            try rows.messages(to: "22890000001", after: 0).map(\.body).filter { $0.hasPrefix("receipt of ") }
        }
        #expect(receipts == ["receipt of job0", "receipt of job2", "receipt of job3"])
        #expect(try await outboxCount(f) == outboxBefore + 3)
        let report = try await f.ledger.verify()
        #expect(report.isClean, "\(report)")
    }

    /// A job's receipt fails after the job returned (it names a transfer that does not exist: the outbox's foreign
    /// key refuses it). That job is taken back and answered with the failure; the jobs around it commit, once. On
    /// PostgreSQL the receipt is sent without a wait and checked only when the next job has run (or, for the
    /// batch's last job, before its savepoint is released): both places are exercised here.
    @Test(.timeLimit(.minutes(5)), arguments: TestBackend.allCases)
    func aStatementThatFailsAfterItsJobReturnedTakesBackThatJobAlone(_ backend: TestBackend) async throws {
        let f = try await LedgerFixture(backend, writers: 1)
        let payer = try await f.wallet("22890000001", balance: 100_000, tier: 2)
        let sink = try await f.wallet("22890000003", tier: 2)
        let fees = try f.ledger.context.systemAccount(.fees, of: "tmoney")
        let outboxBefore = try await outboxCount(f)
        let before = f.ledger.commitStats
        // Good, failing, failing (right after one), good, good, failing as the batch's last.
        let broken: Set<Int> = [1, 2, 5]
        let jobs: [Job] = (0..<6).map { index in
            { tx in
                let receipt = try tx.transfer(
                    TransferRequest(idempotencyKey: "late\(index)", debit: payer.id, credit: sink.id, amount: 1000, kind: .p2p))
                let about = broken.contains(index) ? receipt.transfer.id + 1_000_000 : receipt.transfer.id
                try tx.enqueueSMS(to: "22890000001", operatorID: "tmoney", body: "receipt of late\(index)", transferID: about)
                return receipt
            }
        }
        let results = try await oneBatch(f, jobs)

        let committed = [0, 3, 4]
        for (index, result) in results.enumerated() {
            switch result {
            case .success where !committed.contains(index): Issue.record("late\(index) committed")
            case .failure(let error) where committed.contains(index): Issue.record("late\(index) failed: \(error)")
            default: break
            }
        }
        let fee = try #require(try? results[0].get()).fee
        #expect(try await f.balance(payer.id) == 100_000 - 3 * (1000 + fee))
        #expect(try await f.balance(sink.id) == 3 * 1000)
        #expect(try await f.balance(fees) == 3 * fee)
        #expect(try await f.ledger.outgoingToday(payer.id) == 3 * 1000)
        for index in 0..<6 {
            let stored = try await f.ledger.read { try $0.transfer(idempotencyKey: "late\(index)") }
            #expect((stored != nil) == committed.contains(index), "late\(index): \(String(describing: stored))")
        }
        let receipts = try await f.ledger.read { rows in
            try rows.messages(to: "22890000001", after: 0).map(\.body).filter { $0.hasPrefix("receipt of ") }
        }
        #expect(receipts == ["receipt of late0", "receipt of late3", "receipt of late4"])
        #expect(try await outboxCount(f) == outboxBefore + 3)
        if backend == .postgres {
            // The holder's transaction, then the batch's: no job made the whole batch run again.
            #expect(f.ledger.commitStats.transactions - before.transactions == 2)
        }
        let report = try await f.ledger.verify()
        #expect(report.isClean, "\(report)")
    }

    /// A write job of these tests.
    typealias Job = @Sendable (LedgerTransaction) throws -> TransferReceipt

    /// Runs `jobs` in one batch, in their order (``OneBatch``).
    func oneBatch(_ f: LedgerFixture, _ jobs: [Job]) async throws -> [Result<TransferReceipt, LedgerError>] {
        let ledger = f.ledger
        return try await OneBatch.run(
            ledger,
            jobs.map { job in
                { @Sendable () async -> Result<TransferReceipt, LedgerError> in
                    do {
                        return .success(try await ledger.write(job))
                    } catch let error as LedgerError {
                        return .failure(error)
                    } catch {
                        Issue.record("unexpected \(error)")
                        return .failure(LedgerError(.storage, "\(error)"))
                    }
                }
            })
    }

    /// Rows in the outbox (all undelivered here). Not the highest id: PostgreSQL's sequences skip the ids of
    /// rolled-back inserts.
    func outboxCount(_ f: LedgerFixture) async throws -> Int {
        try await f.ledger.read { rows in
            try Shipped.catalog.operators.reduce(0) { $0 + (try rows.undeliveredSMS(operatorID: $1.id, limit: 10_000).count) }
        }
    }
}
