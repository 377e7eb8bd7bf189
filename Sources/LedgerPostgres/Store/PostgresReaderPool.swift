import Foundation
import Ledger
import Logging
import NIOCore

/// Reader connections on their own threads: each read runs in a `REPEATABLE READ READ ONLY` transaction, so
/// all its statements see one snapshot, concurrently with the writers. A read whose connection is lost runs
/// once more on a new connection (reads change nothing, so running again is harmless).
final class PostgresReaderPool: @unchecked Sendable {
    let endpoint: PostgresEndpoint
    let group: any EventLoopGroup
    let logger: Logger
    private let condition = NSCondition()
    private var queue: [any PendingRead] = []
    private var closing = false
    private var running = 0
    private var readers: [Reader] = []

    init(endpoint: PostgresEndpoint, readers count: Int, group: any EventLoopGroup, logger: Logger) {
        self.endpoint = endpoint
        self.group = group
        self.logger = logger
        readers = (0..<count).map { Reader(index: $0) }
    }

    func start() throws {
        for reader in readers { reader.connection = try connect(reader.index) }
        condition.withLock { running = readers.count }
        for reader in readers {
            let thread = Thread { self.loop(reader) }
            thread.name = "sika.pg.reader.\(reader.index)"
            thread.start()
        }
    }

    func read<T: Sendable>(_ work: @escaping @Sendable (any LedgerStoreReader) throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            let job = ReadJob(work: work, continuation: continuation)
            let refused = condition.withLock { () -> Bool in
                guard !closing else { return true }
                queue.append(job)
                condition.signal()
                return false
            }
            if refused { job.finish(.failure(LedgerError(.storage, "the ledger store is closed"))) }
        }
    }

    func close() {
        condition.withLock {
            closing = true
            condition.broadcast()
            while running > 0 { condition.wait() }
        }
    }

    /// Like `close()`, without waiting for the readers (a store dropped without being closed).
    func stop() {
        condition.withLock {
            closing = true
            condition.broadcast()
        }
    }

    private func connect(_ index: Int) throws -> BlockingPostgresConnection {
        let connection = try BlockingPostgresConnection.connect(to: endpoint, applicationName: "sika-reader-\(index)", group: group, logger: logger)
        do {
            try PostgresSessionSetup.reader(connection)
        } catch {
            connection.close()
            throw error
        }
        return connection
    }

    private func loop(_ reader: Reader) {
        while let job = next() {
            var outcome: Result<Void, any Error> = .failure(LedgerError(.storage, "the read did not run"))
            for attempt in 0..<2 {
                do {
                    if reader.connection?.isBroken ?? true {
                        reader.connection?.close()
                        reader.connection = try connect(reader.index)
                    }
                    outcome = .success(try snapshot(job, on: reader.connection!))
                    break
                } catch {
                    outcome = .failure(LedgerError.wrapPostgres(error))
                    guard reader.connection?.isBroken ?? true, attempt == 0 else { break }
                    logger.info("ledger reader reconnects", metadata: ["reader": "\(reader.index)"])
                }
            }
            if case .failure(let error) = outcome { job.finish(.failure(error)) } else { job.finish(nil) }
        }
        reader.connection?.close()
        condition.withLock {
            running -= 1
            condition.broadcast()
        }
    }

    private func snapshot(_ job: any PendingRead, on connection: BlockingPostgresConnection) throws {
        try connection.send("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        job.run(PostgresRows(reading: connection))
        try connection.settle()
        try connection.simple("COMMIT")
        if connection.isBroken { throw PostgresStoreError(.connection, "connection lost during a read") }
    }

    private func next() -> (any PendingRead)? {
        condition.lock()
        defer { condition.unlock() }
        while true {
            if !queue.isEmpty { return queue.removeFirst() }
            if closing { return nil }
            condition.wait()
        }
    }

    private final class Reader: @unchecked Sendable {
        let index: Int
        var connection: BlockingPostgresConnection?
        init(index: Int) { self.index = index }
    }
}

/// A read waiting for a reader, with its caller's continuation.
private protocol PendingRead: AnyObject, Sendable {
    /// Runs the read; its result is kept until `finish`. May run twice (after a lost connection).
    func run(_ rows: PostgresRows)
    /// Answers the caller: with `failure` if given, else with the kept result.
    func finish(_ failure: Result<Void, any Error>?)
}

/// Written and read on the one reader thread that runs it: the unchecked sendability is sound.
private final class ReadJob<T: Sendable>: PendingRead, @unchecked Sendable {
    private let work: @Sendable (any LedgerStoreReader) throws -> T
    private let continuation: CheckedContinuation<T, any Error>
    private var result: Result<T, any Error>?

    init(work: @escaping @Sendable (any LedgerStoreReader) throws -> T, continuation: CheckedContinuation<T, any Error>) {
        self.work = work
        self.continuation = continuation
    }

    func run(_ rows: PostgresRows) {
        result = Result { try work(rows) }.mapError { LedgerError.wrapPostgres($0) }
    }

    func finish(_ failure: Result<Void, any Error>?) {
        if case .failure(let error) = failure {
            continuation.resume(throwing: error)
        } else {
            continuation.resume(with: result ?? .failure(LedgerError(.storage, "the read did not run")))
        }
    }
}
