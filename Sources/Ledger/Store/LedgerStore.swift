import Foundation

/// Where the ledger keeps its rows: one protocol, one implementation per database (`LedgerSQLite`,
/// `LedgerPostgres`), chosen by the process wiring. Everything above it — transfer rules, limits, PINs,
/// receipts — is written once, against these three protocols, and never sees SQL.
///
/// A store owes its callers three things: `write` runs a job atomically and answers only once the job
/// is durable at the store's ``durability``; a job that throws leaves nothing behind (no row, no
/// balance move, no counter) while the other jobs of the same batch commit; and `read` sees one
/// consistent snapshot.
public protocol LedgerStore: Sendable {
    /// Where the data lives, for people (`sqlite:/var/lib/sika/sika.sqlite`, `postgres://host/db`; never a password).
    var location: String { get }
    /// The durability the store's writer was configured with and confirmed at open.
    var durability: Durability { get }

    /// Runs `job` atomically in the store's next write batch (group commit) and returns its result once
    /// that batch is durable. If `job` throws, its effects are undone and only this caller gets the error.
    func write<T: Sendable>(_ job: @escaping @Sendable (any LedgerStoreWriter) throws -> T) async throws -> T

    /// ``write(_:)`` for a job that starts with ``LedgerStoreWriter/recheck(_:)`` of `expected` and, when it holds,
    /// posts that transfer and queues its receipts: a store may read what several such jobs of one batch need in
    /// one go and write them together. The job's answers and effects must be those ``write(_:)`` gives it; a job
    /// that does anything else still runs, only without the help.
    func write<T: Sendable>(expecting expected: TransferRecheck, _ job: @escaping @Sendable (any LedgerStoreWriter) throws -> T)
        async throws -> T

    /// Runs read-only `work` on a consistent snapshot, concurrently with writes.
    func read<T: Sendable>(_ work: @escaping @Sendable (any LedgerStoreReader) throws -> T) async throws -> T

    /// The durability the writer reports now, read from the writer connection itself.
    func writerDurability() async throws -> Durability

    /// Batches committed so far by this process.
    var commitStats: CommitStats { get }

    /// Jobs submitted and waiting for the next batch (not counting the batch being committed).
    var queuedWrites: Int { get }

    /// Releases connections; the store must not be used afterwards.
    func close() async throws
}

extension LedgerStore {
    /// A store without a batched path runs the job as any other.
    public func write<T: Sendable>(expecting _: TransferRecheck, _ job: @escaping @Sendable (any LedgerStoreWriter) throws -> T)
        async throws -> T
    {
        try await write(job)
    }
}

/// How well group commit is batching: operations per transaction is the figure that matters.
public struct CommitStats: Sendable, Hashable {
    public var transactions = 0
    public var operations = 0
    public var largestBatch = 0
    /// Time the writer spent running batches: near the wall time, the writer is the bottleneck.
    public var busy: Duration = .zero
    /// CPU time the writer's thread spent running batches (PostgreSQL: its writer threads' sum, the event loops that
    /// encode and decode their statements not in it). On a machine shared with other work `busy` also counts the time
    /// the thread waited for a core; this does not.
    public var busyCPU: Duration = .zero
    /// Batches run a second time, with a savepoint per job, because a job failed after it had written
    /// (SQLite: its first run has no savepoints; see the store). Near zero when refusals are decided before writes.
    public var reruns = 0
    /// Operations a store wrote together with the others of their batch, having read for them all at once
    /// (PostgreSQL's prepared transfers; see ``LedgerStore/write(expecting:_:)``). Zero on SQLite.
    public var batchedOperations = 0

    public init() {}

    /// The CPU time of the calling thread so far: what a store adds to ``busyCPU`` around a batch.
    public static func threadCPU() -> Duration {
        var now = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now)
        return .seconds(now.tv_sec) + .nanoseconds(now.tv_nsec)
    }
}
