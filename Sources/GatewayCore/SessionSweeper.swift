import ServiceLifecycle
import Sessions

/// Periodically forgets idle sessions, so abandoned ones (the phone lost coverage) do not pile up.
public struct SessionSweeper: Service {
    let core: GatewayCore

    public init(core: GatewayCore) { self.core = core }

    public func run() async throws {
        let sessions = core.sessions
        let metrics = core.metrics
        let interval = core.configuration.sweepInterval
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                try? await Task.sleep(for: interval)
                let expired = await sessions.expireIdleSessions()
                if expired > 0 { metrics.sessionsEnded.increment(by: Int64(expired)) }
            }
        }
        // The listeners stopped before this service (reverse order): no step changes a session any more.
        do {
            try await sessions.flush()
        } catch {
            core.logger.error("session store not flushed at shutdown", metadata: ["error": "\(error)"])
        }
    }
}
