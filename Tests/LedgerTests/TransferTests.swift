import Foundation
import Ledger
import TestSupport
import Testing

@Suite struct TransferTests {
    @Test(arguments: TestBackend.allCases) func transferIsDoubleEntryWithItsFee(_ backend: TestBackend) async throws {
        let f = try await LedgerFixture(backend)
        let a = try await f.wallet("22890000001", balance: 10_000)
        let b = try await f.wallet("22890000002")
        let receipt = try await f.ledger.transfer(
            TransferRequest(idempotencyKey: "k1", debit: a.id, credit: b.id, amount: 5000, kind: .p2p))
        #expect(receipt.fee == 50)
        #expect(receipt.debitBalanceAfter == 4950)
        #expect(receipt.creditBalanceAfter == 5000)
        #expect(receipt.reference.hasPrefix("TM261127."))
        #expect(try await f.balance(a.id) == 4950)
        #expect(try await f.balance(b.id) == 5000)
        let fees = try f.ledger.context.systemAccount(.fees, of: "tmoney")
        #expect(try await f.balance(fees) == 50)
        let report = try await f.ledger.verify()
        #expect(report.isClean, "\(report)")
        #expect(report.total == 0)
    }

    @Test(arguments: TestBackend.allCases) func insufficientFundsCountsTheFee(_ backend: TestBackend) async throws {
        let f = try await LedgerFixture(backend)
        let a = try await f.wallet("22890000001", balance: 5000)
        let b = try await f.wallet("22890000002")
        await #expect(throws: LedgerError(.insufficientFunds, "balance 5000 is below 5050")) {
            try await f.ledger.transfer(TransferRequest(idempotencyKey: "k", debit: a.id, credit: b.id, amount: 5000, kind: .p2p))
        }
        #expect(try await f.balance(a.id) == 5000)
        #expect(try await f.ledger.transfer(id: 3) == nil)
    }

    @Test(arguments: TestBackend.allCases) func theDatabaseItselfRefusesNegativeWallets(_ backend: TestBackend) async throws {
        let f = try await LedgerFixture(backend)
        let a = try await f.wallet("22890000001", balance: 100)
        // Bypass every rule and write the balance through the store: the store itself must refuse it.
        await #expect(throws: LedgerError(.insufficientFunds, "the balance would go below zero")) {
            try await f.ledger.write { tx in _ = try tx.rows.addToBalance(a.id, -101) }
        }
        #expect(try await f.balance(a.id) == 100)
        // System accounts carry the negative side and may go below zero.
        let issuance = try f.ledger.context.systemAccount(.issuance, of: "tmoney")
        #expect(try await f.balance(issuance) == -100)
    }

    @Test(arguments: TestBackend.allCases) func replayReturnsTheFirstResultAndConflictIsRefused(_ backend: TestBackend) async throws {
        let f = try await LedgerFixture(backend)
        let a = try await f.wallet("22890000001", balance: 10_000)
        let b = try await f.wallet("22890000002")
        let request = TransferRequest(idempotencyKey: "same", debit: a.id, credit: b.id, amount: 1000, kind: .p2p)
        let first = try await f.ledger.transfer(request)
        let second = try await f.ledger.transfer(request)
        #expect(!first.replayed)
        #expect(second.replayed)
        #expect(second.transfer == first.transfer)
        #expect(second.feeTransfer == first.feeTransfer)
        #expect(try await f.balance(a.id) == 10_000 - 1010)
        var different = request
        different.amount = 2000
        let conflict = await #expect(throws: LedgerError.self) { try await f.ledger.transfer(different) }
        #expect(conflict?.code == .idempotencyConflict)
        var otherReceiver = request
        otherReceiver.credit = try f.ledger.context.systemAccount(.fees, of: "tmoney")
        let rerouted = await #expect(throws: LedgerError.self) { try await f.ledger.transfer(otherReceiver) }
        #expect(rerouted?.code == .idempotencyConflict)
        #expect(try await f.balance(a.id) == 10_000 - 1010)
        #expect(try await f.balance(b.id) == 1000)
    }

    @Test(arguments: TestBackend.allCases) func pendingIsPostedOrVoidedExactlyOnce(_ backend: TestBackend) async throws {
        let f = try await LedgerFixture(backend)
        let a = try await f.wallet("22890000001", balance: 10_000)
        let suspense = try f.ledger.context.systemAccount(.suspense, of: "tmoney")
        let pending = try await f.ledger.transfer(
            TransferRequest(idempotencyKey: "p1", debit: a.id, credit: suspense, amount: 5000, kind: .offNet, pending: true))
        #expect(pending.transfer.state == .pending)
        #expect(pending.fee == 100)
        #expect(try await f.balance(a.id) == 4900, "a pending transfer holds the money at once")
        let posted = try await f.ledger.post(pending.transfer.id)
        #expect(posted.state == .posted)
        await #expect(throws: LedgerError(.alreadyFinal, "transfer \(pending.reference) is already posted")) {
            try await f.ledger.post(pending.transfer.id)
        }
        await #expect(throws: LedgerError(.alreadyFinal, "transfer \(pending.reference) is already posted")) {
            try await f.ledger.void(pending.transfer.id)
        }

        let second = try await f.ledger.transfer(
            TransferRequest(idempotencyKey: "p2", debit: a.id, credit: suspense, amount: 1000, kind: .offNet, pending: true))
        #expect(try await f.ledger.outgoingToday(a.id) == 6000)
        let voided = try await f.ledger.void(second.transfer.id)
        #expect(voided.state == .voided)
        #expect(try await f.balance(a.id) == 4900, "void gives the money and the fee back")
        #expect(try await f.ledger.outgoingToday(a.id) == 5000, "void frees the daily room it took")
        let voidAgain = await #expect(throws: LedgerError.self) { try await f.ledger.void(second.transfer.id) }
        #expect(voidAgain?.code == .alreadyFinal && voidAgain?.message == "transfer \(second.reference) is already voided")
        let postAfterVoid = await #expect(throws: LedgerError.self) { try await f.ledger.post(second.transfer.id) }
        #expect(postAfterVoid?.code == .alreadyFinal && postAfterVoid?.message == "transfer \(second.reference) is already voided")
        #expect(try await f.balance(a.id) == 4900, "a refused second decision moves nothing")
        #expect(try await f.ledger.outgoingToday(a.id) == 5000)
        #expect(try await f.ledger.transfer(id: second.transfer.id)?.state == .voided)
        let unknown = await #expect(throws: LedgerError.self) { try await f.ledger.post(999_999) }
        #expect(unknown?.code == .unknownTransfer)
        let report = try await f.ledger.verify()
        #expect(report.isClean, "\(report)")
    }

    @Test(arguments: TestBackend.allCases) func aTransferItsFeeAndItsReceiptsCommitTogetherOrNotAtAll(_ backend: TestBackend) async throws {
        let f = try await LedgerFixture(backend)
        let a = try await f.wallet("22890000001", balance: 10_000)
        let b = try await f.wallet("22890000002")
        struct Boom: Error {}
        await #expect(throws: Boom.self) {
            try await f.ledger.write { tx in
                _ = try tx.transfer(TransferRequest(idempotencyKey: "atomic", debit: a.id, credit: b.id, amount: 1000, kind: .p2p))
                try tx.enqueueSMS(to: "22890000001", operatorID: "tmoney", body: "receipt", transferID: nil)
                throw Boom()
            }
        }
        #expect(try await f.balance(a.id) == 10_000)
        #expect(try await f.balance(b.id) == 0)
        #expect(try await f.ledger.undeliveredSMS(operatorID: "tmoney").isEmpty)
        #expect(try await f.ledger.read { try $0.transfer(idempotencyKey: "atomic") } == nil)
        #expect(try await f.ledger.read { try $0.transfer(idempotencyKey: "atomic#fee") } == nil)
    }

    @Test(arguments: TestBackend.allCases) func selfTransferAndBadAmountsAreRefused(_ backend: TestBackend) async throws {
        let f = try await LedgerFixture(backend)
        let a = try await f.wallet("22890000001", balance: 10_000)
        let same = await #expect(throws: LedgerError.self) {
            try await f.ledger.transfer(TransferRequest(idempotencyKey: "s", debit: a.id, credit: a.id, amount: 100, kind: .p2p))
        }
        #expect(same?.code == .sameAccount)
        let b = try await f.wallet("22890000002")
        for amount: Int64 in [0, -5] {
            let bad = await #expect(throws: LedgerError.self) {
                try await f.ledger.transfer(TransferRequest(idempotencyKey: "z\(amount)", debit: a.id, credit: b.id, amount: amount, kind: .p2p))
            }
            #expect(bad?.code == .invalidAmount, "amount \(amount)")
        }
        #expect(try await f.balance(a.id) == 10_000)
        #expect(try await f.balance(b.id) == 0)
        #expect(try await f.ledger.outgoingToday(a.id) == 0)
        for key in ["s", "z0", "z-5"] {
            #expect(try await f.ledger.read { try $0.transfer(idempotencyKey: key) } == nil)
        }
    }

    @Test(arguments: TestBackend.allCases) func statementIsNewestFirstWithFeeCounterpartyAndReference(_ backend: TestBackend) async throws {
        let f = try await LedgerFixture(backend)
        let a = try await f.wallet("22890000001", balance: 10_000)
        let b = try await f.wallet("22890000002", balance: 3000)
        let out = try await f.ledger.transfer(TransferRequest(idempotencyKey: "s1", debit: a.id, credit: b.id, amount: 2000, kind: .p2p))
        f.advance(minutes: 1)
        let back = try await f.ledger.transfer(TransferRequest(idempotencyKey: "s2", debit: b.id, credit: a.id, amount: 500, kind: .p2p))
        let lines = try await f.ledger.statement(of: a.id, limit: 10)
        #expect(lines.map(\.reference) == [back.reference, out.reference, lines[2].reference])
        #expect(lines[0].signedAmount == 500)
        #expect(lines[0].fee == 0)
        #expect(lines[0].counterpartyMSISDN == "22890000002")
        #expect(lines[0].balanceAfter == 10_000 - 2050 + 500)
        #expect(lines[1].signedAmount == -2000)
        #expect(lines[1].fee == 50)
        #expect(lines[1].balanceAfter == 10_000 - 2050)
        #expect(lines[2].transfer.kind == .cashIn)
        #expect(try await f.ledger.statement(of: a.id, limit: 1).count == 1)
        #expect(try await f.ledger.outgoingToday(a.id) == 2000)
    }

    @Test(arguments: TestBackend.allCases) func verifyReportsEachDiscrepancy(_ backend: TestBackend) async throws {
        let f = try await LedgerFixture(backend)
        let a = try await f.wallet("22890000001", balance: 10_000)
        // A balance written without its transfer, as a bug or a hand edit would.
        try await f.ledger.write { tx in _ = try tx.rows.addToBalance(a.id, 7) }
        let report = try await f.ledger.verify()
        #expect(!report.isClean)
        #expect(report.discrepancies.contains(.balanceMismatch(account: a.code, stored: 10_007, recomputed: 10_000)))
        #expect(report.discrepancies.contains(.nonZeroTotal(7)))
    }
}
