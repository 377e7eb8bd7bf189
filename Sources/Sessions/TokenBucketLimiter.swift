import Synchronization

/// Token buckets per key (an MSISDN, a client address): `capacity` requests at once, refilled at
/// `refillPerSecond`. Answers how long to wait when a bucket is empty.
///
/// The buckets live in a table of at most `maxKeys` entries kept in least-recently-used order (a
/// dictionary from key to slot, and a doubly linked list threaded through the slots), so the cost of a
/// `take` does not depend on how many keys were ever seen: one dictionary lookup, and at most
/// ``probesPerTake`` buckets looked at when a new key needs a slot.
///
/// Eviction never lets a limited key escape its limit: only a *full* bucket is evicted, and a full bucket
/// carries no information (a new bucket for that key would be identical). A new key takes the slot of the
/// least recently used bucket if that one has refilled; a bucket that still has a deficit is moved to the
/// front instead (it keeps its state) and the next one is looked at. When none of the probed buckets is
/// full — more than `maxKeys` distinct keys were used within one refill window, a flood — the new key is
/// refused as if its own bucket were empty: the limiter fails closed rather than forget a key it is limiting.
public final class TokenBucketLimiter: Sendable {
    /// Default number of keys held: 100 000 buckets is a few megabytes.
    public static let defaultMaxKeys = 100_000
    /// Buckets one `take` may look at, at most, to find a full one to evict.
    public static let probesPerTake = 4

    /// What the table did, for tests and metrics: the cost of every `take` is visible here.
    public struct Statistics: Sendable, Equatable {
        /// Buckets held now, and the most ever held (never above `maxKeys`).
        public var keys = 0
        public var peakKeys = 0
        public var takes = 0
        /// Buckets looked at to find room for a new key, in all, and the most in one `take`.
        public var examined = 0
        public var maxExaminedPerTake = 0
        /// Full buckets dropped to make room for a new key.
        public var evictions = 0
        /// New keys refused because every probed bucket still had a deficit (the table is flooded).
        public var refusedWhileFull = 0
    }

    private struct Slot {
        var key: String
        var tokens: Double
        var updated: ContinuousClock.Instant
        var newer: Int
        var older: Int
    }

    /// The table, all under one lock. Slot indices link the list; `none` ends it.
    private struct Table {
        static let none = -1
        var index: [String: Int] = [:]
        var slots: [Slot] = []
        /// Most and least recently used slot.
        var newest = none
        var oldest = none
        var statistics = Statistics()

        mutating func unlink(_ slot: Int) {
            let (newer, older) = (slots[slot].newer, slots[slot].older)
            if newer == Self.none { newest = older } else { slots[newer].older = older }
            if older == Self.none { oldest = newer } else { slots[older].newer = newer }
        }

        mutating func pushNewest(_ slot: Int) {
            slots[slot].older = newest
            slots[slot].newer = Self.none
            if newest != Self.none { slots[newest].newer = slot }
            newest = slot
            if oldest == Self.none { oldest = slot }
        }

        mutating func touch(_ slot: Int) {
            guard newest != slot else { return }
            unlink(slot)
            pushNewest(slot)
        }
    }

    private let capacity: Double
    private let refillPerSecond: Double
    /// Most keys held at once.
    public let maxKeys: Int
    private let table = Mutex(Table())

    /// - Parameters:
    ///   - capacity: the burst, in requests.
    ///   - refillPerSecond: the sustained rate.
    ///   - maxKeys: how many keys are remembered at once (see the type's documentation for what happens beyond).
    public init(capacity: Int, refillPerSecond: Double, maxKeys: Int = TokenBucketLimiter.defaultMaxKeys) {
        precondition(capacity > 0 && refillPerSecond > 0 && maxKeys > 0)
        self.capacity = Double(capacity)
        self.refillPerSecond = refillPerSecond
        self.maxKeys = maxKeys
    }

    /// What the table did so far.
    public var statistics: Statistics { table.withLock { $0.statistics } }

    /// Forgets `key`'s bucket: its next request finds a full one (the demo reset).
    public func reset(_ key: String) {
        // A full bucket is the same as no bucket: it refuses nothing and is the first to be evicted.
        table.withLock { table in
            if let slot = table.index[key] { table.slots[slot].tokens = capacity }
        }
    }

    /// Takes one token for `key`; nil if granted, else the whole seconds to wait before retrying.
    public func take(_ key: String, now: ContinuousClock.Instant = .now) -> Int? {
        table.withLock { table in
            table.statistics.takes += 1
            let slot: Int
            if let known = table.index[key] {
                slot = known
                table.slots[slot].tokens = tokens(table.slots[slot], at: now)
                table.slots[slot].updated = now
                table.touch(slot)
            } else {
                switch room(in: &table, now: now) {
                case .slot(let free):
                    slot = free
                case .wait(let seconds):
                    return seconds
                }
                table.slots[slot].key = key
                table.slots[slot].tokens = capacity
                table.slots[slot].updated = now
                table.index[key] = slot
                table.pushNewest(slot)
                table.statistics.keys = table.index.count
                table.statistics.peakKeys = max(table.statistics.peakKeys, table.statistics.keys)
            }
            guard table.slots[slot].tokens >= 1 else {
                return Self.seconds((1 - table.slots[slot].tokens) / refillPerSecond)
            }
            table.slots[slot].tokens -= 1
            return nil
        }
    }

    private enum Room {
        case slot(Int)
        case wait(Int)
    }

    /// An unlinked slot for a new key: a fresh one while the table is not full, else the slot of a full bucket
    /// among the least recently used few; or how long until one of those refills.
    private func room(in table: inout Table, now: ContinuousClock.Instant) -> Room {
        if table.slots.count < maxKeys {
            table.slots.append(Slot(key: "", tokens: 0, updated: now, newer: Table.none, older: Table.none))
            return .slot(table.slots.count - 1)
        }
        var examined = 0
        var soonest = Double.infinity
        defer {
            table.statistics.examined += examined
            table.statistics.maxExaminedPerTake = max(table.statistics.maxExaminedPerTake, examined)
        }
        while examined < Self.probesPerTake {
            let candidate = table.oldest
            examined += 1
            let level = tokens(table.slots[candidate], at: now)
            if level >= capacity {
                table.unlink(candidate)
                table.index[table.slots[candidate].key] = nil
                table.statistics.evictions += 1
                return .slot(candidate)
            }
            // Still limited: keep it, out of the way of the buckets behind it.
            soonest = min(soonest, (capacity - level) / refillPerSecond)
            table.touch(candidate)
        }
        table.statistics.refusedWhileFull += 1
        return .wait(Self.seconds(soonest))
    }

    private func tokens(_ slot: Slot, at now: ContinuousClock.Instant) -> Double {
        let elapsed = now - slot.updated
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        return min(capacity, slot.tokens + max(0, seconds) * refillPerSecond)
    }

    private static func seconds(_ value: Double) -> Int { max(1, Int(value.rounded(.up))) }
}
