import Foundation
import GRDB
import GRDBSQLite
import Ledger
import Operators
import PrivateFiles

/// The embedded store: one SQLite file in WAL mode, opened once per process.
///
/// Reads run concurrently on snapshots; writes go through a group commit (``GroupCommitter``), so many
/// concurrent callers share one durable transaction.
public final class SQLiteLedgerStore: LedgerStore {
    public let path: String
    public let durability: Durability
    let pool: DatabasePool
    private let committer: GroupCommitter

    private init(path: String, pool: DatabasePool, durability: Durability, maxBatch: Int) {
        self.path = path
        self.pool = pool
        self.durability = durability
        self.committer = GroupCommitter(writer: pool, maxBatch: maxBatch)
    }

    /// The page cache of the writer connection, in KiB: a transfer's working set (the accounts and
    /// subscribers, the right edges of the transfer and outbox tables, the index pages the group commit
    /// touches) stays in memory; a miss is a read from the operating system's cache, not from the disk.
    public static let writerCacheKiB = 32_768
    /// The page cache of each reader connection, in KiB: readers look up a few rows each (a subscriber,
    /// a key, a statement), so they need less.
    public static let readerCacheKiB = 8_192
    /// Reader connections at most. Snapshot reads run concurrently up to this many; on a small machine
    /// more only add page caches.
    public static let maxReaders = 4
    /// What the ledger's page caches can hold at most, in MiB (the bound RSS is documented against).
    public static var pageCacheBoundMiB: Int { (writerCacheKiB + maxReaders * readerCacheKiB) / 1024 }

    /// Opens (creating if needed) the database at `path` and migrates it. The files are owner-only.
    ///
    /// - Throws: `LedgerError(.storage)` naming the file or its missing directory; `.configuration` if the
    ///   writer does not run with the durability asked for.
    public static func open(path: String, durability: Durability = .full, maxBatch: Int = 512) throws -> SQLiteLedgerStore {
        var configuration = Configuration()
        configuration.busyMode = .timeout(10)
        configuration.maximumReaderCount = maxReaders
        configuration.prepareDatabase { db in
            // Not `synchronous` here: DatabasePool switches the file to WAL after this closure and sets
            // `synchronous = NORMAL` on the writer as it does, which would silently override it.
            // Each connection has its own page cache: the bound is deliberate (see pageCacheBoundMiB), as six
            // connections of 64 MiB each once took the process to 475 MB under load.
            let cache = db.configuration.readonly ? readerCacheKiB : writerCacheKiB
            try db.execute(sql: "PRAGMA cache_size = -\(cache)")
            // A batch run again after a job failed puts each job in a savepoint, whose undo journal would
            // otherwise go to a temporary file: every page a job touches would be written to disk once more.
            try db.execute(sql: "PRAGMA temp_store = MEMORY")
        }
        do {
            try PrivateDatabaseFiles.prepare(databasePath: path)
            let pool = try DatabasePool(path: path, configuration: configuration)
            let applied = try applyDurability(durability, to: pool)
            var migrator = DatabaseMigrator()
            SQLiteSchema.register(in: &migrator)
            try migrator.migrate(pool)
            try PrivateDatabaseFiles.restrict(databasePath: path)
            return SQLiteLedgerStore(path: path, pool: pool, durability: applied, maxBatch: maxBatch)
        } catch let error as DatabaseError {
            throw LedgerError(.storage, "cannot open \(path): \(error.message ?? error.description)")
        } catch let error as PrivateFileError {
            throw LedgerError(.storage, error.message)
        }
    }

    /// Sets `synchronous` on the pool's single writer connection and reads it back from that same
    /// connection: a setting that did not apply is a refusal to start, never a silent downgrade.
    static func applyDurability(_ wanted: Durability, to pool: DatabasePool) throws -> Durability {
        let reading = try pool.writeWithoutTransaction { db -> Int? in
            try db.execute(sql: "PRAGMA synchronous = \(wanted.pragmaValue)")
            return try Int.fetchOne(db, sql: "PRAGMA synchronous")
        }
        guard let reading, let actual = Durability(pragmaValue: reading), actual == wanted else {
            throw LedgerError(
                .configuration, "the ledger writer runs with synchronous=\(reading.map(String.init) ?? "?"), not \(wanted.rawValue) as configured")
        }
        return actual
    }

