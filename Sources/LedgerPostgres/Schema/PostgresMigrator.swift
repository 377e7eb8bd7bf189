import Foundation
import PostgresNIO

/// Applies named migrations to the endpoint's schema, each once, recording them in `schema_migrations`.
///
/// Several processes may start at once against one database (several `sika serve` nodes): a transaction-level
/// advisory lock keyed by the schema's name makes them take turns, and the second finds the work done.
public enum PostgresMigrator {
    /// Creates the schema if needed and applies what is missing of `migrations`, in order.
    ///
    /// - Returns: the names applied now (empty when the schema was up to date).
    @discardableResult
    public static func migrate(_ connection: BlockingPostgresConnection, _ migrations: [PostgresMigration]) throws -> [String] {
        let schema = connection.endpoint.schema
        do {
            try connection.simple("CREATE SCHEMA IF NOT EXISTS \(schema)")
        } catch  where ["23505", "42P06"].contains(PostgresFailure.sqlState(error)) {
            // Another process created it between the check and the insert: it exists, which is all we need.
        }
        return try connection.transaction("the migration transaction") {
            try connection.query("SELECT pg_advisory_xact_lock(hashtext($1))", [PostgresBind.text("sika.migrate." + schema)])
            try connection.simple(
                """
                CREATE TABLE IF NOT EXISTS schema_migrations (
                    id BIGINT GENERATED ALWAYS AS IDENTITY, name TEXT PRIMARY KEY, applied_at BIGINT NOT NULL)
                """)
            let done = Set(try connection.query("SELECT name FROM schema_migrations").map { try PostgresCells($0).text(0) })
            var applied: [String] = []
            for migration in migrations where !done.contains(migration.name) {
                for statement in migration.statements { try connection.simple(statement) }
                try connection.query(
                    "INSERT INTO schema_migrations (name, applied_at) VALUES ($1, $2)",
                    [PostgresBind.text(migration.name), PostgresBind.int(Int64(Date().timeIntervalSince1970 * 1000))])
                applied.append(migration.name)
            }
            return applied
        }
    }

    /// The names recorded in `schema_migrations`, in the order they were applied.
    public static func applied(_ connection: BlockingPostgresConnection) throws -> [String] {
        try connection.query("SELECT name FROM schema_migrations ORDER BY id").map { try PostgresCells($0).text(0) }
    }
}
