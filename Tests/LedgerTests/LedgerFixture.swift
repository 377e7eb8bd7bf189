import Foundation
import Ledger
import Synchronization

/// A fresh ledger in a temporary file with a clock the test controls, and two funded wallets.
final class LedgerFixture: Sendable {
    static let repository = URL(filePath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let catalog = try! OperatorCatalog.load(from: repository.appending(path: "menus/operators.yaml"))
    /// 2026-11-27 10:00 UTC.
    static let start: Int64 = 1_795_773_600_000

    let ledger: Ledger
    let directory: URL
    private let time = TestClock(LedgerFixture.start)

    init(maxBatch: Int = 512) throws {
        directory = FileManager.default.temporaryDirectory.appending(path: "sika-ledger-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        var options = Ledger.Options()
        options.maxBatch = maxBatch
        options.durable = false
        options.clock = time.read
        ledger = try Ledger.open(path: directory.appending(path: "ledger.sqlite").path, catalog: Self.catalog, options: options)
    }

    deinit { try? FileManager.default.removeItem(at: directory) }

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

/// A clock tests move by hand.
final class TestClock: Sendable {
    private let now: Mutex<Int64>
    init(_ start: Int64) { now = Mutex(start) }
    var read: @Sendable () -> Int64 { { self.now.withLock { $0 } } }
    func advance(minutes: Int64) { now.withLock { $0 += minutes * 60_000 } }
}
