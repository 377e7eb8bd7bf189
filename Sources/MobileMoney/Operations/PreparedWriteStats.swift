/// How the write jobs prepared on a snapshot fared (see `MobileMoney.transfer`): applied after one
/// recheck, or found their snapshot stale (a PIN, a lock, a tier or a language changed in between, or the key
/// got used) and checked everything inside the job instead. Jobs that were never prepared (a wrong PIN, a replay) are in neither.
public struct PreparedWriteStats: Sendable, Hashable {
    public var applied = 0
    public var stale = 0
    /// Preparations that read their parties on a snapshot of their own (the others found them in the
    /// snapshots already read, see `SubscriberSnapshots`).
    public var reads = 0

    public init(applied: Int = 0, stale: Int = 0, reads: Int = 0) {
        self.applied = applied
        self.stale = stale
        self.reads = reads
    }
}
