import ArgumentParser
import Foundation
import Sessions

/// `sika-bench limiter`: the cost of a session-start rate-limit check while the limiter fills with distinct
/// phone numbers, batch by batch: with a bounded, least-recently-used table it stays flat however many
/// numbers were seen.
struct LimiterBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "limiter", abstract: "Nanoseconds per rate-limit check as the limiter sees more and more distinct keys.")

    @Option(help: "Distinct keys in all.") var keys: Int = 2_000_000
    @Option(help: "Keys the limiter remembers.") var maxKeys: Int = TokenBucketLimiter.defaultMaxKeys
    @Option(help: "Keys per reported batch.") var batch: Int = 200_000
    @Flag(help: "Tiny counts: proves the bench runs (CI), measures nothing.") var smoke = false

    mutating func validate() throws {
        if smoke { (keys, maxKeys, batch) = (20_000, 5_000, 5_000) }
        guard keys > 0, maxKeys > 0, batch > 0 else { throw ValidationError("counts must be positive") }
    }

    func run() async throws {
        // 30 starts per minute, as `serve`'s default; time advances 50 µs per start so old buckets refill.
        let limiter = TokenBucketLimiter(capacity: 30, refillPerSecond: 0.5, maxKeys: maxKeys)
        let origin = ContinuousClock.now
        let clock = ContinuousClock()
        var done = 0
        while done < keys {
            let count = min(batch, keys - done)
            let started = clock.now
            for i in done..<(done + count) {
                _ = limiter.take("ussd:228\(i)", now: origin + .microseconds(50 * i))
            }
            let elapsed = clock.now - started
            done += count
            let nanoseconds = Double(elapsed.components.seconds) * 1e9 + Double(elapsed.components.attoseconds) / 1e9
            let statistics = limiter.statistics
            print(
                "keys seen \(String(format: "%9d", done))  held \(String(format: "%7d", statistics.keys))  \(String(format: "%7.0f", nanoseconds / Double(count))) ns/take  most examined in one take \(statistics.maxExaminedPerTake)"
            )
        }
    }
}
