import Foundation
import LedgerPostgres
import Logging
import Sessions
import Synchronization

/// Ended callback sessions in PostgreSQL: each one written when retained (before the reply that ended it goes
/// out), looked up in a memory mirror first and in the table on a miss, so that a session ended through another
/// node (or before a restart) still answers its final screen.
final class PostgresEndedSessionStore: EndedSessionStore {
    private let connection: SessionConnection
    private let mirror: MemoryEndedSessionStore
    private let retention: Duration
    private let retains = Atomic<Int>(0)
    private let logger: Logger

    init(connection: SessionConnection, retention: Duration, capacity: Int, logger: Logger) throws {
        self.connection = connection
        self.retention = retention
        self.logger = logger
        mirror = MemoryEndedSessionStore(retention: retention, capacity: capacity)
        let cutoff = Date().timeIntervalSince1970 - Self.seconds(retention)
        let rows = try connection.perform { connection in
            try connection.query("DELETE FROM ended_sessions WHERE retained_at < $1", [PostgresBind.double(cutoff)])
            return try connection.query("SELECT id, body, retained_at FROM ended_sessions ORDER BY retained_at").map { row in
                let cells = PostgresCells(row)
                return (try cells.text(0), try cells.bytes(1), try cells.double(2))
            }
        }
        let decoder = JSONDecoder()
        for (id, body, at) in rows {
            if let session = try? decoder.decode(EndedSession.self, from: body) {
                mirror.retain(session, id: id, at: Date(timeIntervalSince1970: at))
            }
        }
    }

    func retain(_ session: EndedSession, id: String) {
        let now = Date()
        mirror.retain(session, id: id, at: now)
        let prune = retains.add(1, ordering: .relaxed).newValue % 1024 == 0
        let cutoff = now.timeIntervalSince1970 - Self.seconds(retention)
        do {
            let body = try JSONEncoder().encode(session)
            try connection.perform { connection in
                try connection.query(
                    """
                    INSERT INTO ended_sessions (id, body, retained_at) VALUES ($1, $2, $3)
                    ON CONFLICT (id) DO UPDATE SET body = excluded.body, retained_at = excluded.retained_at
                    """, [PostgresBind.text(id), PostgresBind.bytes(body), PostgresBind.double(now.timeIntervalSince1970)])
                if prune { try connection.query("DELETE FROM ended_sessions WHERE retained_at < $1", [PostgresBind.double(cutoff)]) }
            }
        } catch {
            // The mirror stays right for this process; only a restart or another node would miss it.
            logger.error("cannot write an ended session", metadata: ["error": "\(PostgresFailure.summary(error))"])
        }
    }

    func lookup(_ id: String) -> EndedSession? {
        if let session = mirror.lookup(id) { return session }
        let cutoff = Date().timeIntervalSince1970 - Self.seconds(retention)
        do {
            let found = try connection.perform { connection in
                try connection.query(
                    "SELECT body, retained_at FROM ended_sessions WHERE id = $1 AND retained_at >= $2",
                    [PostgresBind.text(id), PostgresBind.double(cutoff)]
                ).first.map { row in
                    let cells = PostgresCells(row)
                    return (try cells.bytes(0), try cells.double(1))
                }
            }
            guard let (body, at) = found, let session = try? JSONDecoder().decode(EndedSession.self, from: body) else { return nil }
            mirror.retain(session, id: id, at: Date(timeIntervalSince1970: at))
            return session
        } catch {
            logger.error("cannot look an ended session up", metadata: ["error": "\(PostgresFailure.summary(error))"])
            return nil
        }
    }

    var count: Int { mirror.count }

    func close() { connection.close() }

    private static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
}
