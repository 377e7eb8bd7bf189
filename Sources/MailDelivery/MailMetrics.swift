import Ledger
import Prometheus

/// The mail outbox in `/metrics`: how many messages wait or are stuck in each state (at the dispatcher's last
/// look), and what each delivery attempt ended in. On the registry the caller owns (the gateway's).
public struct MailMetrics: Sendable {
    private let waiting: [String: Gauge]
    private let attempts: [MailState: Counter]

    public init(registry: PrometheusCollectorRegistry) {
        var waiting: [String: Gauge] = [:]
        for state in ["queued", "retrying", "failed", "dead"] {
            waiting[state] = registry.makeGauge(
                descriptor: MetricNameDescriptor(
                    namespace: "sika", metricName: "mail_outbox", unitName: "messages",
                    helpText: "E-mail notices waiting (queued, retrying) or stuck (failed, dead) in the mail outbox, at the last look"),
                labels: [("state", state)])
        }
        var attempts: [MailState: Counter] = [:]
        for state in MailState.allCases {
            // What each attempt ended in: sent, queued again (deferred), failed for good, dead letter.
            let outcome = state == .queued ? "deferred" : state.rawValue
            attempts[state] = registry.makeCounter(
                descriptor: MetricNameDescriptor(
                    namespace: "sika", metricName: "mail_attempts", unitName: "total",
                    helpText: "E-mail delivery attempts by outcome: sent, deferred (4xx or unreachable: retried), failed (5xx), dead"),
                labels: [("outcome", outcome)])
        }
        self.waiting = waiting
        self.attempts = attempts
    }

    func record(_ counts: MailOutboxCounts) {
        waiting["queued"]?.set(Int64(counts.queued))
        waiting["retrying"]?.set(Int64(counts.retrying))
        waiting["failed"]?.set(Int64(counts.failed))
        waiting["dead"]?.set(Int64(counts.dead))
    }

    func attempted(_ outcome: MailState) { attempts[outcome]?.increment() }
}
