import Foundation
import Ledger
import LedgerSQLite
import Operators

/// A fresh ledger in a temporary directory, removed when the value goes away.
///
/// The store is SQLite with durability off (a throwaway file gains nothing from syncs); the store
/// suites that must run against every backend take the store from ``TestStores``.
public final class TestLedger: Sendable {
    public let ledger: Ledger
    public let directory: URL

    private init(ledger: Ledger, directory: URL) {
        self.ledger = ledger
        self.directory = directory
    }

    /// Opens a new ledger. `clock` moves time for daily caps and lockouts.
    public static func open(
        catalog: OperatorCatalog = Shipped.catalog, maxBatch: Int = 512, durability: Durability = .off,
        clock: @escaping @Sendable () -> Int64 = LedgerContext.systemClock
    ) async throws -> TestLedger {
        let directory = try temporaryDirectory("ledger")
        var options = Ledger.Options()
        options.maxBatch = maxBatch
        options.durability = durability
        options.clock = clock
        let ledger = try await Ledger.openSQLite(path: directory.appending(path: "ledger.sqlite").path, catalog: catalog, options: options)
        return TestLedger(ledger: ledger, directory: directory)
    }

    /// A new temporary directory named after `purpose`; the caller removes it.
    public static func temporaryDirectory(_ purpose: String) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appending(path: "sika-\(purpose)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    deinit { try? FileManager.default.removeItem(at: directory) }
}
