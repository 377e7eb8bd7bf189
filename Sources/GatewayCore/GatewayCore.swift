import Foundation
import Ledger
import Logging
import MobileMoney
import Operators
import Sessions
import Synchronization

/// What every connection and request of the gateways shares: the session manager, the configuration,
/// the metrics, the SMS dispatcher, and whether the process is shutting down.
public final class GatewayCore: Sendable {
    public let sessions: SessionManager
    public let configuration: GatewayConfiguration
    public let metrics: GatewayMetrics
    public let dispatcher: SMSDispatcher
    /// Open connections and their caps, per listener.
    public let lineConnections: ConnectionGate
    public let httpConnections: ConnectionGate
    public let logger: Logger

    private struct State {
        var draining = false
        var stepsInFlight = 0
        var nextConnection = 0
    }

    private let state = Mutex(State())

    public init(sessions: SessionManager, configuration: GatewayConfiguration, metrics: GatewayMetrics = GatewayMetrics(), logger: Logger) {
        self.sessions = sessions
        self.configuration = configuration
        self.metrics = metrics
        self.logger = logger
        self.dispatcher = SMSDispatcher(
            money: sessions.money, metrics: metrics, pollInterval: configuration.smsPollInterval, claims: configuration.smsClaims, logger: logger)
        lineConnections = ConnectionGate(listener: "line", limits: configuration.lineConnections, registry: metrics.registry)
        let proxies = configuration.trustedProxies
        httpConnections = ConnectionGate(
            listener: "http", limits: configuration.httpConnections, registry: metrics.registry, exemptFromAddressCap: { proxies.contains($0) })
        // Every movement on this ledger, whatever the front (sessions, the JSON API), counts in these metrics.
        sessions.money.addTransferObserver(metrics)
    }

    public var catalog: OperatorCatalog { sessions.money.catalog }

    /// Set at shutdown: new sessions are refused with `503`, steps of live ones still run.
    public var isDraining: Bool { state.withLock { $0.draining } }

    public func beginDraining() { state.withLock { $0.draining = true } }

    /// Steps being computed, over all connections and HTTP requests.
    public var stepsInFlight: Int { state.withLock { $0.stepsInFlight } }

    /// Waits until no step is in flight, or `timeout` passed.
    public func waitForStepsInFlight(timeout: Duration) async {
        let deadline = ContinuousClock.now + timeout
        while stepsInFlight > 0, ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(5))
        }
    }

    public func nextConnectionID() -> Int {
        state.withLock {
            $0.nextConnection += 1
            return $0.nextConnection
        }
    }

    /// Runs one step of the session stored under `key`, recording metrics. Never logs the input: it may be a PIN.
    public func perform(_ step: SessionStep, key: String) async -> StepOutcome {
        state.withLock { $0.stepsInFlight += 1 }
        defer { state.withLock { $0.stepsInFlight -= 1 } }
        let started = ContinuousClock.now
        let outcome: StepOutcome
        do throws(SessionError) {
            switch step {
            case .begin(let msisdn, let dial, let operatorID, let front):
                let reply = try await sessions.begin(id: key, msisdn: msisdn, dial: dial, operatorID: operatorID, front: front)
                metrics.sessionsStarted.increment()
                outcome = .reply(reply)
            case .reply(let input):
                outcome = .reply(try await sessions.reply(id: key, input: input))
            case .reshow:
                outcome = .reply(try await sessions.reshow(id: key))
            case .abort:
                try await sessions.abort(id: key)
                outcome = .aborted
            case .cancel:
                try await sessions.cancel(id: key)
                outcome = .aborted
            }
        } catch {
            return .refused(error)
        }
        switch outcome {
        case .reply(let reply):
            metrics.steps.increment()
            metrics.stepLatency.record(ContinuousClock.now - started)
            if reply.isFinal { metrics.sessionsEnded.increment() }
            // A step may have moved money, and so written receipts to the outbox.
            dispatcher.nudge()
        case .aborted:
            metrics.sessionsEnded.increment()
        case .refused:
            break
        }
        return outcome
    }

    /// The SMS reply to a mobile-originated SMS, in the subscriber's language when known.
    public func answerMobileOriginated(msisdn: String, text: String, operator op: OperatorConfig) async -> String {
        let language = try? await sessions.money.subscriber(msisdn)?.language
        return SMSKeywordReply.reply(to: text, language: language, operator: op)
    }

    /// Maps a session error to the protocol's code, naming the session as the client knows it rather than by
    /// its internal, connection-scoped `key`.
    public static func gatewayError(_ error: SessionError, session: String, key: String) -> GatewayError {
        let code: GatewayError.Code =
            switch error.code {
            case .malformed: .malformed
            case .unknownSession: .unknownSession
            case .conflict: .conflict
            case .rateLimited: .rateLimited
            }
        return GatewayError(code, session: session, error.message.replacingOccurrences(of: key, with: session))
    }
}
