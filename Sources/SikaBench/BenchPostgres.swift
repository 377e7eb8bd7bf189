import Foundation
import LedgerPostgres

/// What the benches that run on PostgreSQL share: the endpoint of `--database`, and dropping a run's schema.
enum BenchPostgres {
    /// The endpoint of `url`, its password from `SIKA_DATABASE_PASSWORD` when the URL has none.
    static func endpoint(_ url: String) throws -> PostgresEndpoint {
        var endpoint = try PostgresEndpoint(url: url)
        if endpoint.password == nil { endpoint.password = ProcessInfo.processInfo.environment["SIKA_DATABASE_PASSWORD"] }
        return endpoint
    }

    /// Drops `schema` and everything in it (blocking: call it off the concurrency pool, or where blocking is fine).
    static func drop(schema: String, endpoint: PostgresEndpoint) throws {
        let connection = try BlockingPostgresConnection.connect(to: endpoint, applicationName: "sika-bench")
        defer { connection.close() }
        try connection.simple("DROP SCHEMA IF EXISTS \(schema) CASCADE")
    }
}
