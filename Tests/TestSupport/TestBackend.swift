import Foundation
import LedgerPostgres
import Testing

/// The stores a suite runs against: the same test, once per backend (`@Test(arguments: TestBackend.allCases)`).
///
/// PostgreSQL comes from `$SIKA_TEST_POSTGRES_URL`, which `scripts/postgres-test-server.sh start` prints. Each
/// test gets a schema of its own in that database, dropped afterwards. Without the variable a PostgreSQL case
/// is cancelled (reported as skipped, with the command that starts a server); with `SIKA_REQUIRE_TEST_PEERS=1`
/// (CI) it fails instead.
public enum TestBackend: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case sqlite
    case postgres

    public var testDescription: String { rawValue }
}

/// The test server, from the environment.
public enum TestPostgres {
    public static let variable = "SIKA_TEST_POSTGRES_URL"
    public static let howToStart = "eval \"$(scripts/postgres-test-server.sh start)\""

    /// The server's endpoint, or the test is cancelled (locally) or fails (CI) when there is none.
    public static func endpoint() throws -> PostgresEndpoint {
        let environment = ProcessInfo.processInfo.environment
        guard let url = environment[variable], !url.isEmpty else {
            if environment["SIKA_REQUIRE_TEST_PEERS"] == "1" {
                throw Missing(message: "SIKA_REQUIRE_TEST_PEERS=1 but \(variable) is not set: start a server with \(howToStart)")
            }
            try Test.cancel("no PostgreSQL test server: start one with \(howToStart) and run the tests again")
        }
        var endpoint = try PostgresEndpoint(url: url)
        // Tests share one server and a loaded machine (hundreds of connections, floods on the same event
        // loops): two minutes to connect, unless the URL says otherwise.
        if !url.contains("connect_timeout=") { endpoint.connectTimeout = .seconds(120) }
        return endpoint
    }

    /// The CA that signed the test server's certificate (`$SIKA_TEST_POSTGRES_CA`), for `sslmode=verify-full`.
    public static var certificateAuthority: String? { ProcessInfo.processInfo.environment["SIKA_TEST_POSTGRES_CA"] }

    /// `scripts/postgres-test-server.sh` of the running server, for `restart`.
    public static var script: String {
        ProcessInfo.processInfo.environment["SIKA_TEST_POSTGRES_SCRIPT"] ?? Repository.url("scripts/postgres-test-server.sh").path
    }

    /// A fresh schema name: one per test, so tests share the server and never each other's rows.
    public static func freshSchema() -> String {
        "sika_test_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(20)
    }

    /// Drops a test's schema, on a thread of its own (a test's clean-up must not block the concurrency pool).
    public static func drop(schema: String, of endpoint: PostgresEndpoint) {
        Thread {
            guard
                let connection = try? BlockingPostgresConnection.connect(to: endpoint.with(schema: "public"), applicationName: "sika-test-cleanup")
            else { return }
            _ = try? connection.simple("DROP SCHEMA IF EXISTS \(schema) CASCADE")
            connection.close()
        }.start()
    }

    struct Missing: Error, CustomStringConvertible {
        let message: String
        var description: String { message }
    }
}