    public var location: String { "sqlite:\(path)" }

    public func write<T: Sendable>(_ job: @escaping @Sendable (any LedgerStoreWriter) throws -> T) async throws -> T {
        try await committer.submit { db in try job(SQLiteRows(db: db)) }
    }

    public func read<T: Sendable>(_ work: @escaping @Sendable (any LedgerStoreReader) throws -> T) async throws -> T {
        do {
            return try await snapshotRead { db in try work(SQLiteRows(db: db)) }
        } catch {
            throw LedgerError.wrap(error)
        }
    }

    /// Runs `work` on a reader connection, in a snapshot, and frees the connection as soon as `work` returns.
    ///
    /// Not GRDB's `async` read: that one gives its connection back only once the calling task runs again, on the
    /// cooperative pool. When that pool is busy (a server at its limit) every reader stayed taken behind it, the
    /// reads waiting for one queued up on GRDB's one waiting queue, and the steps that read (a dial, a recipient
    /// look-up) took seconds while the others took milliseconds (`sika-bench sweep`, docs/BENCHMARKS.md).
    /// `asyncRead` gives the connection back on its own queue, whatever the caller's executor is doing.
    func snapshotRead<T: Sendable>(_ work: @escaping @Sendable (Database) throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            pool.asyncRead { database in
                continuation.resume(with: Result { try work(try database.get()) })
            }
        }
    }

    public func writerDurability() async throws -> Durability {
        let reading = try await pool.writeWithoutTransaction { db in try Int.fetchOne(db, sql: "PRAGMA synchronous") }
        guard let reading, let level = Durability(pragmaValue: reading) else {
            throw LedgerError(.storage, "unreadable synchronous setting \(reading.map(String.init) ?? "nil")")
        }
        return level
    }

    /// The page cache sizes in KiB as the writer connection and a reader connection report them now.
    public func pageCacheKiB() async throws -> (writer: Int, reader: Int) {
        // SQLite reports a size set in KiB as a negative number.
        let writer = try await pool.writeWithoutTransaction { db in try Int.fetchOne(db, sql: "PRAGMA cache_size") } ?? 0
        let reader = try await snapshotRead { db in try Int.fetchOne(db, sql: "PRAGMA cache_size") } ?? 0
        return (-writer, -reader)
    }

    /// The statements a transfer runs in the write lock whose compiled program, on the writer connection and
    /// this database's schema, opens a temporary b-tree (SQLite's `OpenEphemeral`): each costs the writer a
    /// b-tree and a pager made and freed per run. Empty is what the store is written for; a test keeps it so.
    public func hotStatementsWithTemporaryTables() async throws -> [String] {
        try await pool.writeWithoutTransaction { db in
            try LedgerSQL.hotPath.filter { _, sql in try Self.opcodes(db, sql).contains("OpenEphemeral") }.map(\.name)
        }
    }

    /// The opcodes of the program SQLite compiles `sql` to on this connection. The parameters stay unbound:
    /// `EXPLAIN` does not run the statement (GRDB's fetch would refuse it for its missing arguments).
    static func opcodes(_ db: Database, _ sql: String) throws -> [String] {
        let statement = try db.makeStatement(sql: "EXPLAIN " + sql)
        let handle = statement.sqliteStatement
        defer { sqlite3_reset(handle) }
        var opcodes: [String] = []
        while sqlite3_step(handle) == SQLITE_ROW {
            opcodes.append(sqlite3_column_text(handle, 1).map { String(cString: $0) } ?? "")
        }
        return opcodes
    }

    public var commitStats: CommitStats { committer.stats }

    public var queuedWrites: Int { committer.queued }

    public func close() async throws {
        try pool.close()
    }
}

extension Ledger {
    /// Opens a ledger on an SQLite file: the embedded default.
    public static func openSQLite(path: String, catalog: OperatorCatalog, options: Ledger.Options = Ledger.Options()) async throws -> Ledger {
        let store = try SQLiteLedgerStore.open(path: path, durability: options.durability, maxBatch: options.maxBatch)
        return try await Ledger.open(store: store, catalog: catalog, clock: options.clock)
    }
}
