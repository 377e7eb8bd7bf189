import Dispatch
import Synchronization

/// Session changes a durable store has not written yet (its write-behind): the newest state per id, so that
/// many steps within `coalesce` share one commit, and whether a write is already scheduled.
///
/// One piece for every durable store (SQLite, PostgreSQL): each calls ``record(_:_:)`` when a session changes,
/// schedules its own write on its own queue after ``delay`` when told to, and writes what ``take()`` returns.
public final class PendingSessionWrites: Sendable {
    private struct State {
        /// The newest state per id; nil means delete.
        var changes: [String: StoredSession?] = [:]
        var scheduled = false
    }

    private let state = Mutex(State())
    /// How late a session write may be.
    public let coalesce: Duration

    public init(coalesce: Duration) {
        self.coalesce = coalesce
    }

    /// Keeps `session` (nil: delete) as the newest state of `id`. Returns true when no write is scheduled yet:
    /// the caller schedules one after ``delay``.
    public func record(_ id: String, _ session: StoredSession?) -> Bool {
        state.withLock { state in
            state.changes[id] = .some(session)
            defer { state.scheduled = true }
            return !state.scheduled
        }
    }

    /// Everything pending, emptied; the next ``record(_:_:)`` schedules a new write.
    public func take() -> [String: StoredSession?] {
        state.withLock { state in
            state.scheduled = false
            defer { state.changes.removeAll(keepingCapacity: true) }
            return state.changes
        }
    }

    /// `coalesce` for `DispatchQueue.asyncAfter`.
    public var delay: DispatchTimeInterval {
        .microseconds(Int(coalesce.components.seconds * 1_000_000 + coalesce.components.attoseconds / 1_000_000_000_000))
    }
}
