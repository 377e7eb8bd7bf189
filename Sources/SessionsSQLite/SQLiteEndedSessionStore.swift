import Foundation
import GRDB
import Sessions
import Synchronization

/// Ended callback sessions, durable: each one is written to the session file when retained (before the
/// reply that ended it goes out) and looked up in a memory mirror loaded at open, so a lookup costs no I/O.
final class SQLiteEndedSessionStore: EndedSessionStore {
    private let database: DatabaseQueue
    private let mirror: MemoryEndedSessionStore
    private let retention: Duration
    private let retains = Atomic<Int>(0)

    init(database: DatabaseQueue, retention: Duration, capacity: Int) throws {
        self.database = database
        self.retention = retention
        mirror = MemoryEndedSessionStore(retention: retention, capacity: capacity)
        let cutoff = Date().timeIntervalSince1970 - Self.seconds(retention)
        let decoder = JSONDecoder()
        let rows = try database.write { db -> [Row] in
            try db.execute(sql: "DELETE FROM ended_sessions WHERE retained_at < ?", arguments: [cutoff])
            return try Row.fetchAll(db, sql: "SELECT id, body, retained_at FROM ended_sessions ORDER BY retained_at")
        }
        for row in rows {
            let id: String = row["id"]
            let body: Data = row["body"]
            let at: Double = row["retained_at"]
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
        // A failed write leaves the mirror right for this process; only a restart would forget it.
        try? database.write { db in
            try db.execute(
                sql: "INSERT OR REPLACE INTO ended_sessions (id, body, retained_at) VALUES (?, ?, ?)",
                arguments: [id, try JSONEncoder().encode(session), now.timeIntervalSince1970])
            if prune { try db.execute(sql: "DELETE FROM ended_sessions WHERE retained_at < ?", arguments: [cutoff]) }
        }
    }

    func lookup(_ id: String) -> EndedSession? { mirror.lookup(id) }

    var count: Int { mirror.count }

    private static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
}
