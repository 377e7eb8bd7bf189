import Dispatch
import Foundation
import LedgerPostgres
import Logging
import PostgresNIO
import Sessions

/// Sessions in PostgreSQL, beside the ledger's tables (`sessions`, `ended_sessions`), so that they survive a
/// restart of `sika serve` and so that several nodes in front of one database can share them.
///
/// **Durability.** `synchronous_commit = off` on the session connections, read back at open: a commit
/// survives `sika` crashing or being killed, not the database server crashing in the same instant. Session
/// writes are coalesced (write-behind, at most `coalesce` late), as on SQLite. That is the right price: a lost
/// step costs the subscriber some typing, never money (the ledger has its own, full, durability, and the
/// money action's idempotency key comes from the stored session).
///
/// Ended callback sessions are written when retained, before the reply that ended them goes out, and looked
/// up in a memory mirror first, then in the table (a session another node ended).
///
/// **Several nodes.** The rows of `sessions` (what a restarted node takes back) belong to the node that wrote
/// them (`node`): the session keys of the line protocol hold a connection number each process counts from 1,
/// so two nodes' keys meet, and a node recovers, rewrites and deletes only its own rows. The rows written before
/// nodes had names (`node = ''`) go to the first node that recovers.
public final class PostgresSessionStore: SessionStore {
    public let endpoint: PostgresEndpoint
    /// The node whose rows of `sessions` this store reads and writes (`sika serve --node-name`).
    public let node: String
    private let pending: PendingSessionWrites
    private let writer: SessionConnection
    private let ended: PostgresEndedSessionStore
    private let queue = DispatchQueue(label: "sika.sessions.postgres.writer")
    /// The `POST /ussd` sessions several nodes share (``SharedCallbackStore``): read and written on a connection
    /// and a thread of their own, one request at a time.
    let callbacks: SessionConnection
    let callbackQueue = DispatchQueue(label: "sika.sessions.postgres.callbacks")

    /// The `synchronous_commit` the session connections run with, as read back from the server.
    public let synchronousCommit: String

    public static let migrations = [
        PostgresMigration(
            "sessions.v1",
            [
                "CREATE TABLE sessions (id TEXT PRIMARY KEY, state BYTEA NOT NULL, updated_at DOUBLE PRECISION NOT NULL)",
                "CREATE TABLE ended_sessions (id TEXT PRIMARY KEY, body BYTEA NOT NULL, retained_at DOUBLE PRECISION NOT NULL)",
                "CREATE INDEX ended_sessions_by_time ON ended_sessions (retained_at)",
            ]),
        // Several nodes on one database: a POST /ussd session between two requests, which any node may answer.
        PostgresMigration(
            "sessions.v2",
            [
                "CREATE TABLE callback_sessions (id TEXT PRIMARY KEY, version BIGINT NOT NULL, body BYTEA NOT NULL, updated_at DOUBLE PRECISION NOT NULL)",
                "CREATE INDEX callback_sessions_by_time ON callback_sessions (updated_at)",
            ]),
        // Each node's sessions under its own name: two nodes' line-session keys may be equal.
        PostgresMigration(
            "sessions.v3",
            [
                "ALTER TABLE sessions ADD COLUMN node TEXT NOT NULL DEFAULT ''",
                "ALTER TABLE sessions DROP CONSTRAINT sessions_pkey",
                "ALTER TABLE sessions ADD PRIMARY KEY (node, id)",
            ]),
        // A timed-out POST /ussd session is found by its caller when the phone dials again, on any node.
        PostgresMigration(
            "sessions.v4",
            [
                "ALTER TABLE callback_sessions ADD COLUMN msisdn TEXT NOT NULL DEFAULT ''",
                "ALTER TABLE callback_sessions ADD COLUMN service TEXT NOT NULL DEFAULT ''",
                "ALTER TABLE callback_sessions ADD COLUMN operator TEXT NOT NULL DEFAULT ''",
                "CREATE INDEX callback_sessions_by_caller ON callback_sessions (msisdn, updated_at)",
            ]),
    ]

