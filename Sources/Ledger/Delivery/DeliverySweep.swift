/// What one sweep of the tracked messages did.
public struct DeliverySweep: Sendable, Hashable {
    /// Retries whose time came: back in the outbox for the next dispatch.
    public var requeued: Int
    /// Messages whose validity (and the wait for a receipt) ran out.
    public var expired: Int

    public init(requeued: Int = 0, expired: Int = 0) {
        self.requeued = requeued
        self.expired = expired
    }
}
