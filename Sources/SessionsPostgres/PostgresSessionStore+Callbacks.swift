import Foundation
import LedgerPostgres
import Sessions

/// `POST /ussd` sessions shared by the nodes of one database: one row per session in `callback_sessions`, written
/// compare-and-set on its version (with the sessions' `synchronous_commit = off`: a row costs typing when lost,
/// never money). Rows idle for a day are pruned now and then: the callback treats one idle past its timeout as
/// expired long before.
extension PostgresSessionStore: SharedCallbackStore {
    public func load(_ id: String) async throws -> SharedCallbackSession? {
        let body = try await onCallbackThread {
            try self.callbacks.perform { connection in
                try connection.query("SELECT body FROM callback_sessions WHERE id = $1", [PostgresBind.text(id)]).first.map {
                    try PostgresCells($0).bytes(0)
                }
            }
        }
        return try body.map { try JSONDecoder().decode(SharedCallbackSession.self, from: $0) }
    }

    public func save(_ session: SharedCallbackSession, expected: Int64?) async throws -> Bool {
        let body = try JSONEncoder().encode(session)
        let binds = [
            PostgresBind.text(session.id), PostgresBind.int(session.version), PostgresBind.bytes(body),
            PostgresBind.double(session.updatedAt.timeIntervalSince1970), PostgresBind.text(session.msisdn),
            PostgresBind.text(session.serviceCode), PostgresBind.text(session.operatorID ?? ""),
        ]
        let prune = Int.random(in: 0..<1024) == 0
        return try await onCallbackThread {
            try self.callbacks.perform { connection in
                if prune {
                    let cutoff = Date().timeIntervalSince1970 - 86_400
                    try connection.query("DELETE FROM callback_sessions WHERE updated_at < $1", [PostgresBind.double(cutoff)])
                }
                if let expected {
                    return try !connection.query(
                        """
                        UPDATE callback_sessions SET version = $2, body = $3, updated_at = $4, msisdn = $5, service = $6, operator = $7
                        WHERE id = $1 AND version = $8 RETURNING id
                        """,
                        binds + [PostgresBind.int(expected)]
                    ).isEmpty
                }
                return try !connection.query(
                    """
                    INSERT INTO callback_sessions (id, version, body, updated_at, msisdn, service, operator)
                    VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (id) DO NOTHING RETURNING id
                    """,
                    binds
                ).isEmpty
            }
        }
    }

    public func remove(_ id: String) async throws {
        try await onCallbackThread {
            try self.callbacks.perform { connection in
                _ = try connection.query("DELETE FROM callback_sessions WHERE id = $1", [PostgresBind.text(id)])
            }
        }
    }

    public func latestTimedOut(msisdn: String, serviceCode: String, operatorID: String?, idleSince: Date) async throws -> SharedCallbackSession? {
        let binds = [
            PostgresBind.text(msisdn), PostgresBind.text(serviceCode), PostgresBind.text(operatorID ?? ""),
            PostgresBind.double(idleSince.timeIntervalSince1970),
        ]
        let row = try await onCallbackThread {
            try self.callbacks.perform { connection in
                try connection.query(
                    """
                    SELECT body, updated_at FROM callback_sessions WHERE msisdn = $1 AND service = $2 AND operator = $3 AND updated_at <= $4
                    ORDER BY updated_at DESC LIMIT 1
                    """, binds
                ).first.map { row in
                    let cells = try PostgresCells(row)
                    return (try cells.bytes(0), try cells.double(1))
                }
            }
        }
        guard let (body, updatedAt) = row else { return nil }
        // The column the search used is the last step's time (the body holds the same instant).
        var session = try JSONDecoder().decode(SharedCallbackSession.self, from: body)
        session.updatedAt = Date(timeIntervalSince1970: updatedAt)
        return session
    }

    public func remove(_ id: String, version: Int64) async throws -> Bool {
        try await onCallbackThread {
            try self.callbacks.perform { connection in
                try !connection.query(
                    "DELETE FROM callback_sessions WHERE id = $1 AND version = $2 RETURNING id", [PostgresBind.text(id), PostgresBind.int(version)]
                ).isEmpty
            }
        }
    }

    /// Blocking database work on the callbacks' own thread, never on the Swift concurrency pool.
    private func onCallbackThread<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            callbackQueue.async { continuation.resume(with: Result { try work() }) }
        }
    }
}