    /// Connects, creates the tables if needed and loads the ended sessions still in their window.
    ///
    /// - Parameters:
    ///   - node: the node's name; nodes on one database need different ones, and a restarted node the same one.
    ///   - endedRetention: how long an ended callback session answers its final screen again.
    ///   - maxEnded: ended sessions held in memory at most (the table keeps them for the window).
    ///   - coalesce: how late a session write may be, so that many steps share one commit.
    /// - Throws: ``SessionStoreError`` naming the server, or saying which setting did not apply.
    public static func open(
        endpoint: PostgresEndpoint, node: String = "", endedRetention: Duration = .seconds(600), maxEnded: Int = 100_000,
        coalesce: Duration = .milliseconds(20),
        logger: Logger = Logger(label: "sika.sessions.postgres")
    ) async throws(SessionStoreError) -> PostgresSessionStore {
        do {
            return try await BlockingWork.run {
                let writer = try SessionConnection.open(endpoint, name: "sika-sessions", logger: logger)
                let reading = try writer.perform { connection in
                    try PostgresMigrator.migrate(connection, migrations)
                    return try connection.scalarText("SHOW synchronous_commit")
                }
                let lookups = try SessionConnection.open(endpoint, name: "sika-sessions-lookup", logger: logger)
                let ended = try PostgresEndedSessionStore(connection: lookups, retention: endedRetention, capacity: maxEnded, logger: logger)
                let callbacks = try SessionConnection.open(endpoint, name: "sika-sessions-callbacks", logger: logger)
                return PostgresSessionStore(
                    endpoint: endpoint, node: node, writer: writer, ended: ended, callbacks: callbacks, coalesce: coalesce, synchronousCommit: reading
                )
            }
        } catch let error as SessionStoreError {
            throw error
        } catch let error as PostgresStoreError {
            throw SessionStoreError(
                error.code == .configuration ? .configuration : .storage, "session store on \(endpoint.location): \(error.message)")
        } catch {
            throw SessionStoreError(.storage, "session store on \(endpoint.location): \(PostgresFailure.summary(error))")
        }
    }

    private init(
        endpoint: PostgresEndpoint, node: String, writer: SessionConnection, ended: PostgresEndedSessionStore, callbacks: SessionConnection,
        coalesce: Duration,
        synchronousCommit: String
    ) {
        self.endpoint = endpoint
        self.node = node
        self.writer = writer
        self.ended = ended
        self.callbacks = callbacks
        self.pending = PendingSessionWrites(coalesce: coalesce)
        self.synchronousCommit = synchronousCommit
    }

    public var endedSessions: any EndedSessionStore { ended }

    public var summary: String {
        "Sessions in PostgreSQL \(endpoint.location): synchronous_commit=\(synchronousCommit) (survive a crash or SIGKILL of sika, "
            + "not a crash of the database server; writes coalesced \(pending.coalesce))."
    }

    public func save(_ session: StoredSession) { enqueue(session.id, session) }

    public func delete(id: String) { enqueue(id, nil) }

    public func all() throws -> [StoredSession] {
        try queue.sync { try writePending() }
        let decoder = JSONDecoder()
        let node = PostgresBind.text(self.node)
        let states = try writer.perform { connection in
            // Rows from before nodes had names become this node's (unless it has a newer row under the same key).
            try connection.transaction("the session recovery") {
                if !self.node.isEmpty {
                    _ = try connection.query(
                        "DELETE FROM sessions s WHERE node = '' AND EXISTS (SELECT 1 FROM sessions o WHERE o.node = $1 AND o.id = s.id)", [node])
                    _ = try connection.query("UPDATE sessions SET node = $1 WHERE node = ''", [node])
                }
                return try connection.query("SELECT state FROM sessions WHERE node = $1", [node]).map { try PostgresCells($0).bytes(0) }
            }
        }
        return states.compactMap { try? decoder.decode(StoredSession.self, from: $0) }
    }

    public func flush() async throws {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            queue.async {
                continuation.resume(with: Result { try self.writePending() })
            }
        }
    }

    /// Rows in the sessions table now (tests).
    public func storedCount() throws -> Int {
        try queue.sync { try writePending() }
        let node = PostgresBind.text(self.node)
        return Int(
            try writer.perform {
                try $0.query("SELECT count(*) FROM sessions WHERE node = $1", [node]).first.map { try PostgresCells($0).int(0) } ?? 0
            })
    }

    /// Writes what is pending and closes the connections.
    public func close() async throws {
        try await flush()
        writer.close()
        ended.close()
        callbacks.close()
    }

    private func enqueue(_ id: String, _ session: StoredSession?) {
        guard pending.record(id, session) else { return }
        queue.asyncAfter(deadline: .now() + pending.delay) { try? self.writePending() }
    }

    /// Writes what is pending in one transaction. Runs on the write-behind thread only, so batches reach the
    /// table in order.
    private func writePending() throws {
        let changes = pending.take()
        guard !changes.isEmpty else { return }
        let encoder = JSONEncoder()
        let rows = try changes.map { id, session in (id, try session.map { (try encoder.encode($0), $0.updatedAt.timeIntervalSince1970) }) }
        let node = PostgresBind.text(self.node)
        try writer.perform { connection in
            try connection.transaction("the session write") {
                for (id, row) in rows {
                    if let (state, updatedAt) = row {
                        try connection.send(
                            """
                            INSERT INTO sessions (node, id, state, updated_at) VALUES ($1, $2, $3, $4)
                            ON CONFLICT (node, id) DO UPDATE SET state = excluded.state, updated_at = excluded.updated_at
                            """, [node, PostgresBind.text(id), PostgresBind.bytes(state), PostgresBind.double(updatedAt)])
                    } else {
                        try connection.send("DELETE FROM sessions WHERE node = $1 AND id = $2", [node, PostgresBind.text(id)])
                    }
                }
                try connection.settle()
            }
        }
    }
}
