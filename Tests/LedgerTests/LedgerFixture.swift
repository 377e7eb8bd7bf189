import Foundation
import Ledger
import Operators
import TestSupport

/// A fresh ledger on one backend, with a clock the test controls, and wallets on demand.
final class LedgerFixture: Sendable {
    static let catalog = Shipped.catalog
    /// 2026-11-27 10:00 UTC.
    static let start: Int64 = TestClock.start

    let storage: TestLedger
    private let time = TestClock()

    var ledger: Ledger { storage.ledger }
    var directory: URL { storage.directory }

    init(_ backend: TestBackend, maxBatch: Int = 512, writers: Int = 2) async throws {
        storage = try await TestLedger.open(backend, maxBatch: maxBatch, writers: writers, clock: time.read)
    }

    func advance(minutes: Int64) { time.advance(minutes: minutes) }

    /// Opens a wallet and funds it from the operator's issuance account.
    func wallet(_ msisdn: String, operatorID: String = "tmoney", balance: Int64 = 0, tier: Int = 1) async throws -> Account {
        let account = try await ledger.write { tx in
            try tx.openAccount(code: Account.Code.wallet(operatorID, msisdn), kind: .wallet, operatorID: operatorID, label: "W \(msisdn)", tier: tier)
        }
        if balance > 0 {
            let issuance = try ledger.context.systemAccount(.issuance, of: operatorID)
            _ = try await ledger.transfer(
                TransferRequest(idempotencyKey: "fund:\(msisdn)", debit: issuance, credit: account.id, amount: balance, kind: .cashIn))
        }
        return try await ledger.account(id: account.id)!
    }

    func balance(_ id: Account.ID) async throws -> Int64 { try await ledger.account(id: id)!.balance }
}
