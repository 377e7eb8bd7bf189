/// What one reconciliation pass did.
public struct ReconcileReport: Sendable, Hashable, CustomStringConvertible {
    /// Pending transfers old enough to be asked about.
    public var examined = 0
    /// Credited by the provider: posted here.
    public var posted = 0
    /// Refused or reversed (or fenced) by the provider: voided here.
    public var voided = 0
    /// The provider could not be asked (down, circuit open): still pending.
    public var stillPending = 0
    /// Still pending past the maximum age: raised in logs and metrics.
    public var overdue: [String] = []
    /// Credits the provider reports that this ledger has no record of, or that it refunded: never absorbed.
    public var unknownCredits: [ProviderTransfer] = []
    /// Transfers whose provider answer contradicts the ledger.
    public var conflicts: [String] = []
    /// Providers that could not be asked at all (by operator id), with the last failure: nothing they
    /// hold was settled or audited in this pass.
    public var unreachable: [String: String] = [:]
    /// Another reconciler (another node of the same database) held the lock: this pass did nothing.
    public var skipped = false

    public init() {}

    public var description: String {
        if skipped { return "skipped: another reconciler holds the lock; nothing examined" }
        var lines = [
            "examined \(examined): posted \(posted), voided \(voided), still pending \(stillPending), overdue \(overdue.count)"
        ]
        for ref in overdue { lines.append("OVERDUE \(ref)") }
        for credit in unknownCredits {
            lines.append(
                "UNKNOWN CREDIT \(credit.provider) key \(credit.idempotencyKey) to \(credit.recipient) amount \(credit.amount) from \(credit.source)")
        }
        for ref in conflicts { lines.append("CONFLICT \(ref)") }
        for (provider, failure) in unreachable.sorted(by: { $0.key < $1.key }) { lines.append("UNREACHABLE \(provider): \(failure)") }
        return lines.joined(separator: "\n")
    }

    mutating func merge(_ other: ReconcileReport) {
        examined += other.examined
        posted += other.posted
        voided += other.voided
        stillPending += other.stillPending
        overdue += other.overdue
        unknownCredits += other.unknownCredits
        conflicts += other.conflicts
        unreachable.merge(other.unreachable) { first, _ in first }
    }
}
