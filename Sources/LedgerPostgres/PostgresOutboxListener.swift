import Logging
import NIOPosix
import PostgresNIO

/// Listens for the `NOTIFY` the writers send when they commit SMS receipts (the payload is the operator), so that
/// the node holding that operator's connection delivers at once, whichever node made the transfer. A lost
/// notification costs latency only: every node still looks at the outbox on its poll interval.
public struct PostgresOutboxListener: Sendable {
    public let endpoint: PostgresEndpoint
    private let onNotify: @Sendable (_ operatorID: String) -> Void
    private let logger: Logger

    public init(endpoint: PostgresEndpoint, logger: Logger = Logger(label: "sika.pg.listen"), onNotify: @escaping @Sendable (String) -> Void) {
        self.endpoint = endpoint
        self.logger = logger
        self.onNotify = onNotify
    }

    /// Listens until the task is cancelled, connecting again (after a pause) when the connection is lost.
    public func run() async {
        let channel = PostgresLedgerSQL.outboxChannel(schema: endpoint.schema)
        var id = 0
        while !Task.isCancelled {
            id += 1
            do {
                let configuration = try endpoint.configuration(applicationName: "sika-outbox-listen")
                let connection = try await PostgresConnection.connect(
                    on: MultiThreadedEventLoopGroup.singleton.any(), configuration: configuration, id: id, logger: logger)
                do {
                    try await connection.listen(on: channel) { notifications in
                        // Receipts written while this node was not listening: look now.
                        onNotify("")
                        for try await notification in notifications { onNotify(notification.payload) }
                    }
                } catch {
                    try? await connection.close()
                    throw error
                }
                try? await connection.close()
            } catch {
                if Task.isCancelled { return }
                logger.warning("the outbox listener lost its connection; listening again", metadata: ["error": "\(PostgresFailure.summary(error))"])
            }
            try? await Task.sleep(for: .seconds(1))
        }
    }
}
