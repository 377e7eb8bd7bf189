import Foundation
import Sessions
import Testing

/// The limiter's cost per `take` does not grow with the keys it has seen, and a flood of distinct keys
/// never frees a key it is limiting. Time is injected: no test here depends on how fast the machine is.
@Suite struct TokenBucketLimiterTests {
    let start = ContinuousClock.now

    func at(_ seconds: Double) -> ContinuousClock.Instant { start + .nanoseconds(Int64(seconds * 1e9)) }

    @Test func aBucketGrantsItsBurstThenAsksToWaitAndRefills() {
        let limiter = TokenBucketLimiter(capacity: 3, refillPerSecond: 0.5)
        for _ in 0..<3 { #expect(limiter.take("a", now: at(0)) == nil) }
        #expect(limiter.take("a", now: at(0)) == 2)
        #expect(limiter.take("b", now: at(0)) == nil, "another key has its own bucket")
        #expect(limiter.take("a", now: at(1)) == 1)
        #expect(limiter.take("a", now: at(2.1)) == nil)
    }

    /// A million distinct numbers (the session-start limiter under a flood of unauthenticated starts): the
    /// table never holds more than its capacity and no `take` looks at more than a constant number of buckets.
    @Test func aMillionDistinctKeysCostTheSamePerTakeAndStayWithinCapacity() async {
        let maxKeys = 10_000
        // 30 starts per minute: a number used once is full again after 2 s. One take every 250 µs brings
        // the oldest bucket back to the front after 2.5 s, so there is always a full one to evict.
        let limiter = TokenBucketLimiter(capacity: 30, refillPerSecond: 0.5, maxKeys: maxKeys)
        let keys = 1_000_000
        let start = self.start
        let (refused, peak, maxExamined) = await onOwnThread {
            var refused = 0
            var peak = 0
            var maxExamined = 0
            for i in 0..<keys {
                if limiter.take("ussd:2289\(i)", now: start + .microseconds(250 * i)) != nil { refused += 1 }
                if i % 1_000 == 0 {
                    let statistics = limiter.statistics
                    peak = max(peak, statistics.keys)
                    maxExamined = max(maxExamined, statistics.maxExaminedPerTake)
                }
            }
            return (refused, peak, maxExamined)
        }
        #expect(refused == 0)
        #expect(peak <= maxKeys && maxExamined <= TokenBucketLimiter.probesPerTake)
        let statistics = limiter.statistics
        #expect(statistics.takes == keys)
        #expect(statistics.keys == maxKeys && statistics.peakKeys == maxKeys)
        #expect(statistics.evictions == keys - maxKeys)
        #expect(statistics.maxExaminedPerTake == 1, "the oldest bucket was full every time")
        #expect(statistics.examined == keys - maxKeys)
        #expect(statistics.refusedWhileFull == 0)
    }

    /// A flood of distinct keys faster than the buckets refill: the per-take cost stays bounded, the limited
    /// key stays limited, and new keys wait rather than push it out.
    @Test func aFloodFasterThanTheRefillNeverFreesALimitedKey() async {
        let maxKeys = 1_000
        let limiter = TokenBucketLimiter(capacity: 5, refillPerSecond: 0.1, maxKeys: maxKeys)
        let victim = "victim-of-its-own-abuse"
        for _ in 0..<5 { #expect(limiter.take(victim, now: at(0)) == nil) }
        #expect(limiter.take(victim, now: at(0)) != nil)

        let keys = 200_000
        let start = self.start
        // 200 000 starts within 10 s: a bucket needs 10 s to refill one token.
        let (granted, victimEscaped) = await onOwnThread {
            var granted = 0
            var victimEscaped = false
            for i in 0..<keys {
                let now = start + .microseconds(50 * i)
                if limiter.take("flood:\(i)", now: now) == nil { granted += 1 }
                if i % 10_000 == 0, limiter.take(victim, now: now) == nil { victimEscaped = true }
            }
            return (granted, victimEscaped)
        }
        #expect(!victimEscaped, "the limited key got a token during the flood")
        let statistics = limiter.statistics
        #expect(statistics.keys <= maxKeys && statistics.peakKeys <= maxKeys)
        #expect(statistics.maxExaminedPerTake <= TokenBucketLimiter.probesPerTake)
        #expect(statistics.examined <= TokenBucketLimiter.probesPerTake * keys)
        #expect(statistics.evictions == 0, "no bucket refilled within the flood, so none was dropped")
        #expect(granted == maxKeys - 1 && statistics.refusedWhileFull == keys - granted)
        #expect(limiter.take(victim, now: at(9.9)) != nil, "still limited by its own bucket")

        // Waiting is the only way out: once its bucket refilled, the key is served again.
        #expect(limiter.take(victim, now: at(60)) == nil)
        // And a new key gets the slot of a bucket that refilled.
        #expect(limiter.take("newcomer", now: at(60)) == nil)
        #expect(limiter.statistics.evictions == 1)
    }

    /// The least recently used bucket is the one dropped, only once full; touching a key keeps it.
    @Test func evictionTakesTheLeastRecentlyUsedFullBucket() {
        let limiter = TokenBucketLimiter(capacity: 2, refillPerSecond: 1, maxKeys: 2)
        #expect(limiter.take("a", now: at(0)) == nil)
        #expect(limiter.take("b", now: at(0)) == nil)
        #expect(limiter.take("a", now: at(0.5)) == nil)  // a: 0.5 tokens left, b: 1.5 at 0.5 s
        // At 1 s, b (least recently used) is full and goes; a keeps its deficit.
        #expect(limiter.take("c", now: at(1)) == nil)
        #expect(limiter.take("a", now: at(1)) == nil)  // 1.0 token
        #expect(limiter.take("a", now: at(1)) != nil)
        #expect(limiter.statistics.evictions == 1 && limiter.statistics.keys == 2)
    }
}

/// Runs CPU-bound `body` on a thread of its own: seconds of computing on Swift's cooperative pool (two
/// threads on a two-core machine) would stall every other test of the process meanwhile.
func onOwnThread<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T {
    await withCheckedContinuation { continuation in
        Thread.detachNewThread { continuation.resume(returning: body()) }
    }
}
