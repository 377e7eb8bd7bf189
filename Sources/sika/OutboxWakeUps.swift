import GatewayCore
import LedgerPostgres
import ServiceLifecycle

/// `sika serve` on PostgreSQL: listens for the writers' `NOTIFY` of new receipts (from any node) and nudges this
/// node's SMS dispatcher, until graceful shutdown.
struct OutboxWakeUps: Service {
    let listener: PostgresOutboxListener

    init(endpoint: PostgresEndpoint, dispatcher: SMSDispatcher) {
        listener = PostgresOutboxListener(endpoint: endpoint) { _ in dispatcher.nudge() }
    }

    func run() async throws {
        let listener = self.listener
        await cancelWhenGracefulShutdown { await listener.run() }
    }
}
