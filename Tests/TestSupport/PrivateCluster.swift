import Foundation
import LedgerPostgres

/// A PostgreSQL cluster of one test's own, from `scripts/postgres-test-server.sh` in a directory of its own: for
/// the tests that restart the server, which must not pull the shared test server from under the other tests.
public final class PrivateCluster: Sendable {
    public let directory: String
    public let endpoint: PostgresEndpoint

    private init(directory: String, endpoint: PostgresEndpoint) {
        self.directory = directory
        self.endpoint = endpoint
    }

    /// Starts one (a few seconds: initdb, certificates, start). Needs the shared test server's setup to be
    /// available, and cancels or fails the test as ``TestPostgres/endpoint()`` does when it is not.
    /// The script runs off the cooperative pool (``offThePool(_:)``).
    public static func start() async throws -> PrivateCluster {
        _ = try TestPostgres.endpoint()
        let directory = FileManager.default.temporaryDirectory.appending(path: "sika-pg-\(UUID().uuidString.prefix(8))").path
        let output = try await offThePool { try script("start", directory: directory) }
        guard let line = output.split(separator: "\n").first(where: { $0.contains("SIKA_TEST_POSTGRES_URL=") }),
            let url = line.split(separator: "'").dropFirst().first
        else {
            throw TestPostgres.Missing(message: "the private cluster did not start: \(output)")
        }
        var endpoint = try PostgresEndpoint(url: String(url))
        // As for the shared server (``TestPostgres/endpoint()``): two minutes to connect on a loaded machine.
        endpoint.connectTimeout = .seconds(120)
        return PrivateCluster(directory: directory, endpoint: endpoint)
    }

    /// `pg_ctl restart -m immediate`: the server dies without a checkpoint, as in a crash, and recovers from its WAL.
    public func restart() throws { _ = try Self.script("restart", directory: directory) }

    public func stop() { _ = try? Self.script("stop", directory: directory) }

    @discardableResult
    private static func script(_ command: String, directory: String) throws -> String {
        var environment = ProcessInfo.processInfo.environment
        environment["SIKA_PG_DIR"] = directory
        let finished = try FinishedProcess.runNow(
            URL(fileURLWithPath: "/bin/bash"), [Repository.url("scripts/postgres-test-server.sh").path, command], environment: environment,
            mergingErrors: true)
        guard finished.status == 0 else {
            throw TestPostgres.Missing(message: "postgres-test-server.sh \(command) failed: \(finished.out)")
        }
        return finished.out
    }
}
