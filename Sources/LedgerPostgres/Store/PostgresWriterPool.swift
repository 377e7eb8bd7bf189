import Foundation
import Ledger
import Logging
import NIOCore

/// Several writer connections, each on its own thread, each running group commit: it takes the jobs
/// waiting (its share of them, when other writers are idle), runs them in one transaction with a savepoint
/// per job, and commits once for all of them.
///
/// - A job that throws is rolled back to its savepoint alone; its caller gets its error, the others commit.
/// - A job that met another transaction's lock (see ``PostgresRows``) or a duplicate inserted a moment ago
///   is rolled back alone and queued again, first in line.
/// - A deadlock, a serialization failure or a lost connection before `COMMIT` re-runs the whole batch
///   (jobs are pure functions of the store), a bounded number of times with backoff, on a new connection
///   if needed. A connection lost *during* `COMMIT` is resolved by reading back, once reconnected, the
///   writer's row in `writer_batches`, which each attempt sets to a number of its own inside its transaction:
///   the number committed answers the callers, any other re-runs the batch. (Not `txid_status` of the
///   transaction's id: after a crash the server hands out again the ids of transactions whose log it lost,
///   so a lost batch's id could read as committed by another transaction.)
/// - No caller is answered before the transaction holding its job committed: an answer means durable.
final class PostgresWriterPool: @unchecked Sendable {
    struct Settings: Sendable {
        var endpoint: PostgresEndpoint
        var durability: Durability
        var writers: Int
        var maxBatch: Int
        /// How long a writer keeps trying to reach the server before it fails the jobs it holds.
        var reconnectWindow: Duration = .seconds(30)
        /// Whole-batch re-runs (deadlock, serialization, lost connection) before the jobs fail.
        var maxAttempts = 8
        /// Re-runs of one job that kept meeting other transactions' locks before it fails as busy.
        var maxReruns = 200
        /// Whether a batch's prepared transfers are read for and written together (``PostgresBatchPosting``).
        var batchesTransfers = true
        /// The fewest prepared transfers a batch writes together. Its read and its writes are about fifteen
        /// statements whatever their number, a transfer the plain way six (eight with its savepoint): with one
        /// or two the plain way is quicker (measured at one caller: 300 transfers/s plain, 200 batched).
        var batchesFrom = 3
        /// Tests only: a connection lost at `COMMIT` on purpose.
        var commitFault: (@Sendable () -> CommitFault?)?
    }

    let settings: Settings
    let group: any EventLoopGroup
    let logger: Logger
    let spread: SpreadAccounts
    /// Guards everything below; writers wait on it for work.
    private let condition = NSCondition()
    private var queue: [any PostgresPendingWrite] = []
    /// The parties of the prepared transfers in each writer's running batch (see ``take(_:for:)``).
    private var held: [Int: Set<Account.ID>] = [:]
    private var mailboxes: [[Control]]
    private var idle = 0
    private var closing = false
    private var running = 0
    private var stats = CommitStats()
    private var writers: [Writer] = []

    init(settings: Settings, group: any EventLoopGroup, spread: SpreadAccounts, logger: Logger) {
        self.settings = settings
        self.group = group
        self.spread = spread
        self.logger = logger
        mailboxes = Array(repeating: [], count: settings.writers)
    }

    /// Connects every writer (checking the durability each runs with) and starts its thread.
    ///
    /// - Throws: the first writer's failure to connect or to run with the configured durability.
    func start() throws {
        for index in 0..<settings.writers {
            let writer = Writer(index: index, pool: self)
            try writer.connect()
            writers.append(writer)
        }
        condition.withLock { running = writers.count }
        for writer in writers {
            let thread = Thread { writer.loop() }
            thread.name = "sika.pg.writer.\(writer.index)"
            thread.start()
        }
    }

    var commitStats: CommitStats { condition.withLock { stats } }

    var queued: Int { condition.withLock { queue.count } }

