import Foundation
import Ledger
import LedgerPostgres
import LedgerSQLite
import Operators

/// A fresh ledger, removed when the value goes away: an SQLite file in a temporary directory, or a schema of
/// its own on the PostgreSQL test server (see ``TestBackend``).
///
/// Durability is off by default (a throwaway ledger gains nothing from syncs); the temporary directory exists
/// for both backends, for the files a test writes beside the ledger.
public final class TestLedger: Sendable {
    public let ledger: Ledger
    public let directory: URL
    public let backend: TestBackend
    /// The PostgreSQL endpoint of this ledger (with its own schema), nil on SQLite.
    public let endpoint: PostgresEndpoint?

    private init(ledger: Ledger, directory: URL, backend: TestBackend, endpoint: PostgresEndpoint?) {
        self.ledger = ledger
        self.directory = directory
        self.backend = backend
        self.endpoint = endpoint
    }

    /// Opens a new ledger. `clock` moves time for daily caps and lockouts; `writers` is PostgreSQL's number of
    /// writer connections (SQLite has one writer), `batchesTransfers` whether its batches write prepared transfers
    /// together.
    public static func open(
        _ backend: TestBackend = .sqlite, catalog: OperatorCatalog = Shipped.catalog, maxBatch: Int = 512, durability: Durability = .off,
        writers: Int = 2, batchesTransfers: Bool = true, clock: @escaping @Sendable () -> Int64 = LedgerContext.systemClock
    ) async throws -> TestLedger {
        var options = Ledger.Options()
        options.maxBatch = maxBatch
        options.durability = durability
        options.clock = clock
        switch backend {
        case .sqlite:
            let directory = try temporaryDirectory("ledger")
            let ledger = try await Ledger.openSQLite(path: directory.appending(path: "ledger.sqlite").path, catalog: catalog, options: options)
            return TestLedger(ledger: ledger, directory: directory, backend: backend, endpoint: nil)
        case .postgres:
            let endpoint = try TestPostgres.endpoint().with(schema: TestPostgres.freshSchema())
            let directory = try temporaryDirectory("ledger")
            var store = PostgresLedgerStore.Options()
            // Tests run side by side against one server: few connections each.
            store.writers = writers
            store.readers = 1
            store.batchesTransfers = batchesTransfers
            let ledger = try await Ledger.openPostgres(endpoint: endpoint, catalog: catalog, options: options, store: store)
            return TestLedger(ledger: ledger, directory: directory, backend: backend, endpoint: endpoint)
        }
    }

    /// A new temporary directory named after `purpose`; the caller removes it.
    public static func temporaryDirectory(_ purpose: String) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appending(path: "sika-\(purpose)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    deinit {
        try? FileManager.default.removeItem(at: directory)
        if let store = ledger.store as? PostgresLedgerStore, let endpoint {
            Thread {
                store.closeNow()
                TestPostgres.drop(schema: endpoint.schema, of: endpoint)
            }.start()
        }
    }
}
