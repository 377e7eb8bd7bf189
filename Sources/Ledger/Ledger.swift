import Foundation
import GRDB
import Logging

/// The shared double-entry ledger: accounts, transfers, limits, fees, the SMS outbox and the audit.
///
/// One SQLite file in WAL mode. Reads run concurrently on snapshots; writes go through a group
/// commit, so many concurrent callers share one durable transaction. Open it once per process.
public final class Ledger: Sendable {
    /// How the ledger stores and batches.
    public struct Options: Sendable {
        /// Most operations per transaction. 1 turns group commit off (one commit per operation).
        public var maxBatch: Int = 512
        /// `synchronous = FULL`: a commit survives power loss, not only a crash. Off only for throwaway databases.
        public var durable: Bool = true
        public var clock: @Sendable () -> Int64 = LedgerContext.systemClock
        /// Other modules' migrations (subscribers…), run after the ledger's in the same file.
        public var migrations: @Sendable (inout DatabaseMigrator) -> Void = { _ in }

        public init() {}
    }

    public let context: LedgerContext
    public let path: String
    let pool: DatabasePool
    private let committer: GroupCommitter

    private init(path: String, pool: DatabasePool, context: LedgerContext, maxBatch: Int) {
        self.path = path
        self.pool = pool
        self.context = context
        self.committer = GroupCommitter(writer: pool, maxBatch: maxBatch)
    }

    /// Opens (creating if needed) the ledger at `path`, migrates it, and makes sure every operator's
    /// system accounts exist.
    public static func open(path: String, catalog: OperatorCatalog, options: Options = Options()) throws -> Ledger {
        var configuration = Configuration()
        let durable = options.durable
        configuration.busyMode = .timeout(10)
        configuration.prepareDatabase { db in
            try db.execute(sql: durable ? "PRAGMA synchronous = FULL" : "PRAGMA synchronous = OFF")
            // The working set (accounts, recent transfers, index tops) stays in memory; a cache miss is a read syscall.
            try db.execute(sql: "PRAGMA cache_size = -65536")
            // Each group-commit job runs in a savepoint, whose undo journal would otherwise go to a
            // temporary file: every page a job touches would be written to disk once more.
            try db.execute(sql: "PRAGMA temp_store = MEMORY")
        }
        let pool: DatabasePool
        do {
            pool = try DatabasePool(path: path, configuration: configuration)
            var migrator = DatabaseMigrator()
            LedgerSchema.register(in: &migrator)
            options.migrations(&migrator)
            try migrator.migrate(pool)
        } catch let error as DatabaseError {
            throw LedgerError(.storage, "cannot open \(path): \(error.message ?? error.description)")
        }
        let systemAccounts = try pool.write { db in try createSystemAccounts(db, catalog: catalog, now: options.clock()) }
        let context = LedgerContext(catalog: catalog, systemAccounts: systemAccounts, clock: options.clock)
        return Ledger(path: path, pool: pool, context: context, maxBatch: options.maxBatch)
    }

    // MARK: Writing

    /// Runs `work` as one atomic unit inside the next group commit and returns once it is durable.
    /// If `work` throws, its changes are rolled back and only this caller gets the error.
    public func write<T: Sendable>(_ work: @escaping @Sendable (LedgerTransaction) throws -> T) async throws -> T {
        let context = self.context
        return try await committer.submit { db in try work(LedgerTransaction(db: db, context: context)) }
    }

    /// Applies one transfer (with its fee) in the next group commit.
    public func transfer(_ request: TransferRequest) async throws -> TransferReceipt {
        try await write { try $0.transfer(request) }
    }

    /// Posts a pending transfer.
    @discardableResult
    public func post(_ id: Transfer.ID) async throws -> Transfer {
        try await write { try $0.post(id) }
    }

    /// Voids a pending transfer, returning its money.
    @discardableResult
    public func void(_ id: Transfer.ID) async throws -> Transfer {
        try await write { try $0.void(id) }
    }

    /// Marks outbox messages delivered; a message already marked stays as it was.
    public func markDelivered(_ ids: [OutboxMessage.ID]) async throws {
        guard !ids.isEmpty else { return }
        try await write { tx in
            for id in ids { try tx.db.cachedStatement(sql: LedgerSQL.markDelivered).execute(arguments: [tx.now, id]) }
        }
    }

    /// Transactions and operations committed by this process's group commit.
    public var commitStats: CommitStats { committer.stats }

    /// Writes submitted and waiting for the next batch (not counting the batch being committed): lets a
    /// test know that the jobs it submitted will share one transaction, without guessing with sleeps.
    public var queuedWrites: Int { committer.queued }

    // MARK: Reading

    /// Runs read-only `work` on a consistent snapshot, concurrently with writes.
    public func read<T: Sendable>(_ work: @escaping @Sendable (Database) throws -> T) async throws -> T {
        do {
            return try await pool.read(work)
        } catch {
            throw LedgerError.wrap(error)
        }
    }

    public func account(code: String) async throws -> Account? {
        try await read { db in try LedgerQueries.account(db, code: code) }
    }

    public func account(id: Account.ID) async throws -> Account? {
        try await read { db in try LedgerQueries.account(db, id: id) }
    }

    public func transfer(id: Transfer.ID) async throws -> Transfer? {
        try await read { db in try LedgerQueries.transfer(db, id: id) }
    }

    /// The last `limit` movements of an account, newest first.
    public func statement(of account: Account.ID, limit: Int = 5) async throws -> [StatementEntry] {
        try await read { db in try LedgerQueries.statement(db, account: account, limit: limit) }
    }

    /// What a wallet has sent today (UTC).
    public func outgoingToday(_ account: Account.ID) async throws -> Int64 {
        let day = CivilDate.epochDay(millis: context.clock())
        return try await read { db in try Int64.fetchOne(db, sql: LedgerSQL.outgoingOnDay, arguments: [account, day]) ?? 0 }
    }

    /// SMS waiting for an operator's gateway, oldest first.
    public func undeliveredSMS(operatorID: String, limit: Int = 100) async throws -> [OutboxMessage] {
        try await read { db in try LedgerQueries.undeliveredSMS(db, operatorID: operatorID, limit: limit) }
    }

    /// Recomputes every balance from the transfers; see `AuditReport`.
    public func verify() async throws -> AuditReport {
        try await read { db in try LedgerQueries.verify(db) }
    }

    // MARK: Setup

    private static func createSystemAccounts(_ db: Database, catalog: OperatorCatalog, now: Int64) throws -> [String: Account.ID] {
        let systemKinds: [AccountKind] = [.issuance, .fees, .suspense, .airtime]
        for op in catalog.operators {
            for kind in systemKinds {
                try db.execute(
                    sql: LedgerSQL.insertSystemAccount,
                    arguments: [Account.Code.system(kind, op.id), kind.rawValue, op.id, "\(op.name) \(kind.rawValue)", now])
            }
            for other in catalog.operators where other.id != op.id {
                try db.execute(
                    sql: LedgerSQL.insertSystemAccount,
                    arguments: [
                        Account.Code.settlement(op.id, with: other.id), AccountKind.settlement.rawValue, op.id,
                        "\(op.name) settlement with \(other.name)", now,
                    ])
            }
        }
        let kinds = [AccountKind.issuance, .fees, .suspense, .airtime, .settlement].map { "'\($0.rawValue)'" }.joined(separator: ", ")
        let rows = try Row.fetchAll(db, sql: "SELECT code, id FROM accounts WHERE kind IN (\(kinds))")
        return Dictionary(uniqueKeysWithValues: rows.map { ($0[0] as String, $0[1] as Account.ID) })
    }
}
