import MenuEngine

/// The live USSD sessions of one process, with their idle deadline.
///
/// An entry is `busy` while a step runs (possibly a slow host action): a second step for the same
/// session is refused rather than queued, because a phone never sends two answers to one screen and a
/// gateway that does is retrying.
actor SessionStore {
    struct Entry {
        var session: MenuSession
        let msisdn: String
        /// Unique per session: idempotency keys of its actions derive from it.
        let requestBase: String
        var actions = 0
        var lastActivity: ContinuousClock.Instant
        var busy = true
    }

    private var entries: [String: Entry] = [:]
    private let idleTimeout: Duration

    init(idleTimeout: Duration) { self.idleTimeout = idleTimeout }

    /// Reserves a new session id; refused if it is live.
    func reserve(_ id: String, msisdn: String, requestBase: String, session: MenuSession) throws(SessionError) {
        let now = ContinuousClock.now
        if let existing = entries[id], now - existing.lastActivity < idleTimeout {
            throw SessionError(.conflict, "session \(id) already exists")
        }
        entries[id] = Entry(session: session, msisdn: msisdn, requestBase: requestBase, lastActivity: now)
    }

    /// Takes a session for one step; refused if unknown, expired or already busy. A just-reserved
    /// session is taken by its creator without the busy check.
    func checkOut(_ id: String, reserved: Bool = false) throws(SessionError) -> Entry {
        let now = ContinuousClock.now
        guard var entry = entries[id] else { throw SessionError(.unknownSession, "no session \(id)") }
        guard now - entry.lastActivity < idleTimeout else {
            entries[id] = nil
            throw SessionError(.unknownSession, "session \(id) expired")
        }
        guard reserved || !entry.busy else { throw SessionError(.conflict, "a reply for \(id) is still pending") }
        entry.busy = true
        entries[id] = entry
        return entry
    }

    /// Puts a session back after a step, or drops it when it ended.
    func checkIn(_ id: String, _ entry: Entry) {
        guard !entry.session.isEnded else {
            entries[id] = nil
            return
        }
        var entry = entry
        entry.busy = false
        entry.lastActivity = ContinuousClock.now
        entries[id] = entry
    }

    func remove(_ id: String) -> Bool { entries.removeValue(forKey: id) != nil }

    /// The stored engine state of a session, without taking it.
    func peek(_ id: String) -> MenuSession? { entries[id]?.session }

    /// Drops sessions idle for longer than the timeout; returns how many.
    func expire() -> Int {
        let now = ContinuousClock.now
        let stale = entries.filter { !$0.value.busy && now - $0.value.lastActivity >= idleTimeout }.map(\.key)
        for id in stale { entries[id] = nil }
        return stale.count
    }

    var count: Int { entries.count }
}
