import Foundation
import Synchronization

/// Ended sessions in memory, for a retention window and up to a cap.
///
/// Memory is bounded whatever the callers do: beyond `capacity` the oldest retained session is
/// forgotten first, in O(1) (a FIFO of ids beside the dictionary), so a flood of sessions that end
/// at once costs at most `capacity` entries and constant work per session.
public final class MemoryEndedSessionStore: EndedSessionStore {
    private struct State {
        /// id → the retained session, when it was retained, and the sequence number of its place in `order`.
        var entries: [String: (session: EndedSession, retainedAt: Date, sequence: UInt64)] = [:]
        /// Ids in the order they were retained; `head` is the oldest live position.
        var order: [(id: String, sequence: UInt64)] = []
        var head = 0
        var nextSequence: UInt64 = 0
    }

    private let retention: Duration
    private let capacity: Int
    private let now: @Sendable () -> Date
    private let state = Mutex(State())

    /// - Parameters:
    ///   - retention: how long an ended session is kept.
    ///   - capacity: how many are kept at most.
    ///   - now: the wall clock (injected by tests).
    public init(retention: Duration, capacity: Int, now: @escaping @Sendable () -> Date = { Date() }) {
        precondition(capacity > 0, "capacity must be positive")
        self.retention = retention
        self.capacity = capacity
        self.now = now
    }

    public func retain(_ session: EndedSession, id: String) {
        retain(session, id: id, at: now())
    }

    /// Retains `session` as of `retainedAt` (a durable store reloading what it kept before a restart).
    public func retain(_ session: EndedSession, id: String, at retainedAt: Date) {
        let now = retainedAt
        state.withLock { state in
            let sequence = state.nextSequence
            state.nextSequence += 1
            state.entries[id] = (session, now, sequence)
            state.order.append((id, sequence))
            evict(&state, now: now)
        }
    }

    public func lookup(_ id: String) -> EndedSession? {
        let now = now()
        return state.withLock { state in
            evict(&state, now: now)
            guard let entry = state.entries[id] else { return nil }
            return isLive(entry.retainedAt, now: now) ? entry.session : nil
        }
    }

    public var count: Int { state.withLock { $0.entries.count } }

    /// Positions held in the FIFO, forgotten ones included until compaction: never more than twice the
    /// capacity, which the tests check to prove memory stays bounded.
    var storageCount: Int { state.withLock { $0.order.count } }

    private func isLive(_ retainedAt: Date, now: Date) -> Bool {
        now.timeIntervalSince(retainedAt) < retention.seconds
    }

    /// Drops the oldest positions while they are over the cap or past the window. A position whose id
    /// was retained again later is stale and only dropped; the newer entry stays.
    private func evict(_ state: inout State, now: Date) {
        while state.head < state.order.count {
            let (id, sequence) = state.order[state.head]
            guard let entry = state.entries[id], entry.sequence == sequence else {
                state.head += 1
                continue
            }
            guard state.entries.count > capacity || !isLive(entry.retainedAt, now: now) else { break }
            state.entries[id] = nil
            state.head += 1
        }
        // Compact once the dead prefix is the larger half: amortised O(1) per retained session.
        if state.head > 0 && state.head * 2 >= state.order.count {
            state.order.removeFirst(state.head)
            state.head = 0
        }
        // Positions of ids retained again pile up behind a live oldest one; once they outnumber the
        // cap, drop them all. That leaves at most `capacity` positions, so it runs at most once per
        // `capacity` retains: amortised O(1) too.
        if state.order.count > 2 * capacity {
            let entries = state.entries
            state.order.removeAll { entries[$0.id]?.sequence != $0.sequence }
            state.head = 0
        }
    }
}
