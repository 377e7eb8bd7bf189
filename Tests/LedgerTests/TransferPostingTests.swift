import Foundation
import Ledger
import Operators
import TestSupport
import Testing

/// ``LedgerStoreWriter/postTransfer(_:)``: every write of a transfer the rules allowed. PostgreSQL runs it as one
/// statement, SQLite as the plain writes; on both, what it returns is what the rows then hold, and a refusal by the
/// store (a customer balance below zero, the day's cap passed) leaves nothing.
@Suite struct TransferPostingTests {
    @Test(arguments: TestBackend.allCases) func whatAPostingReturnsIsWhatTheRowsHoldOverRandomPostings(_ backend: TestBackend) async throws {
        let f = try await LedgerFixture(backend)
        var wallets: [Account] = []
        for i in 0..<6 { wallets.append(try await f.wallet("2289000010\(i)", balance: 500_000, tier: 2)) }
        let fees = try f.ledger.context.systemAccount(.fees, of: "tmoney")
        let day = CivilDate.epochDay(millis: LedgerFixture.start)
        var random = SplitMix64(seed: 20_261_207)
        var seen = Set<String>()
        for round in 0..<120 {
            let from = wallets[Int(random.next() % 6)]
            let drawn = wallets[Int(random.next() % 6)]
            let to = drawn.id != from.id ? drawn : wallets[(wallets.firstIndex { $0.id == from.id }! + 1) % 6]
            let fee = random.next() % 3 == 0 ? Int64(0) : Int64(random.next() % 50 + 1)
            let counted = random.next() % 3
            let posting = TransferPosting(
                key: "post\(round)", debit: from.id, credit: to.id, amount: Int64(random.next() % 900 + 100), fee: fee,
                feeAccount: fee > 0 ? fees : nil, kind: .p2p, state: round % 5 == 0 ? .pending : .posted, operatorID: "tmoney", referencePrefix: "TM",
                parentID: nil, createdAt: LedgerFixture.start + Int64(round),
                outgoing: counted == 0 ? nil : TransferPosting.Outgoing(day: day, cap: counted == 1 ? nil : 100_000_000))
            seen.insert("fee \(fee > 0), counted \(counted != 0)")
            try await f.ledger.write { tx in
                let before = (
                    debit: try tx.account(id: from.id).balance, credit: try tx.account(id: to.id).balance, fees: try tx.account(id: fees).balance,
                    sent: try tx.rows.outgoing(account: from.id, day: day)
                )
                let posted = try tx.rows.postTransfer(posting)
                #expect(posted.debitAfter == before.debit - posting.amount - fee)
                #expect(posted.creditAfter == before.credit + posting.amount)
                #expect(try tx.account(id: from.id).balance == posted.debitAfter)
                #expect(try tx.account(id: to.id).balance == posted.creditAfter)
                #expect(try tx.account(id: fees).balance == before.fees + fee)
                #expect(try tx.rows.outgoing(account: from.id, day: day) == before.sent + (counted == 0 ? 0 : posting.amount))
                #expect(try tx.transfer(id: posted.mainID) == posting.main(posted).stored(as: posted.mainID))
                if fee > 0 {
                    #expect(posted.feeAfter == before.fees + fee)
                    let feeID = try #require(posted.feeID)
                    #expect(try tx.transfer(id: feeID) == posting.feeLeg(posted, parent: posted.mainID)?.stored(as: feeID))
                    #expect(try tx.transfer(idempotencyKey: posting.feeKey)?.id == feeID)
                } else {
                    #expect(posted.feeID == nil && posted.feeAfter == nil)
                }
            }
        }
        // Each of the four shapes (PostgreSQL's four statements) was posted.
        #expect(seen.count == 4, "\(seen)")
        #expect(try await f.ledger.verify().isClean)
    }

    @Test(arguments: TestBackend.allCases) func aRefusalByTheStoreLeavesNothing(_ backend: TestBackend) async throws {
        let f = try await LedgerFixture(backend)
        let payer = try await f.wallet("22890000201", balance: 1_000, tier: 2)
        let payee = try await f.wallet("22890000202", balance: 0, tier: 2)
        let fees = try f.ledger.context.systemAccount(.fees, of: "tmoney")
        let day = CivilDate.epochDay(millis: LedgerFixture.start)
        @Sendable func posting(_ key: String, amount: Int64, cap: Int64?) -> TransferPosting {
            TransferPosting(
                key: key, debit: payer.id, credit: payee.id, amount: amount, fee: 10, feeAccount: fees, kind: .p2p, state: .posted,
                operatorID: "tmoney", referencePrefix: "TM", parentID: nil, createdAt: LedgerFixture.start,
                outgoing: TransferPosting.Outgoing(day: day, cap: cap))
        }
        // A first transfer counts 500 toward the day.
        _ = try await f.ledger.write { tx in try tx.rows.postTransfer(posting("ok", amount: 500, cap: 10_000)) }
        let count = try await f.ledger.read { try $0.transferCount() }
        let state = { () async throws -> [Int64] in
            [
                try await f.balance(payer.id), try await f.balance(payee.id), try await f.balance(fees),
                try await f.ledger.read { try $0.outgoing(account: payer.id, day: day) },
            ]
        }
        let kept = try await state()
        #expect(kept == [490, 500, 10, 500])
        // The payer has 490: 490 + 10 of fee is more than it holds, whatever the rules above said.
        do {
            _ = try await f.ledger.write { tx in try tx.rows.postTransfer(posting("broke", amount: 490, cap: nil)) }
            Issue.record("a posting the payer cannot afford went through")
        } catch let error as LedgerError {
            #expect(error.code == .insufficientFunds, "\(error)")
        }
        // The counter holds 500: 100 more passes a cap of 550, on the total as it is now.
        do {
            _ = try await f.ledger.write { tx in try tx.rows.postTransfer(posting("capped", amount: 100, cap: 550)) }
            Issue.record("a posting past the day's cap went through")
        } catch let error as LedgerError {
            #expect(error.code == .limitExceeded && error.limit == .daily, "\(error)")
        }
        // A posting that would not balance is refused before it writes anything.
        for (fee, account) in [(Int64(10), Account.ID?.none), (0, fees), (-1, fees)] {
            var draft = posting("unbalanced", amount: 100, cap: nil)
            draft.fee = fee
            draft.feeAccount = account
            let unbalanced = draft
            do {
                _ = try await f.ledger.write { tx in try tx.rows.postTransfer(unbalanced) }
                Issue.record("a posting with a fee of \(fee) to \(String(describing: account)) went through")
            } catch let error as LedgerError {
                #expect(error.code == .storage, "\(error)")
            }
        }
        #expect(try await state() == kept)
        #expect(try await f.ledger.read { try $0.transferCount() } == count)
        #expect(try await f.ledger.read { try $0.transfer(idempotencyKey: "capped") } == nil)
        #expect(try await f.ledger.verify().isClean)
    }
}