    /// Queues a job for the next batch of any writer.
    func submit(_ job: any PostgresPendingWrite) {
        let refused = condition.withLock { () -> Bool in
            guard !closing else { return true }
            queue.append(job)
            condition.signal()
            return false
        }
        if refused { job.fail(with: LedgerError(.storage, "the ledger store is closed")) }
    }

    /// Runs `work` on every writer's connection, between batches, and returns each writer's result.
    func onEveryWriter<T: Sendable>(_ work: @escaping @Sendable (BlockingPostgresConnection) throws -> T) async throws -> [T] {
        try await withThrowingTaskGroup(of: T.self) { group in
            for index in 0..<settings.writers {
                group.addTask {
                    try await withCheckedThrowingContinuation { continuation in
                        self.post(to: index) { connection in continuation.resume(with: Result { try work(connection.get()) }) }
                    }
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
    }

    /// Work for one writer's connection between batches, or the reason it has none.
    typealias Control = @Sendable (Result<BlockingPostgresConnection, any Error>) -> Void

    private func post(to index: Int, _ work: @escaping Control) {
        condition.withLock {
            mailboxes[index].append(work)
            condition.broadcast()
        }
    }

    /// Stops taking jobs, lets the writers finish what is queued, and closes their connections.
    func close() {
        condition.withLock {
            closing = true
            condition.broadcast()
            while running > 0 { condition.wait() }
        }
    }

    /// Like `close()`, without waiting for the writers (a store dropped without being closed).
    func stop() {
        condition.withLock {
            closing = true
            condition.broadcast()
        }
    }

    // MARK: For the writers

    fileprivate enum Work {
        case batch([any PostgresPendingWrite])
        case control(Control)
    }

    /// The writer's next work, waiting for some; nil once the pool closes and nothing is left.
    ///
    /// Calling it ends the writer's previous batch: the parties it held are free for the others' batches.
    fileprivate func next(for index: Int) -> Work? {
        condition.lock()
        defer { condition.unlock() }
        if held[index] != nil {
            held[index] = nil
            condition.broadcast()
        }
        while true {
            if !mailboxes[index].isEmpty { return .control(mailboxes[index].removeFirst()) }
            if !queue.isEmpty {
                // Leave a share to each idle writer, so that a burst is committed by all of them at once.
                let share = max(1, (queue.count + idle) / (idle + 1))
                if let batch = take(min(settings.maxBatch, share), for: index) {
                    if !queue.isEmpty { condition.signal() }
                    return .batch(batch)
                }
            }
            if closing && queue.isEmpty { return nil }
            idle += 1
            condition.wait()
            idle -= 1
        }
    }

    /// Up to `count` jobs from the head of the queue for writer `index`, or nil when every waiting job is a prepared
    /// transfer between parties another writer's batch holds.
    ///
    /// Writers' batches lock their transfers' parties until they commit, so two batches that share a wallet run one
    /// after the other, the second waiting on the first's commit. A prepared transfer says its parties up front: a
    /// writer passes over one whose parties another batch holds (it stays first in line for the next writer), so
    /// that the writers of a process commit side by side rather than queue on each other's locks. A job passed over
    /// eight times is taken anyway, and waits for the lock, so that none waits for ever. Other jobs say nothing of
    /// their rows and are taken in their turn.
    private func take(_ count: Int, for index: Int) -> [any PostgresPendingWrite]? {
        let others = held.values.reduce(into: Set<Account.ID>()) { $0.formUnion($1) }
        var batch: [any PostgresPendingWrite] = []
        var left: [any PostgresPendingWrite] = []
        var parties = Set<Account.ID>()
        for job in queue {
            guard batch.count < count else {
                left.append(job)
                continue
            }
            let accounts = job.expected.map { [$0.debit.account, $0.credit.account] } ?? []
            if job.passedOver < 8, accounts.contains(where: others.contains) {
                job.passedOver += 1
                left.append(job)
                continue
            }
            batch.append(job)
            parties.formUnion(accounts)
        }
        guard !batch.isEmpty else { return nil }
        queue = left
        // Nothing held, nothing for the others to wait on: the writer's next call then wakes nobody.
        held[index] = parties.isEmpty ? nil : parties
        return batch
    }

    /// Puts jobs that must run again at the head of the queue, in their order.
    fileprivate func requeue(_ jobs: [any PostgresPendingWrite]) {
        guard !jobs.isEmpty else { return }
        condition.withLock {
            queue.insert(contentsOf: jobs, at: 0)
            condition.broadcast()
        }
    }

    fileprivate func record(operations: Int, batched: Int, busy: Duration, cpu: Duration) {
        condition.withLock {
            stats.transactions += 1
            stats.operations += operations
            stats.batchedOperations += batched
            stats.largestBatch = max(stats.largestBatch, operations)
            stats.busy += busy
            stats.busyCPU += cpu
        }
    }

    fileprivate func writerStopped() {
        condition.withLock {
            running -= 1
            condition.broadcast()
        }
    }

    fileprivate var isClosing: Bool { condition.withLock { closing } }
}

extension PostgresWriterPool {
    /// Why a batch did not end in a commit that answers its jobs.
    fileprivate enum BatchFailure: Error {
        /// Nothing of the batch is committed: run it again.
        case retry(String)
        /// Nothing of the batch is committed: run it again, each job the plain way (``PostgresBatchPosting`` failed).
        case plain(String)
        /// Give up: every job of the batch gets this error.
        case fatal(any Error)
    }

    /// One writer: its thread, its connection, its shard of the system accounts. Its thread keeps the pool alive
    /// until it stops.
    fileprivate final class Writer: @unchecked Sendable {
        let index: Int
        let pool: PostgresWriterPool
        var connection: BlockingPostgresConnection?
        /// This writer's row in `writer_batches`: unique to this process's writer, never reused.
        let name: String
        /// The number of the last transaction attempt, written in it to `writer_batches`.
        var attempts: Int64 = 0

        init(index: Int, pool: PostgresWriterPool) {
            self.index = index
            self.pool = pool
            name = "\(UUID().uuidString.lowercased())/\(index)"
        }

        func loop() {
            while let work = pool.next(for: index) {
                switch work {
                case .control(let control):
                    control(Result { try ensureConnected() })
                case .batch(let batch):
                    run(batch)
                }
            }
            if let connection, !connection.isBroken {
                _ = try? connection.query(Self.forget, [PostgresBind.text(name)])
            }
            connection?.close()
            connection = nil
            pool.writerStopped()
        }

        static let register = "INSERT INTO writer_batches (writer, batch) VALUES ($1, 0) ON CONFLICT (writer) DO NOTHING"
        static let mark = "UPDATE writer_batches SET batch = $2 WHERE writer = $1"
        /// Waits for any transaction still holding the row (a batch whose connection went but whose server session
        /// has not noticed yet), then reads the number last committed.
        static let committedBatch = "SELECT batch FROM writer_batches WHERE writer = $1 FOR UPDATE"
        static let forget = "DELETE FROM writer_batches WHERE writer = $1"

        // MARK: Connection

        /// Connects and sets the session up: durability (read back and refused if it did not apply), locks
        /// that wait at most a few seconds, read committed.
        func connect() throws {
            let settings = pool.settings
            let connection = try BlockingPostgresConnection.connect(
                to: settings.endpoint, applicationName: "sika-writer-\(index)", group: pool.group, logger: pool.logger)
            do {
                try PostgresSessionSetup.writer(connection, durability: settings.durability)
                try connection.query(Self.register, [PostgresBind.text(name)])
            } catch {
                connection.close()
                throw error
            }
            self.connection = connection
        }

        /// The connection, reconnecting with backoff for up to the reconnect window.
        func ensureConnected() throws -> BlockingPostgresConnection {
            if let connection, !connection.isBroken { return connection }
            connection?.close()
            connection = nil
            let deadline = ContinuousClock.now + pool.settings.reconnectWindow
            var delay = Duration.milliseconds(50)
            while true {
                do {
                    try connect()
                    pool.logger.info("ledger writer reconnected", metadata: ["writer": "\(index)"])
                    return connection!
                } catch let error as PostgresStoreError where error.code == .configuration {
                    throw BatchFailure.fatal(LedgerError(.configuration, error.message))
                } catch {
                    if ContinuousClock.now + delay > deadline || pool.isClosing {
                        throw BatchFailure.fatal(LedgerError(.storage, "cannot reach the database: \(PostgresFailure.summary(error))"))
                    }
                    Thread.sleep(forTimeInterval: delay.seconds)
                    delay = min(delay * 2, .seconds(1))
                }
            }
        }

        // MARK: Batches

        func run(_ batch: [any PostgresPendingWrite]) {
            let started = ContinuousClock.now
            let cpuStarted = CommitStats.threadCPU()
            var attempt = 0
            var batched = pool.settings.batchesTransfers
            while true {
                do {
                    let outcome = try transaction(batch, batched: batched)
                    // A transaction whose every job was sent back to run again committed nothing: not counted.
                    if !outcome.answered.isEmpty {
                        pool.record(
                            operations: outcome.answered.count, batched: outcome.batched, busy: ContinuousClock.now - started,
                            cpu: CommitStats.threadCPU() - cpuStarted)
                    }
                    for job in outcome.answered { job.complete() }
                    pool.requeue(outcome.again)
                    return
                } catch BatchFailure.plain(let reason) {
                    // Nothing collided: no backoff, only the plain way this time.
                    attempt += 1
                    batched = false
                    pool.logger.warning("ledger batch runs again the plain way", metadata: ["writer": "\(index)", "reason": "\(reason)"])
                    if attempt >= pool.settings.maxAttempts {
                        for job in batch { job.fail(with: LedgerError(.storage, "the batch failed \(attempt) times: \(reason)")) }
                        return
                    }
                } catch BatchFailure.retry(let reason) {
                    attempt += 1
                    pool.logger.debug("ledger batch runs again", metadata: ["writer": "\(index)", "reason": "\(reason)", "attempt": "\(attempt)"])
                    if attempt >= pool.settings.maxAttempts {
                        let error = LedgerError(.storage, "the batch failed \(attempt) times: \(reason)")
                        for job in batch { job.fail(with: error) }
                        return
                    }
                    // Jittered backoff, so that the transactions that collided do not collide again.
                    Thread.sleep(forTimeInterval: Double.random(in: 0.001...0.005) * Double(1 << min(attempt, 6)))
                } catch BatchFailure.fatal(let error) {
                    pool.logger.error("ledger batch failed", metadata: ["writer": "\(index)", "error": "\(error)"])
                    for job in batch { job.fail(with: error) }
                    return
                } catch {
                    for job in batch { job.fail(with: LedgerError.wrapPostgres(error)) }
                    return
                }
            }
        }

        struct Outcome {
            /// Jobs whose kept result stands (committed, or failed and rolled back alone).
            var answered: [any PostgresPendingWrite] = []
            /// Jobs rolled back to run again in a later batch.
            var again: [any PostgresPendingWrite] = []
            /// Answered jobs whose rows the batch wrote together (``PostgresBatchPosting``).
            var batched = 0
        }

        /// One attempt at the batch in one transaction.
        private func transaction(_ batch: [any PostgresPendingWrite], batched: Bool) throws -> Outcome {
            let connection = try ensureConnected()
            attempts += 1
            let attempt = attempts
            var ran: Outcome?
            do {
                try connection.send("BEGIN ISOLATION LEVEL READ COMMITTED")
                // Not waited for: if it failed, the transaction is aborted and its COMMIT answers ROLLBACK.
                try connection.send(Self.mark, [PostgresBind.text(name), PostgresBind.int(attempt)])
                let outcome = try jobs(batch, batched: batched, on: connection)
                guard !outcome.rolledBack else { return outcome.outcome }
                try connection.settle()
                ran = outcome.outcome
                let tag = try commit(connection)
                guard tag == "COMMIT" else { throw BatchFailure.retry("the server rolled the transaction back at COMMIT") }
                return outcome.outcome
            } catch let failure as BatchFailure {
                rollback(connection)
                throw failure
            } catch {
                if connection.isBroken || PostgresFailure.isConnectionLost(error) {
                    guard let ran else {
                        // COMMIT was never sent: the server rolls the transaction back when the connection goes.
                        throw BatchFailure.retry("connection lost: \(PostgresFailure.summary(error))")
                    }
                    return try resolve(attempt: attempt, outcome: ran)
                }
                rollback(connection)
                if let state = PostgresFailure.sqlState(error),
                    [PostgresFailure.State.deadlockDetected, PostgresFailure.State.serializationFailure, PostgresFailure.State.lockNotAvailable]
                        .contains(state)
                {
                    throw BatchFailure.retry(PostgresFailure.summary(error))
                }
                throw BatchFailure.retry("statement failed: \(PostgresFailure.summary(error))")
            }
        }

        /// Runs the batch's jobs in the open transaction; `rolledBack` when a lone job's failure ended it. With
        /// `batched`, the batch's prepared transfers are read for first and answered from memory
        /// (``PostgresBatchPosting``), ahead of its other jobs.
        private func jobs(_ batch: [any PostgresPendingWrite], batched: Bool, on connection: BlockingPostgresConnection) throws -> (
            outcome: Outcome, rolledBack: Bool
        ) {
            let rows = PostgresRows(writing: connection, shard: Int64(index), spread: pool.spread)
            // Alone in its transaction, a job needs no savepoint: a failure rolls the transaction back.
            rows.isolated = batch.count > 1
            var order = batch
            var posting: PostgresBatchPosting?
            let expected = batch.compactMap(\.expected)
            // A job sent back by a lock conflict locks its rows first, waiting: only the batch's read may wait instead.
            if batched, expected.count >= pool.settings.batchesFrom, batch.allSatisfy({ $0.expected != nil || $0.wanted.isEmpty }) {
                order = batch.filter { $0.expected != nil } + batch.filter { $0.expected == nil }
                do {
                    posting = try PostgresBatchPosting.read(expected, spread: pool.spread.all, on: connection)
                } catch {
                    if connection.isBroken || PostgresFailure.isConnectionLost(error) { throw error }
                    throw BatchFailure.plain("the batch's read failed: \(PostgresFailure.summary(error))")
                }
                rows.batch = posting
            }
            var outcome = Outcome()
            for (position, job) in order.enumerated() {
                let first = position == 0 && posting == nil
                try rows.beginJob(first: first)
                var succeeded: Bool
                if first && !job.wanted.isEmpty {
                    do {
                        try rows.prelock(job.wanted)
                        succeeded = job.execute(rows)
                    } catch {
                        job.override(failure: error)
                        succeeded = false
                    }
                } else {
                    succeeded = job.execute(rows)
                }
                if let failure = rows.batchFailure { throw BatchFailure.plain("the batch's writes failed: \(PostgresFailure.summary(failure))") }
                var late: (any Error)?
                do { try connection.settle() } catch { late = error }
                if connection.isBroken { throw BatchFailure.retry("connection lost in a job") }
                if let retry = rows.retry ?? late.flatMap(Self.retryFor) {
                    job.reruns += 1
                    if retry.lockConflict { job.wanted = rows.wanted }
                    if retry.withoutBatch { job.expected = nil }
                    if job.reruns > pool.settings.maxReruns {
                        job.override(failure: retry.error)
                        outcome.answered.append(job)
                    } else {
                        outcome.again.append(job)
                    }
                    guard try rows.undoJob() else { return try rolledBack(outcome, on: connection) }
                    continue
                }
                if !succeeded || late != nil {
                    if succeeded, let late { job.override(failure: late) }
                    outcome.answered.append(job)
                    guard try rows.undoJob() else { return try rolledBack(outcome, on: connection) }
                    continue
                }
                // Not waited for: if it failed, the transaction is aborted, its COMMIT answers ROLLBACK, and the
                // whole batch runs again; no job is answered before that.
                try rows.endJob()
                outcome.answered.append(job)
            }
            do {
                try rows.leaveBatch(openingSavepoint: false)
            } catch {
                throw BatchFailure.plain("the batch's writes failed: \(PostgresFailure.summary(rows.batchFailure ?? error))")
            }
            outcome.batched = posting?.served ?? 0
            return (outcome, false)
        }

        /// The transaction of a lone job that failed, rolled back.
        private func rolledBack(_ outcome: Outcome, on connection: BlockingPostgresConnection) throws -> (outcome: Outcome, rolledBack: Bool) {
            try connection.simple("ROLLBACK")
            return (outcome, true)
        }

        /// A statement the job queued without waiting met another transaction: run the job again.
        private static func retryFor(_ error: any Error) -> PostgresRows.Retry? {
            switch PostgresFailure.sqlState(error) {
            case PostgresFailure.State.lockNotAvailable, PostgresFailure.State.deadlockDetected, PostgresFailure.State.serializationFailure:
                PostgresRows.Retry(error: LedgerError(.storage, "the ledger is busy: \(PostgresFailure.summary(error))"), lockConflict: true)
            case PostgresFailure.State.uniqueViolation:
                PostgresRows.Retry(error: LedgerError.wrapPostgres(error), lockConflict: false)
            default: nil
            }
        }

        private func rollback(_ connection: BlockingPostgresConnection) {
            connection.discardSent()
            guard !connection.isBroken else { return }
            _ = try? connection.simple("ROLLBACK")
        }

        /// `COMMIT`, or the fault a test asked for in its place.
        private func commit(_ connection: BlockingPostgresConnection) throws -> String {
            guard let fault = pool.settings.commitFault?() else { return try connection.simple("COMMIT").command }
            if fault == .lostAfterCommit { _ = try connection.simple("COMMIT") }
            connection.close()
            self.connection = nil
            throw PostgresStoreError(.connection, "connection lost at COMMIT (\(fault), made by a test)")
        }

        /// After the connection went during `COMMIT`: reads back, on a new connection, which batch this writer
        /// committed last. This attempt's number: the jobs' results stand. Another: the batch runs again.
        private func resolve(attempt: Int64, outcome: Outcome) throws -> Outcome {
            let deadline = ContinuousClock.now + pool.settings.reconnectWindow
            while true {
                let connection = try ensureConnected()
                let committed: Int64?
                do {
                    committed = try connection.query(Self.committedBatch, [PostgresBind.text(name)]).first.map { try PostgresCells($0).int(0) }
                } catch {
                    if connection.isBroken { continue }
                    // The old session still holds the row past `lock_timeout`: it has not noticed its client is gone.
                    if PostgresFailure.sqlState(error) == PostgresFailure.State.lockNotAvailable, ContinuousClock.now < deadline { continue }
                    throw BatchFailure.fatal(LedgerError(.storage, "the outcome of a commit is unknown: \(PostgresFailure.summary(error))"))
                }
                switch committed {
                case attempt:
                    pool.logger.warning("connection lost during COMMIT; the batch committed", metadata: ["writer": "\(index)"])
                    return outcome
                case .some:
                    throw BatchFailure.retry("connection lost during COMMIT; the batch did not commit")
                case nil:
                    throw BatchFailure.fatal(LedgerError(.storage, "the outcome of a commit is unknown: writer \(name) has no row"))
                }
            }
        }
    }
}

extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
