/// A rate limit for one bind: `perSecond` submits a second, bursts of up to `burst`.
public struct ThrottleRate: Hashable, Sendable {
    public var perSecond: Double
    public var burst: Int

    public init(perSecond: Double, burst: Int) {
        self.perSecond = perSecond
        self.burst = burst
    }
}
