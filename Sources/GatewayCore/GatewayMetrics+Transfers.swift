import Ledger
import MobileMoney
import Prometheus

extension GatewayMetrics: TransferObserver {
    /// Counts every money movement by kind and outcome, whatever the front that asked for it:
    /// `sika_transfers_total{kind="p2p",outcome="ok"}`, `{kind="off_net",outcome="pending"}`,
    /// `{kind="cash_out",outcome="wrong_pin"}`. `GatewayCore` registers its metrics with the ledger's `MobileMoney`.
    public func transferFinished(kind: TransferKind, outcome: String) {
        registry.makeCounter(
            descriptor: Self.name("transfers", "total", "Money movements asked for on any front (USSD, API, CLI), by kind and outcome"),
            labels: [("kind", kind.rawValue), ("outcome", outcome)]
        ).increment()
    }
}
