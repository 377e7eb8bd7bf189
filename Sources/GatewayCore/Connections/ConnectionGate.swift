import Prometheus
import Synchronization

/// Counts the open connections of one listener and decides, when a connection is accepted, whether it may
/// stay: under the listener's cap, under its address's cap, and (line listener, at `HELLO`) under its
/// operator's. Refusals, timeouts and the open count are Prometheus series:
/// `sika_connections_refused_total{listener,reason}`, `sika_connections_timed_out_total{listener}`,
/// `sika_connections_open{listener}`.
public final class ConnectionGate: Sendable {
    /// Why a connection was refused (the `reason` label).
    public enum Refusal: String, Sendable, CaseIterable {
        /// The listener holds its cap of connections.
        case listener
        /// The client's address holds its cap.
        case address
        /// The operator named by `HELLO` holds its cap.
        case `operator`
    }

    private struct State {
        var open = 0
        var perAddress: [String: Int] = [:]
        var perOperator: [String: Int] = [:]
    }

    /// The `listener` label: `line` or `http`.
    public let listener: String
    public let limits: ConnectionLimits
    private let exempt: @Sendable (String) -> Bool
    private let state = Mutex(State())
    private let refused: [Refusal: Counter]
    private let timedOut: Counter
    private let openGauge: Gauge

    /// - Parameter exemptFromAddressCap: addresses that count only toward the listener's cap (trusted proxies).
    public init(
        listener: String, limits: ConnectionLimits, registry: PrometheusCollectorRegistry,
        exemptFromAddressCap: @escaping @Sendable (String) -> Bool = { _ in false }
    ) {
        self.listener = listener
        self.limits = limits
        self.exempt = exemptFromAddressCap
        var refused: [Refusal: Counter] = [:]
        for reason in Refusal.allCases {
            refused[reason] = registry.makeCounter(
                descriptor: Self.name("connections_refused", "total", "Connections refused when accepted (or at HELLO), by listener and reason"),
                labels: [("listener", listener), ("reason", reason.rawValue)])
        }
        self.refused = refused
        timedOut = registry.makeCounter(
            descriptor: Self.name("connections_timed_out", "total", "Connections closed for not authenticating in time"),
            labels: [("listener", listener)])
        openGauge = registry.makeGauge(descriptor: Self.name("connections_open", "", "Connections open now"), labels: [("listener", listener)])
    }

    private static func name(_ metric: String, _ unit: String, _ help: String) -> MetricNameDescriptor {
        MetricNameDescriptor(namespace: "sika", metricName: metric, unitName: unit, helpText: help)
    }

    /// Connections open now.
    public var openConnections: Int { state.withLock { $0.open } }

    /// Admits a connection just accepted from `address` (counted until `release`), or says why not (counted
    /// as refused).
    public func admit(address: String?) -> Refusal? {
        let key = address ?? "-"
        let exempt = self.exempt(key)
        let refusal: Refusal? = state.withLock { state in
            guard state.open < limits.total else { return .listener }
            if !exempt {
                guard state.perAddress[key, default: 0] < limits.perAddress else { return .address }
                state.perAddress[key, default: 0] += 1
            }
            state.open += 1
            openGauge.set(Double(state.open))
            return nil
        }
        if let refusal { refused[refusal]?.increment() }
        return refusal
    }

    /// A connection admitted from `address` closed.
    public func release(address: String?) {
        let key = address ?? "-"
        let exempt = self.exempt(key)
        state.withLock { state in
            state.open -= 1
            if !exempt {
                let left = state.perAddress[key, default: 1] - 1
                state.perAddress[key] = left > 0 ? left : nil
            }
            openGauge.set(Double(state.open))
        }
    }

    /// Admits one more authenticated connection of `operatorID`, or counts the refusal and answers false.
    public func admit(operator operatorID: String) -> Bool {
        let admitted = state.withLock { state in
            guard state.perOperator[operatorID, default: 0] < limits.perOperator else { return false }
            state.perOperator[operatorID, default: 0] += 1
            return true
        }
        if !admitted { refused[.operator]?.increment() }
        return admitted
    }

    /// An authenticated connection of `operatorID` closed.
    public func release(operator operatorID: String) {
        state.withLock { state in
            let left = state.perOperator[operatorID, default: 1] - 1
            state.perOperator[operatorID] = left > 0 ? left : nil
        }
    }

    /// A connection was closed for not authenticating in time.
    public func recordTimeout() { timedOut.increment() }
}
