import Foundation
import Operators

/// The shared double-entry ledger: accounts, transfers, limits, fees, the SMS outbox and the audit.
///
/// The rules live here; the rows live in a ``LedgerStore`` (SQLite embedded, PostgreSQL past one
/// machine), chosen by whoever opens the ledger. Writes go through the store's group commit, so many
/// concurrent callers share one durable transaction. Open it once per process.
public final class Ledger: Sendable {
    /// How the ledger's store writes, and the clock.
    public struct Options: Sendable {
        /// Most operations per transaction. 1 turns group commit off (one commit per operation).
        public var maxBatch: Int = 512
        /// What an answered commit survives; see ``Durability``. Stores read it back from their writer
        /// and refuse to open if it did not apply.
        public var durability: Durability = .full
        /// `true` is ``Durability/full``; `false` is ``Durability/off`` (throwaway databases).
        public var durable: Bool {
            get { durability != .off }
            set { durability = newValue ? .full : .off }
        }
        /// Milliseconds since 1970, UTC. Injected so that tests can move time (daily caps, lockouts).
        public var clock: @Sendable () -> Int64 = LedgerContext.systemClock

        public init() {}
    }

    public let context: LedgerContext
    public let store: any LedgerStore

    private init(store: any LedgerStore, context: LedgerContext) {
        self.store = store
        self.context = context
    }

    /// Opens the ledger on `store` and makes sure every operator's system accounts exist.
    public static func open(store: any LedgerStore, catalog: OperatorCatalog, clock: @escaping @Sendable () -> Int64 = LedgerContext.systemClock)
        async throws -> Ledger
    {
        let now = clock()
        let systemAccounts = try await store.write { rows in
            try createSystemAccounts(rows, catalog: catalog, now: now)
            return try rows.systemAccounts()
        }
        return Ledger(store: store, context: LedgerContext(catalog: catalog, systemAccounts: systemAccounts, clock: clock))
    }

    /// Where the rows live, for people (never a password).
    public var location: String { store.location }
    /// The durability the store's writer confirmed at open.
    public var durability: Durability { store.durability }

    /// The durability the writer connection reports now.
    public func writerDurability() async throws -> Durability { try await store.writerDurability() }

    // MARK: Writing

    /// Runs `work` as one atomic unit inside the next group commit and returns once it is durable.
    /// If `work` throws, its changes are rolled back and only this caller gets the error.
    public func write<T: Sendable>(_ work: @escaping @Sendable (LedgerTransaction) throws -> T) async throws -> T {
        let context = self.context
        return try await store.write { rows in try work(LedgerTransaction(rows: rows, context: context)) }
    }

    /// ``write(_:)`` for work that starts with the recheck of `expected`: see ``LedgerStore/write(expecting:_:)``.
    public func write<T: Sendable>(expecting expected: TransferRecheck?, _ work: @escaping @Sendable (LedgerTransaction) throws -> T)
        async throws -> T
    {
        guard let expected else { return try await write(work) }
        let context = self.context
        return try await store.write(expecting: expected) { rows in try work(LedgerTransaction(rows: rows, context: context)) }
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
        try await write { tx in try tx.rows.markDelivered(ids, at: tx.now) }
    }

    /// Claims undelivered messages of `operatorID` for `claimant` (a node) for `lease`: no other claimant gets them
    /// until they are delivered or the lease lapses (see ``LedgerStoreWriter/claimSMS(operatorID:claimant:until:now:limit:)``).
    public func claimSMS(operatorID: String, claimant: String, lease: Duration, limit: Int = 100) async throws -> [OutboxMessage] {
        let millis = lease.components.seconds * 1000 + lease.components.attoseconds / 1_000_000_000_000_000
        return try await write { tx in
            try tx.rows.claimSMS(operatorID: operatorID, claimant: claimant, until: tx.now + millis, now: tx.now, limit: limit)
        }
    }

    /// Transactions and operations committed by this process's group commit.
    public var commitStats: CommitStats { store.commitStats }

    /// Writes submitted and waiting for the next batch (not counting the batch being committed): lets a
    /// test know that the jobs it submitted will share one transaction, without guessing with sleeps.
    public var queuedWrites: Int { store.queuedWrites }

    // MARK: Reading

    /// Runs read-only `work` on a consistent snapshot, concurrently with writes.
    public func read<T: Sendable>(_ work: @escaping @Sendable (any LedgerStoreReader) throws -> T) async throws -> T {
        try await store.read(work)
    }

