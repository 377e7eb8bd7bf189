import Synchronization

/// A clock tests move by hand, in milliseconds since 1970 as the ledger counts.
public final class TestClock: Sendable {
    /// 2026-11-27 10:00 UTC: the instant fixtures start at unless told otherwise.
    public static let start: Int64 = 1_795_773_600_000

    private let now: Mutex<Int64>

    public init(_ start: Int64 = TestClock.start) { now = Mutex(start) }

    /// The current reading.
    public var value: Int64 { now.withLock { $0 } }
    /// The clock as the ledger takes it.
    public var read: @Sendable () -> Int64 { { self.value } }

    public func advance(millis: Int64) { now.withLock { $0 += millis } }
    public func advance(minutes: Int64) { advance(millis: minutes * 60_000) }
}
