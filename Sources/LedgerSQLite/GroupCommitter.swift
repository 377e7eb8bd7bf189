import Dispatch
import Foundation
import GRDB
import GRDBSQLite
import Ledger
import Synchronization

/// Batches concurrent writers into one SQLite transaction, so one fsync serves many operations.
///
/// A job that throws is rolled back alone and only its caller sees the error, while the rest of the batch
/// commits. Jobs first run without savepoints: most jobs succeed, and a refusal is nearly always decided
/// before the job's first write (the ledger checks every rule before it writes), so it left nothing to undo;
/// SQLite's change counter tells which. Only when a job failed after changing rows is the whole transaction
/// rolled back and the batch run again with a savepoint per job (the `SAVEPOINT`/`RELEASE` pair was a
/// measurable share of the writer's time, spent for nothing on jobs that succeed). Jobs are functions of the
/// store, like PostgreSQL's writer already assumes when it re-runs a batch. No caller is answered before the
/// transaction holding its job has committed, so an answer means durable.
/// There is no timer: while one batch commits, the next one gathers, which is what makes batches grow
/// with load and stay at one job when the system is idle.
final class GroupCommitter: Sendable {
    private let writer: DatabasePool
    private let maxBatch: Int
    private let queue = DispatchQueue(label: "sika.ledger.group-commit")
    /// Where callers are answered once their batch is durable: resuming dozens of continuations is work the
    /// commit queue need not wait for before it starts the next batch.
    private let answers = DispatchQueue(label: "sika.ledger.group-commit.answers")
    private let state = Mutex(State())

    private struct State {
        var pending: [any PendingWrite] = []
        var draining = false
        var stats = CommitStats()
    }

    /// - Parameter maxBatch: most jobs per transaction; 1 gives one commit per operation.
    init(writer: DatabasePool, maxBatch: Int) {
        precondition(maxBatch >= 1)
        self.writer = writer
        self.maxBatch = maxBatch
    }

    /// Transactions and operations committed so far.
    var stats: CommitStats { state.withLock { $0.stats } }

    /// Jobs submitted and not yet taken into a batch.
    var queued: Int { state.withLock { $0.pending.count } }

    /// Runs `work` in the next batch and returns its result once that batch is durable.
    func submit<T: Sendable>(_ work: @escaping @Sendable (Database) throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            let job = Job(work: work, continuation: continuation)
            let startDraining = state.withLock { state in
                state.pending.append(job)
                guard !state.draining else { return false }
                state.draining = true
                return true
            }
            if startDraining {
                queue.async { self.drain() }
            }
        }
    }

    private func drain() {
        while true {
            let batch: [any PendingWrite] = state.withLock { state in
                guard !state.pending.isEmpty else {
                    state.draining = false
                    return []
                }
                let count = min(maxBatch, state.pending.count)
                let batch = Array(state.pending.prefix(count))
                state.pending.removeFirst(count)
                return batch
            }
            if batch.isEmpty { return }
            let started = ContinuousClock.now
            let cpuStarted = CommitStats.threadCPU()
            let failure = commit(batch)
            let busy = ContinuousClock.now - started
            let cpu = CommitStats.threadCPU() - cpuStarted
            state.withLock { state in
                state.stats.busy += busy
                state.stats.busyCPU += cpu
                state.stats.transactions += 1
                state.stats.operations += batch.count
                state.stats.largestBatch = max(state.stats.largestBatch, batch.count)
            }
            // Answer only once the batch is counted: a caller that reads the stats after its answer sees its own transaction.
            answers.async {
                for job in batch {
                    if let failure { job.fail(with: failure) } else { job.complete() }
                }
            }
        }
    }

    /// Runs the batch in one transaction; returns the error that failed the whole transaction, if any.
    private func commit(_ batch: [any PendingWrite]) -> (any Error)? {
        do {
            try writer.writeWithoutTransaction { db in
                var undoable = true
                try db.inTransaction(.immediate) {
                    if batch.count == 1 {
                        // Alone in its transaction: a failure rolls the transaction back.
                        return batch[0].execute(in: db, isolated: false) ? .commit : .rollback
                    }
                    for job in batch {
                        let before = sqlite3_total_changes64(db.sqliteConnection)
                        guard !job.execute(in: db, isolated: false) else { continue }
                        // Some errors (a full disk, I/O) make SQLite roll the whole transaction back: what follows
                        // must not run outside it, one autocommit at a time.
                        guard db.isInsideTransaction else { throw LedgerError(.storage, "the batch's transaction was rolled back") }
                        if sqlite3_total_changes64(db.sqliteConnection) != before {
                            // It failed after writing, and nothing marks where it began: start the batch again.
                            undoable = false
                            return .rollback
                        }
                    }
                    return .commit
                }
                guard !undoable else { return }
                state.withLock { $0.stats.reruns += 1 }
                try db.inTransaction(.immediate) {
                    for job in batch where !job.execute(in: db, isolated: true) {
                        guard db.isInsideTransaction else { throw LedgerError(.storage, "the batch's transaction was rolled back") }
                    }
                    return .commit
                }
            }
        } catch {
            return LedgerError.wrap(error)
        }
        return nil
    }
}

private protocol PendingWrite: Sendable {
    /// Runs the job; returns false if it failed (its changes are then rolled back).
    func execute(in db: Database, isolated: Bool) -> Bool
    func complete()
    func fail(with error: any Error)
}

/// A job and its caller's continuation. Its result is written on the commit queue before the batch is
/// handed to the answers queue, where `complete()` reads it: the hand-over orders the two, which is why the
/// unchecked sendability is sound.
private final class Job<T: Sendable>: PendingWrite, @unchecked Sendable {
    private let work: @Sendable (Database) throws -> T
    private let continuation: CheckedContinuation<T, any Error>
    private var result: Result<T, any Error>?

    init(work: @escaping @Sendable (Database) throws -> T, continuation: CheckedContinuation<T, any Error>) {
        self.work = work
        self.continuation = continuation
    }

    func execute(in db: Database, isolated: Bool) -> Bool {
        guard isolated else {
            do {
                result = .success(try work(db))
                return true
            } catch {
                result = .failure(LedgerError.wrap(error))
                return false
            }
        }
        // Savepoints through cached statements: `inSavepoint` would prepare two statements per job.
        do {
            try db.cachedStatement(sql: "SAVEPOINT job").execute()
        } catch {
            result = .failure(LedgerError.wrap(error))
            return false
        }
        do {
            let value = try work(db)
            try db.cachedStatement(sql: "RELEASE SAVEPOINT job").execute()
            result = .success(value)
            return true
        } catch {
            result = .failure(LedgerError.wrap(error))
            do {
                try db.cachedStatement(sql: "ROLLBACK TO SAVEPOINT job").execute()
                try db.cachedStatement(sql: "RELEASE SAVEPOINT job").execute()
            } catch {
                // The transaction itself is broken; its commit will fail and fail every job of the batch.
            }
            return false
        }
    }

    func complete() {
        continuation.resume(with: result ?? .failure(LedgerError(.storage, "job was not run")))
    }

    func fail(with error: any Error) {
        continuation.resume(throwing: error)
    }
}