    public func account(code: String) async throws -> Account? {
        try await read { try $0.account(code: code) }
    }

    public func account(id: Account.ID) async throws -> Account? {
        try await read { try $0.account(id: id) }
    }

    public func transfer(id: Transfer.ID) async throws -> Transfer? {
        try await read { try $0.transfer(id: id) }
    }

    /// The last `limit` movements of an account, newest first.
    public func statement(of account: Account.ID, limit: Int = 5) async throws -> [StatementEntry] {
        try await read { try Self.statement($0, account: account, limit: limit) }
    }

    /// What a wallet has sent today (UTC).
    public func outgoingToday(_ account: Account.ID) async throws -> Int64 {
        let day = CivilDate.epochDay(millis: context.clock())
        return try await read { try $0.outgoing(account: account, day: day) }
    }

    /// SMS waiting for an operator's gateway, oldest first.
    public func undeliveredSMS(operatorID: String, limit: Int = 100) async throws -> [OutboxMessage] {
        try await read { try $0.undeliveredSMS(operatorID: operatorID, limit: limit) }
    }

    /// Recomputes every balance from the transfers; see `AuditReport`.
    public func verify() async throws -> AuditReport {
        try await read { try Self.verify($0) }
    }

    /// The last `limit` movements of an account, newest first, fees folded into their movement.
    ///
    /// - Parameter before: only movements with a smaller transfer id (a pagination cursor).
    public static func statement(_ rows: any LedgerStoreReader, account: Account.ID, limit: Int, before: Transfer.ID = .max) throws
        -> [StatementEntry]
    {
        try rows.statement(account: account, limit: limit, before: before).map { row in
            let transfer = row.transfer
            let outgoing = transfer.debitAccount == account
            return StatementEntry(
                transfer: transfer,
                signedAmount: outgoing ? -transfer.amount : transfer.amount,
                fee: outgoing ? transfer.fee : 0,
                counterpartyLabel: row.counterpartyLabel,
                counterpartyMSISDN: row.counterpartyKind == .wallet ? row.counterpartyCode.split(separator: ":").last.map(String.init) : nil,
                counterpartyKind: row.counterpartyKind,
                // The main row records the balance before its fee leg; the wallet's real balance is after it.
                balanceAfter: outgoing ? transfer.debitBalanceAfter - transfer.fee : transfer.creditBalanceAfter)
        }
    }

    /// Recomputes every balance from the transfers and checks the ledger's invariants.
    public static func verify(_ rows: any LedgerStoreReader) throws -> AuditReport {
        var discrepancies: [AuditReport.Discrepancy] = []
        var total: Int64 = 0
        var accounts = 0
        for row in try rows.balanceCheck() {
            accounts += 1
            total += row.stored
            if row.stored != row.recomputed {
                discrepancies.append(.balanceMismatch(account: row.code, stored: row.stored, recomputed: row.recomputed))
            }
            if row.kind?.isCustomerHeld ?? true, row.stored < 0 { discrepancies.append(.negativeBalance(account: row.code, balance: row.stored)) }
        }
        if total != 0 { discrepancies.append(.nonZeroTotal(total)) }
        for mismatch in try rows.feeStateMismatches() {
            discrepancies.append(.feeStateMismatch(transfer: mismatch.fee, parent: mismatch.parent))
        }
        return AuditReport(accounts: accounts, transfers: try rows.transferCount(), total: total, discrepancies: discrepancies)
    }

    // MARK: Setup

    private static func createSystemAccounts(_ rows: any LedgerStoreWriter, catalog: OperatorCatalog, now: Int64) throws {
        let systemKinds: [AccountKind] = [.issuance, .fees, .suspense, .airtime]
        for op in catalog.operators {
            for kind in systemKinds {
                try rows.insertSystemAccountIfMissing(
                    code: Account.Code.system(kind, op.id), kind: kind, operatorID: op.id, label: "\(op.name) \(kind.rawValue)", createdAt: now)
            }
            for other in catalog.operators where other.id != op.id {
                try rows.insertSystemAccountIfMissing(
                    code: Account.Code.settlement(op.id, with: other.id), kind: .settlement, operatorID: op.id,
                    label: "\(op.name) settlement with \(other.name)", createdAt: now)
            }
        }
    }
}
