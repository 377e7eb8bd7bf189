import Prometheus

/// The gateway's Prometheus series, registered on a registry instance the caller owns, never on the
/// process-wide `MetricsSystem` (which can be bootstrapped once per process and would tie tests together).
public struct GatewayMetrics: Sendable {
    public let registry: PrometheusCollectorRegistry
    let sessionsStarted: Counter
    let sessionsEnded: Counter
    let steps: Counter
    let stepLatency: DurationHistogram
    let smsDelivered: Counter
    let smsQueued: Gauge
    private let errors: [GatewayError.Code: Counter]

    public init(registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry()) {
        self.registry = registry
        sessionsStarted = registry.makeCounter(descriptor: Self.name("sessions_started", "total", "USSD sessions begun"))
        sessionsEnded = registry.makeCounter(descriptor: Self.name("sessions_ended", "total", "USSD sessions ended, aborted or expired"))
        steps = registry.makeCounter(descriptor: Self.name("steps", "total", "Session steps served (BEGIN, CONTINUE, HTTP callbacks)"))
        stepLatency = registry.makeDurationHistogram(
            descriptor: Self.name("step_duration", "seconds", "Time to compute one session step"),
            buckets: [
                .microseconds(250), .microseconds(500), .milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10),
                .milliseconds(25), .milliseconds(50), .milliseconds(100), .milliseconds(250), .seconds(1),
            ])
        smsDelivered = registry.makeCounter(descriptor: Self.name("sms_delivered", "total", "SMS written to an operator's connection"))
        smsQueued = registry.makeGauge(
            descriptor: Self.name("sms_queued", "", "SMS in the outbox waiting for a connected operator, at the last look"))
        var errors: [GatewayError.Code: Counter] = [:]
        for code in GatewayError.Code.allCases {
            errors[code] = registry.makeCounter(
                descriptor: Self.name("protocol_errors", "total", "Refused lines and requests by code"), labels: [("code", String(code.rawValue))])
        }
        self.errors = errors
    }

    static func name(_ metric: String, _ unit: String, _ help: String) -> MetricNameDescriptor {
        MetricNameDescriptor(namespace: "sika", metricName: metric, unitName: unit, helpText: help)
    }

    public func refused(_ code: GatewayError.Code) { errors[code]?.increment() }

    /// The registry's series in the Prometheus text format.
    public func exposition() -> String { registry.emitToString() }
}
