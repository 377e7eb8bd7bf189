import Dispatch
import Foundation
import Logging
import NIOCore
import NIOPosix
import PostgresNIO
import Synchronization

/// One PostgreSQL connection driven from a dedicated thread, statement by statement, with blocking waits.
///
/// The stores' jobs are synchronous closures (SQLite's group commit runs them inside one transaction), so
/// each statement of a job is sent through postgres-nio and waited for on the job's own thread — never on
/// an event loop, never on the Swift concurrency pool. Hot statements are prepared once per connection
/// and executed by name afterwards (no parse or plan per call). Statements whose result nobody needs
/// (`send`) are queued behind the others without a wait; ``settle()`` collects their outcome.
///
/// Not for concurrent use: one thread owns a connection at a time (the unchecked sendability lets a
/// connection be handed to its thread).
public final class BlockingPostgresConnection: @unchecked Sendable {
    public let endpoint: PostgresEndpoint
    private let connection: PostgresConnection
    private let logger: Logger
    private var prepared: [String: PreparedQuery] = [:]
    private var sent: [Answer<[PostgresRow]>] = []
    /// Set once a statement found the connection gone; a broken connection is closed and replaced.
    public private(set) var isBroken = false

    private static let ids = Atomic<Int>(0)

    private init(endpoint: PostgresEndpoint, connection: PostgresConnection, logger: Logger) {
        self.endpoint = endpoint
        self.connection = connection
        self.logger = logger
    }

    /// Connects and authenticates, waiting on the calling thread (which must not be an event loop).
    ///
    /// - Parameter applicationName: what `pg_stat_activity` shows for this connection.
    public static func connect(
        to endpoint: PostgresEndpoint, applicationName: String, group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        logger: Logger = Logger(label: "sika.postgres")
    ) throws(PostgresStoreError) -> BlockingPostgresConnection {
        let configuration = try endpoint.configuration(applicationName: applicationName)
        let id = ids.add(1, ordering: .relaxed).newValue
        do {
            let connection = try PostgresConnection.connect(on: group.next(), configuration: configuration, id: id, logger: logger).wait()
            return BlockingPostgresConnection(endpoint: endpoint, connection: connection, logger: logger)
        } catch {
            throw PostgresStoreError(.connection, "cannot connect to \(endpoint.location): \(Self.connectFailure(error))")
        }
    }

    /// Runs `sql` (prepared on first use on this connection) and returns its rows.
    @discardableResult
    public func query(_ sql: String, _ binds: [PostgresData] = []) throws -> [PostgresRow] {
        do {
            return try wait(try start([(statement(sql), binds)])[0])
        } catch {
            note(error)
            throw error
        }
    }

    /// Runs statements back to back, without a wait between them, and returns each one's rows: one round trip
    /// for all (the server runs them in order, each on a snapshot taken when it starts). Waits for every one, then
    /// throws the first failure (in a transaction, the ones after it fail only because it did).
    public func pipeline(_ statements: [(sql: String, binds: [PostgresData])]) throws -> [[PostgresRow]] {
        let answers: [Answer<[PostgresRow]>]
        do {
            answers = start(try statements.map { (try statement($0.sql), $0.binds) })
        } catch {
            note(error)
            throw error
        }
        var results: [[PostgresRow]] = []
        var first: (any Error)?
        for answer in answers {
            do {
                results.append(try wait(answer))
            } catch {
                note(error)
                if first == nil { first = error }
            }
        }
        if let first { throw first }
        return results
    }

    /// Sends `sql` without waiting for it: its outcome comes with the next ``settle()``. A later statement
    /// on the connection runs after it, and in a transaction fails if it failed.
    public func send(_ sql: String, _ binds: [PostgresData] = []) throws {
        do {
            sent += start([(try statement(sql), binds)])
        } catch {
            note(error)
            throw error
        }
    }

    /// Waits for every statement sent with ``send(_:_:)`` and throws the first failure among them.
    public func settle() throws {
        let answers = sent
        sent.removeAll(keepingCapacity: true)
        var first: (any Error)?
        for answer in answers {
            do {
                _ = try wait(answer)
            } catch {
                note(error)
                if first == nil { first = error }
            }
        }
        if let first { throw first }
    }

    /// Forgets sent statements without waiting for them (the transaction they belong to is being abandoned).
    public func discardSent() {
        sent.removeAll(keepingCapacity: true)
    }

