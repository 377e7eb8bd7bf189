import Ledger

/// A write job waiting for a writer connection, with what the batch runner needs to know about it.
protocol PostgresPendingWrite: AnyObject, Sendable {
    /// Runs the job on `rows`; its result is kept until the batch is final. Returns false if it threw.
    func execute(_ rows: PostgresRows) -> Bool
    /// Replaces a result that turned out not to stand (a statement the job queued failed after it returned).
    func override(failure: any Error)
    /// Answers the caller with the kept result. Called once, after the batch committed or was abandoned.
    func complete()
    /// Answers the caller with `error`, whatever the job returned.
    func fail(with error: any Error)
    /// Times the job was rolled back to run again because another transaction held what it needed.
    var reruns: Int { get set }
    /// The rows the job locked or asked for when it last ran, locked first when it runs again.
    var wanted: PostgresRows.Wanted { get set }
    /// The recheck the job starts with, when it is a prepared transfer its batch may read for
    /// (``PostgresBatchPosting``); nil for any other job, and for one that must run the plain way.
    var expected: TransferRecheck? { get set }
    /// Times a writer passed the job over because another writer's batch held its parties.
    var passedOver: Int { get set }
}

/// A job and its caller's continuation. Its result is written and read on the one writer thread that runs
/// its batch, and a job is in one batch at a time; that is why the unchecked sendability is sound.
final class PostgresJob<T: Sendable>: PostgresPendingWrite, @unchecked Sendable {
    private let work: @Sendable (any LedgerStoreWriter) throws -> T
    private let continuation: CheckedContinuation<T, any Error>
    private var result: Result<T, any Error>?
    var reruns = 0
    var wanted = PostgresRows.Wanted()
    var expected: TransferRecheck?
    var passedOver = 0

    init(
        work: @escaping @Sendable (any LedgerStoreWriter) throws -> T, continuation: CheckedContinuation<T, any Error>,
        expected: TransferRecheck? = nil
    ) {
        self.work = work
        self.continuation = continuation
        self.expected = expected
    }

    func execute(_ rows: PostgresRows) -> Bool {
        do {
            result = .success(try work(rows))
            return true
        } catch {
            result = .failure(LedgerError.wrapPostgres(error))
            return false
        }
    }

    func override(failure: any Error) {
        result = .failure(LedgerError.wrapPostgres(failure))
    }

    func complete() {
        continuation.resume(with: result ?? .failure(LedgerError(.storage, "job was not run")))
    }

    func fail(with error: any Error) {
        continuation.resume(throwing: error)
    }
}
