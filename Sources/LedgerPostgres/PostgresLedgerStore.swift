import Foundation
import Ledger
import Logging
import NIOCore
import NIOPosix
import Operators
import Synchronization

/// The ledger on PostgreSQL: for an operator that outgrows one process, and for several `sika serve`
/// nodes in front of one database.
///
/// Writes go through several writer connections at once, each with its own group commit (see
/// ``PostgresWriterPool``); reads run on their own connections, each on one snapshot. Jobs stay the
/// synchronous closures the rules above are written against: they run on dedicated threads, each of their
/// statements a blocking wait on postgres-nio, never on the Swift concurrency pool.
public final class PostgresLedgerStore: LedgerStore {
    /// How many connections the store opens, and how it batches.
    public struct Options: Sendable {
        /// Writer connections, each committing its own batches.
        public var writers = 4
        /// Reader connections.
        public var readers = 2
        /// Most jobs per transaction; 1 commits each job alone.
        public var maxBatch = 512
        /// What an answered commit survives (`synchronous_commit`), read back from every writer.
        public var durability: Durability = .full
        /// How long a writer keeps trying to reach a server that went away before failing its jobs.
        public var reconnectWindow: Duration = .seconds(30)
        /// Whether the prepared transfers of a batch are read for and written together (``PostgresBatchPosting``);
        /// false runs each the plain way, statement by statement (the baseline the benchmark compares with).
        public var batchesTransfers = true
        /// Asked before each batch's `COMMIT`: a fault to make there instead (tests only; nil in production).
        public var commitFault: (@Sendable () -> CommitFault?)?

        public init() {}
    }

    public let endpoint: PostgresEndpoint
    public let durability: Durability
    /// What the writers' server said of their durability, for people.
    public let durabilityReading: String
    private let writers: PostgresWriterPool
    private let readers: PostgresReaderPool
    private let closed = Mutex(false)

    private init(endpoint: PostgresEndpoint, durability: Durability, reading: String, writers: PostgresWriterPool, readers: PostgresReaderPool) {
        self.endpoint = endpoint
        self.durability = durability
        self.durabilityReading = reading
        self.writers = writers
        self.readers = readers
    }

    /// Connects, migrates the schema and starts the writers and readers.
    ///
    /// - Throws: `LedgerError(.storage)` naming the server when it cannot be reached or refuses; `.configuration`
    ///   when a writer does not run with the durability configured (`synchronous_commit`, `fsync` read back).
    public static func open(
        endpoint: PostgresEndpoint, options: Options = Options(), group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        logger: Logger = Logger(label: "sika.ledger.postgres")
    ) async throws -> PostgresLedgerStore {
        precondition(options.writers >= 1 && options.readers >= 1 && options.maxBatch >= 1)
        return try await BlockingWork.run {
            do {
                let setup = try BlockingPostgresConnection.connect(to: endpoint, applicationName: "sika-setup", group: group, logger: logger)
                defer { setup.close() }
                try PostgresMigrator.migrate(setup, PostgresLedgerSchema.migrations)
                let reading = try PostgresSessionSetup.writer(setup, durability: options.durability)
                let spread = SpreadAccounts(try setup.query(PostgresLedgerSQL.systemAccountIDs).map { try PostgresCells($0).int(0) })
                var settings = PostgresWriterPool.Settings(
                    endpoint: endpoint, durability: options.durability, writers: options.writers, maxBatch: options.maxBatch)
                settings.reconnectWindow = options.reconnectWindow
                settings.commitFault = options.commitFault
                settings.batchesTransfers = options.batchesTransfers
                let writers = PostgresWriterPool(settings: settings, group: group, spread: spread, logger: logger)
                try writers.start()
                let readers = PostgresReaderPool(endpoint: endpoint, readers: options.readers, group: group, logger: logger)
                do {
                    try readers.start()
                } catch {
                    writers.close()
                    throw error
                }
                return PostgresLedgerStore(endpoint: endpoint, durability: options.durability, reading: reading, writers: writers, readers: readers)
            } catch let error as PostgresStoreError {
                throw LedgerError(error.code == .configuration ? .configuration : .storage, error.message)
            } catch let error as LedgerError {
                throw error
            } catch {
                throw LedgerError(.storage, "cannot open the ledger on \(endpoint.location): \(PostgresFailure.summary(error))")
            }
        }
    }