    /// Runs `body` between `BEGIN` and `COMMIT`. A `COMMIT` the server answers `ROLLBACK` (the transaction had
    /// failed) throws a storage error saying `what` was rolled back. When anything throws, the statements sent
    /// without a wait are discarded, the transaction is rolled back unless the connection is gone, and the error
    /// goes on.
    public func transaction<T>(_ what: String, _ body: () throws -> T) throws -> T {
        try simple("BEGIN")
        do {
            let value = try body()
            guard try simple("COMMIT").command == "COMMIT" else { throw PostgresStoreError(.storage, "\(what) was rolled back") }
            return value
        } catch {
            discardSent()
            if !isBroken { _ = try? simple("ROLLBACK") }
            throw error
        }
    }

    /// Runs a statement that is not worth preparing (DDL, SET, SHOW, transaction control) and returns its
    /// rows and command tag (`COMMIT`, or `ROLLBACK` when a commit found the transaction aborted).
    @discardableResult
    public func simple(_ sql: String) throws -> (rows: [PostgresRow], command: String) {
        do {
            let connection = connection
            let logger = logger
            let result = try wait(onLoop { connection.query(PostgresQuery(unsafeSQL: sql), logger: logger) })
            return (result.rows, result.metadata.command)
        } catch {
            note(error)
            throw error
        }
    }

    /// The single text value of a `SHOW` or one-cell query.
    public func scalarText(_ sql: String) throws -> String {
        guard let row = try simple(sql).rows.first else { throw PostgresStoreError(.storage, "\(sql) returned no row") }
        return try row.makeRandomAccess()[0].decode(String.self)
    }

    /// Closes the connection and waits until it is.
    public func close() {
        discardSent()
        _ = try? connection.close().wait()
    }

    deinit {
        // Dropped without `close()` (a store its owner forgot): close it without waiting, on any thread, and keep
        // postgres-nio's connection alive until it is closed, as it requires.
        guard !connection.isClosed else { return }
        let connection = connection
        connection.close().whenComplete { _ in _ = connection }
    }

    private func statement(_ sql: String) throws -> PreparedQuery {
        if let statement = prepared[sql] { return statement }
        let connection = connection
        let statement = try wait(onLoop { connection.prepare(query: sql) })
        prepared[sql] = statement
        return statement
    }

    /// Hands `statements` to the connection's event loop in one hop, in order, and returns where each one's answer
    /// will be. One hop: a future's `flatMap` or `whenComplete` called from another thread is a hop to its event
    /// loop of its own (waking it), and postgres-nio's `execute` chains several; called on the loop, they run inline.
    private func start(_ statements: [(PreparedQuery, [PostgresData])]) -> [Answer<[PostgresRow]>] {
        let answers = statements.map { _ in Answer<[PostgresRow]>() }
        connection.eventLoop.execute {
            for ((statement, binds), answer) in zip(statements, answers) { statement.execute(binds).whenComplete(answer.fulfil) }
        }
        return answers
    }

    /// Runs `work` on the connection's event loop, its answer waited for on this thread.
    private func onLoop<T: Sendable>(_ work: @escaping @Sendable () -> EventLoopFuture<T>) -> Answer<T> {
        let answer = Answer<T>()
        connection.eventLoop.execute { work().whenComplete(answer.fulfil) }
        return answer
    }

    /// Waits for `answer` on this thread. A statement handed to a connection that closed meanwhile (the server
    /// went away) may never complete: the wait looks at the connection twice a second and gives up once it is closed.
    private func wait<T>(_ answer: Answer<T>) throws -> T {
        while answer.done.wait(timeout: .now() + .milliseconds(500)) == .timedOut {
            guard connection.isClosed else { continue }
            if answer.done.wait(timeout: .now() + .milliseconds(200)) == .success { break }
            isBroken = true
            throw PostgresStoreError(.connection, "the connection to \(endpoint.location) closed")
        }
        guard let result = answer.result else { throw PostgresStoreError(.connection, "a statement ended without an outcome") }
        return try result.get()
    }

    /// A statement's answer: written on the event loop before the semaphore is signalled, read after the wait
    /// returns; the semaphore orders the two, which is why the unchecked sendability is sound.
    private final class Answer<T>: @unchecked Sendable {
        let done = DispatchSemaphore(value: 0)
        var result: Result<T, any Error>?

        func fulfil(_ result: Result<T, any Error>) {
            self.result = result
            done.signal()
        }
    }

    private func note(_ error: any Error) {
        if PostgresFailure.isConnectionLost(error) { isBroken = true }
    }

    private static func connectFailure(_ error: any Error) -> String {
        if let message = PostgresFailure.serverMessage(error) { return message }
        if let error = error as? PSQLError, let underlying = error.underlying { return "\(underlying)" }
        return "\(error)"
    }
}
