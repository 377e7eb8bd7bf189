import Ledger

/// ``ExclusiveLock`` as a PostgreSQL session-level advisory lock (`pg_try_advisory_lock`), on a connection opened
/// for the holding and closed after it: a node that dies mid-work releases the lock with its connection. Names are
/// scoped to the endpoint's schema, so that two databases (or two test schemas) on one server do not meet.
public struct PostgresAdvisoryLock: ExclusiveLock {
    public let endpoint: PostgresEndpoint

    public init(endpoint: PostgresEndpoint) { self.endpoint = endpoint }

    public func whileHolding<T: Sendable>(_ name: String, _ body: @Sendable () async -> T) async throws -> T? {
        let key = "sika.lock.\(endpoint.schema).\(name)"
        let endpoint = self.endpoint
        let holder: BlockingPostgresConnection? = try await BlockingWork.run {
            let connection = try BlockingPostgresConnection.connect(to: endpoint, applicationName: "sika-lock-\(name)")
            do {
                let held = try connection.query("SELECT pg_try_advisory_lock(hashtext($1))", [PostgresBind.text(key)]).first.map {
                    try PostgresCells($0).bool(0)
                }
                if held == true { return connection }
                connection.close()
                return nil
            } catch {
                connection.close()
                throw error
            }
        }
        guard let holder else { return nil }
        let result = await body()
        // Closing the connection releases the lock too; the unlock says so in the server's log of this session.
        _ = try? await BlockingWork.run {
            _ = try? holder.query("SELECT pg_advisory_unlock(hashtext($1))", [PostgresBind.text(key)])
            holder.close()
        }
        return result
    }
}