    public var location: String { endpoint.location }

    public func write<T: Sendable>(_ job: @escaping @Sendable (any LedgerStoreWriter) throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            writers.submit(PostgresJob(work: job, continuation: continuation))
        }
    }

    /// Several prepared transfers in one batch are read for together and written together (``PostgresBatchPosting``).
    public func write<T: Sendable>(expecting expected: TransferRecheck, _ job: @escaping @Sendable (any LedgerStoreWriter) throws -> T)
        async throws -> T
    {
        try await withCheckedThrowingContinuation { continuation in
            writers.submit(PostgresJob(work: job, continuation: continuation, expected: writers.settings.batchesTransfers ? expected : nil))
        }
    }

    public func read<T: Sendable>(_ work: @escaping @Sendable (any LedgerStoreReader) throws -> T) async throws -> T {
        try await readers.read(work)
    }

    /// The durability every writer connection reports now (`SHOW synchronous_commit`, `SHOW fsync`), each
    /// read on that connection; an error if one of them does not run as configured.
    public func writerDurability() async throws -> Durability {
        let configured = durability
        let levels = try await writers.onEveryWriter { connection in
            let reading = try connection.scalarText("SHOW synchronous_commit")
            let fsync = try connection.scalarText("SHOW fsync")
            guard let level = Durability(synchronousCommit: reading, fsync: fsync, configured: configured) else {
                throw LedgerError(.storage, "unreadable durability: synchronous_commit=\(reading), fsync=\(fsync)")
            }
            return level
        }
        guard let first = levels.first, levels.allSatisfy({ $0 == first }) else {
            throw LedgerError(.configuration, "the writer connections disagree on their durability: \(levels.map(\.rawValue))")
        }
        return first
    }

    /// What every writer's server reports, for people: `synchronous_commit=on, fsync=on (…)`.
    public func writerDurabilityReading() async throws -> String {
        let readings = try await writers.onEveryWriter { connection in
            Durability.postgresDescription(
                synchronousCommit: try connection.scalarText("SHOW synchronous_commit"), fsync: try connection.scalarText("SHOW fsync"))
        }
        return Set(readings).sorted().joined(separator: "; ")
    }

    public var commitStats: CommitStats { writers.commitStats }

    public var queuedWrites: Int { writers.queued }

    public func close() async throws {
        guard
            closed.withLock({ closed in
                defer { closed = true }; return !closed
            })
        else { return }
        let writers = writers
        let readers = readers
        try await BlockingWork.run {
            writers.close()
            readers.close()
        }
    }

    deinit {
        // Dropped without `close()`: the threads stop and close their connections on their own.
        if !closed.withLock({ $0 }) {
            writers.stop()
            readers.stop()
        }
    }

    /// Closes the connections from synchronous code (a test's clean-up); waits for the threads to finish.
    public func closeNow() {
        guard
            closed.withLock({ closed in
                defer { closed = true }; return !closed
            })
        else { return }
        writers.close()
        readers.close()
    }
}

extension Ledger {
    /// Opens a ledger on PostgreSQL.
    public static func openPostgres(
        endpoint: PostgresEndpoint, catalog: OperatorCatalog, options: Ledger.Options = Ledger.Options(),
        store storeOptions: PostgresLedgerStore.Options = PostgresLedgerStore.Options()
    ) async throws -> Ledger {
        var storeOptions = storeOptions
        storeOptions.durability = options.durability
        storeOptions.maxBatch = options.maxBatch
        let store = try await PostgresLedgerStore.open(endpoint: endpoint, options: storeOptions)
        do {
            return try await Ledger.open(store: store, catalog: catalog, clock: options.clock)
        } catch {
            try? await store.close()
            throw error
        }
    }
}
