import Dispatch
import Foundation
import GRDB
import PrivateFiles
import Sessions

/// Sessions in their own SQLite file beside the ledger (`<db>.sessions.sqlite`, owner-only), so that
/// they survive a restart, a SIGTERM and a SIGKILL: the sessions that waited for an answer may be resumed,
/// and ended callback sessions still answer their final screen to a replayed request.
///
/// **Durability.** WAL with `synchronous = NORMAL`, read back at open: a commit survives the process
/// crashing (SIGKILL), not the machine losing power. Session writes are also coalesced (write-behind, at
/// most `coalesce` late), so a crash may lose the last few milliseconds of steps. That is the right price:
/// a lost step costs the subscriber some typing, never money, because money has its own store with full
/// durability, and the money action's idempotency key comes from the session's stored base, so a resumed
/// session replays a transfer instead of making a second one. Ended sessions, written once per session,
/// are written before the reply that ends the session is returned.
public final class SQLiteSessionStore: SessionStore {
    public let path: String
    private let database: DatabaseQueue
    private let writer = DispatchQueue(label: "sika.sessions.writer")
    private let pending: PendingSessionWrites
    private let ended: SQLiteEndedSessionStore
    private let encoder = JSONEncoder()

    /// The journal mode and `synchronous` level the file runs with, as read back from SQLite.
    public let journalMode: String
    public let synchronous: Int

    /// Opens (creating if needed) the session file at `path`, owner-only.
    ///
    /// - Parameters:
    ///   - endedRetention: how long an ended callback session answers its final screen again.
    ///   - maxEnded: ended sessions held in memory at most (the file keeps them for the window).
    ///   - coalesce: how late a session write may be, so that many steps share one commit.
    /// - Throws: ``SessionStoreError`` naming the file, or saying which setting did not apply.
    public static func open(
        path: String, endedRetention: Duration = .seconds(600), maxEnded: Int = 100_000, coalesce: Duration = .milliseconds(20)
    ) throws(SessionStoreError) -> SQLiteSessionStore {
        do {
            try PrivateDatabaseFiles.prepare(databasePath: path)
            var configuration = Configuration()
            configuration.busyMode = .timeout(10)
            configuration.prepareDatabase { db in
                try db.execute(sql: "PRAGMA journal_mode = WAL")
                try db.execute(sql: "PRAGMA synchronous = NORMAL")
            }
            let database = try DatabaseQueue(path: path, configuration: configuration)
            let (journal, synchronous) = try database.read { db in
                (try String.fetchOne(db, sql: "PRAGMA journal_mode") ?? "?", try Int.fetchOne(db, sql: "PRAGMA synchronous") ?? -1)
            }
            guard journal.lowercased() == "wal", synchronous == 1 else {
                throw SessionStoreError(
                    .configuration, "\(path) runs with journal_mode=\(journal), synchronous=\(synchronous), not WAL and NORMAL (1) as configured")
            }
            try database.write { db in
                try db.execute(
                    sql: """
                        CREATE TABLE IF NOT EXISTS sessions (id TEXT PRIMARY KEY NOT NULL, state BLOB NOT NULL, updated_at REAL NOT NULL);
                        CREATE TABLE IF NOT EXISTS ended_sessions (id TEXT PRIMARY KEY NOT NULL, body BLOB NOT NULL, retained_at REAL NOT NULL);
                        CREATE INDEX IF NOT EXISTS ended_sessions_by_time ON ended_sessions (retained_at);
                        """)
            }
            try PrivateDatabaseFiles.restrict(databasePath: path)
            let ended = try SQLiteEndedSessionStore(database: database, retention: endedRetention, capacity: maxEnded)
            return SQLiteSessionStore(
                path: path, database: database, ended: ended, coalesce: coalesce, journalMode: journal.lowercased(), synchronous: synchronous)
        } catch let error as SessionStoreError {
            throw error
        } catch let error as PrivateFileError {
            throw SessionStoreError(.storage, error.message)
        } catch let error as DatabaseError {
            throw SessionStoreError(.storage, "cannot open \(path): \(error.message ?? error.description)")
        } catch {
            throw SessionStoreError(.storage, "cannot open \(path): \(error)")
        }
    }

    private init(path: String, database: DatabaseQueue, ended: SQLiteEndedSessionStore, coalesce: Duration, journalMode: String, synchronous: Int) {
        self.path = path
        self.database = database
        self.ended = ended
        self.pending = PendingSessionWrites(coalesce: coalesce)
        self.journalMode = journalMode
        self.synchronous = synchronous
    }

    public var endedSessions: any EndedSessionStore { ended }

    public var summary: String {
        "Sessions \(path): WAL, synchronous=NORMAL (survive a crash or SIGKILL, not power loss; writes coalesced \(pending.coalesce))."
    }

    public func save(_ session: StoredSession) { enqueue(session.id, session) }

    public func delete(id: String) { enqueue(id, nil) }

    public func all() throws -> [StoredSession] {
        try writer.sync { try writePending() }
        let decoder = JSONDecoder()
        let rows = try database.read { db in try Data.fetchAll(db, sql: "SELECT state FROM sessions") }
        return rows.compactMap { try? decoder.decode(StoredSession.self, from: $0) }
    }

    public func flush() async throws {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            writer.async {
                do {
                    try self.writePending()
                    continuation.resume()
                } catch {
                    continuation.resume(throwing: error)
                }
            }
        }
    }

    /// Rows in the sessions table now (tests).
    public func storedCount() throws -> Int {
        try writer.sync { try writePending() }
        return try database.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM sessions") ?? 0 }
    }

    private func enqueue(_ id: String, _ session: StoredSession?) {
        guard pending.record(id, session) else { return }
        writer.asyncAfter(deadline: .now() + pending.delay) { try? self.writePending() }
    }

    /// Writes what is pending in one transaction. Runs on `writer` only, so batches reach the file in order.
    private func writePending() throws {
        let changes = pending.take()
        guard !changes.isEmpty else { return }
        let encoder = self.encoder
        try database.write { db in
            for (id, session) in changes {
                if let session {
                    try db.execute(
                        sql: "INSERT OR REPLACE INTO sessions (id, state, updated_at) VALUES (?, ?, ?)",
                        arguments: [id, try encoder.encode(session), session.updatedAt.timeIntervalSince1970])
                } else {
                    try db.execute(sql: "DELETE FROM sessions WHERE id = ?", arguments: [id])
                }
            }
        }
    }
}
