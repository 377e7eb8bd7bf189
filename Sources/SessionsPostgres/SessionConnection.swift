import Foundation
import LedgerPostgres
import Logging

/// One connection of the session store, shared under a lock, set up with the sessions' durability
/// (`synchronous_commit = off`, read back) and replaced once when the server dropped it.
final class SessionConnection: @unchecked Sendable {
    private let lock = NSLock()
    private let endpoint: PostgresEndpoint
    private let name: String
    private let logger: Logger
    /// Guarded by `lock`.
    private var connection: BlockingPostgresConnection?

    private init(endpoint: PostgresEndpoint, name: String, logger: Logger, connection: BlockingPostgresConnection) {
        self.endpoint = endpoint
        self.name = name
        self.logger = logger
        self.connection = connection
    }

    static func open(_ endpoint: PostgresEndpoint, name: String, logger: Logger) throws -> SessionConnection {
        SessionConnection(endpoint: endpoint, name: name, logger: logger, connection: try connect(endpoint, name: name, logger: logger))
    }

    private static func connect(_ endpoint: PostgresEndpoint, name: String, logger: Logger) throws -> BlockingPostgresConnection {
        let connection = try BlockingPostgresConnection.connect(to: endpoint, applicationName: name, logger: logger)
        do {
            try connection.simple("SET synchronous_commit TO off")
            let reading = try connection.scalarText("SHOW synchronous_commit")
            guard reading == "off" else {
                throw PostgresStoreError(.configuration, "the session connection runs with synchronous_commit=\(reading), not off as configured")
            }
            return connection
        } catch {
            connection.close()
            throw error
        }
    }

    /// Runs `body` on the connection; when the connection was lost, once more on a new one (session writes are
    /// upserts and deletes, reads change nothing: running again is harmless).
    func perform<T>(_ body: (BlockingPostgresConnection) throws -> T) throws -> T {
        lock.lock()
        defer { lock.unlock() }
        for attempt in 0..<2 {
            do {
                if connection == nil || connection!.isBroken {
                    connection?.close()
                    connection = nil
                    connection = try Self.connect(endpoint, name: name, logger: logger)
                }
                return try body(connection!)
            } catch {
                guard attempt == 0, connection?.isBroken ?? true else { throw error }
                logger.info("session store reconnects", metadata: ["connection": "\(name)"])
            }
        }
        throw PostgresStoreError(.connection, "unreachable")
    }

    func close() {
        lock.lock()
        defer { lock.unlock() }
        connection?.close()
        connection = nil
    }
}
