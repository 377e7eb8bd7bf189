import Foundation
import MenuEngine

/// The live USSD sessions of one process, with their idle deadline, and the suspended ones (lost to a
/// timeout or a drop) that the same binding may resume. Every change is written to the ``SessionStore``.
///
/// An entry is `busy` while a step runs (possibly a slow host action): a second step for the same
/// session is refused rather than queued, because a phone never sends two answers to one screen and a
/// gateway that does is retrying.
actor LiveSessions {
    struct Entry {
        var session: MenuSession
        var binding: SessionBinding
        /// Unique per session: idempotency keys of its money actions derive from it.
        var requestBase: String
        var moneyActions = 0
        var lastActivity: ContinuousClock.Instant
        var busy = true
        /// A suspended session this one offers to resume (the resume question is on screen).
        var offer: StoredSession?
        /// The step that ended the session ran a money action (its last screen is the outcome).
        var endedByMoney = false
        /// The last screen shown (kept only in memory, for an ended money session's late drop).
        var lastReply: String?
        /// Whether the store holds this session (a session still on its first screen is not written).
        var stored = false
        var msisdn: String { binding.msisdn }
    }

    private var entries: [String: Entry] = [:]
    /// The resumable session of each binding (the newest drop wins), and the binding of each by its id.
    private var suspended: [SessionBinding: StoredSession] = [:]
    private var suspendedIDs: [String: SessionBinding] = [:]
    /// The sessions the store held at start (live when the process stopped), by id, until they are taken back
    /// or long forgotten: a request under one of those ids is told what became of it (``recovered(_:)``).
    private var recoveredAtStart: [String: (binding: SessionBinding, lastStep: Date)] = [:]
    /// Sessions whose last step moved money, kept a moment: a drop reported right after means the
    /// subscriber never saw the outcome, which a resume then shows.
    private var endedByMoney: [String: (entry: Entry, at: ContinuousClock.Instant)] = [:]
    /// The ids of `endedByMoney` oldest first, so that pruning looks at the expired head only: every
    /// transfer ends a session, and a full scan per transfer cost more than the transfer under load.
    private var endedOrder: [(id: String, at: ContinuousClock.Instant)] = []
    private var endedHead = 0
    /// Most ended money sessions kept for a late drop; the oldest go first beyond it.
    private let lateDropCapacity: Int
    private let idleTimeout: Duration
    private let engine: MenuEngine
    private let store: any SessionStore
    /// Fronts whose sessions several nodes share through their own store (`POST /ussd` on PostgreSQL, see
    /// ``SharedCallbackStore``): this process neither writes them to the session store nor suspends them, since
    /// another node may hold a newer state of the same session.
    private let sharedFronts: Set<String>
    /// How long an ended money session waits for a late drop.
    static let lateDropWindow: Duration = .seconds(30)
    /// How long the ids of the sessions taken back at start are remembered: far longer than any gateway waits
    /// between two steps of one session.
    static let recoveredMemory: Duration = .seconds(3600)

    init(idleTimeout: Duration, engine: MenuEngine, store: any SessionStore, lateDropCapacity: Int = 10_000, sharedFronts: Set<String> = []) {
        self.lateDropCapacity = lateDropCapacity
        self.idleTimeout = idleTimeout
        self.engine = engine
        self.store = store
        self.sharedFronts = sharedFronts
    }

    /// Reserves a new session id; refused if it is live.
    func reserve(_ id: String, entry: Entry) throws(SessionError) {
        let now = ContinuousClock.now
        if let existing = entries[id], now - existing.lastActivity < idleTimeout {
            throw SessionError(.conflict, "session \(id) already exists")
        }
        var entry = entry
        entry.lastActivity = now
        entries[id] = entry
        recoveredAtStart[id] = nil
        // A resumable session from an earlier run may hold this id (a front's ids start again after a restart):
        // it moves aside under an id no front uses, so that this session's writes never overwrite it in the store.
        if let binding = suspendedIDs[id], var record = suspended[binding] {
            record.id = "\(id)~\(UUID().uuidString.prefix(8))"
            keepSuspended(record)
        }
    }

    /// Takes a session for one step; refused if unknown, expired or already busy. A just-reserved
    /// session is taken by its creator without the busy check.
    func checkOut(_ id: String, reserved: Bool = false) throws(SessionError) -> Entry {
        let now = ContinuousClock.now
        guard var entry = entries[id] else { throw SessionError(.unknownSession, "no session \(id)") }
        guard now - entry.lastActivity < idleTimeout else {
            entries[id] = nil
            suspend(id, entry)
            throw SessionError(.unknownSession, "session \(id) expired")
        }
        guard reserved || !entry.busy else { throw SessionError(.conflict, "a reply for \(id) is still pending") }
        entry.busy = true
        entries[id] = entry
        return entry
    }

    /// Puts a session back after a step and stores it, or drops it when it ended.
    func checkIn(_ id: String, _ entry: Entry) {
        guard !entry.session.isEnded else {
            entries[id] = nil
            if entry.stored { store.delete(id: id) }
            if entry.endedByMoney {
                let now = ContinuousClock.now
                endedByMoney[id] = (entry, now)
                endedOrder.append((id, now))
                pruneEndedByMoney()
            }
            return
        }
        var entry = entry
        entry.busy = false
        entry.lastActivity = ContinuousClock.now
        // A session still on its first screen (or showing the resume question) has nothing worth resuming:
        // it is not written, which spares the store a write and a delete for every short session.
        if sharedFronts.contains(entry.binding.front) {
            // Its front writes it where every node reads it (the shared callback store).
        } else if entry.offer == nil, isWorthResuming(entry.session) {
            store.save(stored(id, entry, status: .live))
            entry.stored = true
        } else if entry.stored {
            store.delete(id: id)
            entry.stored = false
        }
        entries[id] = entry
    }

    /// The phone or the network released session `id`: a live session is suspended (resumable), and one
    /// that just ended on a money outcome the phone never saw becomes resumable to that outcome.
    /// Returns whether the id was known.
    func drop(_ id: String) -> Bool {
        if let entry = entries.removeValue(forKey: id) {
            suspend(id, entry)
            return true
        }
        if let (entry, _) = endedByMoney.removeValue(forKey: id) {
            let policy = engine.menus.resumePolicy(ofService: entry.binding.service)
            guard policy.mode != .off else { return true }
            var record = stored(id, entry, status: .suspended)
            record.outcome = lastScreen(of: entry)
            keepSuspended(record)
            return true
        }
        return false
    }

    /// The subscriber cancelled session `id`: forgotten, not suspended. Returns whether it was live.
    func cancel(_ id: String) -> Bool {
        endedByMoney[id] = nil
        guard let entry = entries.removeValue(forKey: id) else { return false }
        if entry.stored { store.delete(id: id) }
        return true
    }

    /// A suspended session of `binding` still within its window, without taking it.
    func suspendedSession(for binding: SessionBinding, window: Duration) -> StoredSession? {
        guard let record = suspended[binding] else { return nil }
        guard Date().timeIntervalSince(record.updatedAt) < window.seconds else {
            forget(binding)
            return nil
        }
        return record
    }

    /// Takes the suspended session `record` for a resume, or to forget it (No); nil if another session took it first.
    func claim(_ record: StoredSession) -> StoredSession? {
        guard let current = suspended[record.binding], current.id == record.id else { return nil }
        forget(record.binding)
        return current
    }

    /// Forgets the suspended sessions of `msisdn`, and its ended ones waiting for a late drop.
    func forgetSuspended(msisdn: String) {
        for binding in suspended.keys where binding.msisdn == msisdn { forget(binding) }
        endedByMoney = endedByMoney.filter { $0.value.entry.msisdn != msisdn }
    }

    /// The stored engine state of a live session, without taking it.
    func peek(_ id: String) -> MenuSession? { entries[id]?.session }

    /// Drops sessions idle for longer than the timeout (they become suspended) and suspended ones past
    /// their window; returns how many live sessions ended.
    /// - Parameter now: the instant live sessions' idleness is judged at; later than now to expire what would have
    ///   expired by then.
    func expire(asOf now: ContinuousClock.Instant = .now) -> Int {
        let stale = entries.filter { !$0.value.busy && now - $0.value.lastActivity >= idleTimeout }
        for (id, entry) in stale {
            entries[id] = nil
            suspend(id, entry)
        }
        // Resumable sessions keep their real age: one suspended by this call was suspended just now.
        let wall = Date()
        for (binding, record) in suspended {
            let window = engine.menus.resumePolicy(ofService: binding.service).window
            if wall.timeIntervalSince(record.updatedAt) >= window.seconds { forget(binding) }
        }
        recoveredAtStart = recoveredAtStart.filter { wall.timeIntervalSince($0.value.lastStep) < Self.recoveredMemory.seconds }
        pruneEndedByMoney()
        return stale.count
    }

    /// Takes back what a store held at start: sessions that were live when the process stopped are
    /// suspended as of their last step. Returns how many may be resumed.
    func recover() throws -> Int {
        let wall = Date()
        for record in try store.all() {
            recoveredAtStart[record.id] = (record.binding, record.updatedAt)
            let policy = engine.menus.resumePolicy(ofService: record.binding.service)
            guard policy.mode != .off, wall.timeIntervalSince(record.updatedAt) < policy.window.seconds,
                record.outcome != nil || isWorthResuming(record.session)
            else {
                store.delete(id: record.id)
                continue
            }
            var record = record
            record.status = .suspended
            keepSuspended(record)
        }
        return suspended.count
    }

    /// What became of session `id`, if the store held it at start: whether it may still be taken back (it is
    /// still the resumable session of its binding, within its window, and less than the idle timeout passed since
    /// its last step, so that without the restart it would still be live).
    func recovered(_ id: String) -> RecoveredSession? {
        guard let (binding, lastStep) = recoveredAtStart[id] else { return nil }
        let window = engine.menus.resumePolicy(ofService: binding.service).window
        let idle = Date().timeIntervalSince(lastStep)
        let resumable = suspended[binding]?.id == id && idle < window.seconds && idle < idleTimeout.seconds
        return RecoveredSession(binding: binding, resumable: resumable)
    }

    /// The state of live session `id` as other nodes may take it over: without any PIN (a session that held one
    /// goes back to the screen that asked it), and whether that rewound it.
    func snapshot(_ id: String) -> (record: StoredSession, rewound: Bool)? {
        guard let entry = entries[id] else { return nil }
        let record = stored(id, entry, status: .live)
        return (record, record.session != entry.session)
    }

    /// Takes over a session another node (or this one before a restart) wrote to the shared store: it replaces
    /// whatever this process held under its id.
    func adopt(_ record: StoredSession) {
        entries[record.id] = Entry(
            session: record.session, binding: record.binding, requestBase: record.requestBase, moneyActions: record.moneyActions,
            lastActivity: .now, busy: false)
    }

    /// Forgets live session `id` in this process only (a shared session that ended or moved on elsewhere).
    func release(_ id: String) { entries[id] = nil }

    /// Keeps a shared session that timed out (and that this node alone took from the shared store) as its caller's
    /// resumable session, as of its last step; false if the resume rules do not offer it (off, past the window,
    /// never past its first screen).
    func keepTimedOut(_ record: StoredSession) -> Bool {
        let policy = engine.menus.resumePolicy(ofService: record.binding.service)
        guard policy.mode != .off, Date().timeIntervalSince(record.updatedAt) < policy.window.seconds, isWorthResuming(record.session) else {
            return false
        }
        entries[record.id] = nil
        var record = record
        record.status = .suspended
        keepSuspended(record)
        return true
    }

    var count: Int { entries.count }
    var suspendedCount: Int { suspended.count }

    // MARK: Internals

    private func suspend(_ id: String, _ entry: Entry) {
        // Another node may have taken a shared session further: this copy is forgotten, never offered back.
        guard !sharedFronts.contains(entry.binding.front) else { return }
        let policy = engine.menus.resumePolicy(ofService: entry.binding.service)
        guard entry.offer == nil, policy.mode != .off, isWorthResuming(entry.session) else {
            // Dropped while the resume question was on screen: the session it offered stays suspended.
            if entry.stored { store.delete(id: id) }
            return
        }
        keepSuspended(stored(id, entry, status: .suspended))
    }

    private func keepSuspended(_ record: StoredSession) {
        if let older = suspended[record.binding], older.id != record.id {
            store.delete(id: older.id)
            suspendedIDs[older.id] = nil
        }
        suspended[record.binding] = record
        suspendedIDs[record.id] = record.binding
        store.save(record)
    }

    /// Forgets the resumable session of `binding`, in memory and in the store.
    private func forget(_ binding: SessionBinding) {
        guard let record = suspended.removeValue(forKey: binding) else { return }
        suspendedIDs[record.id] = nil
        store.delete(id: record.id)
    }

    /// A session that never got past its first screen has nothing to offer back.
    private func isWorthResuming(_ session: MenuSession) -> Bool {
        !session.isEnded && !session.history.isEmpty
    }

    private func stored(_ id: String, _ entry: Entry, status: StoredSession.Status) -> StoredSession {
        StoredSession(
            id: id, binding: entry.binding, session: entry.session.isEnded ? entry.session : engine.storable(entry.session),
            requestBase: entry.requestBase, moneyActions: entry.moneyActions, status: status, updatedAt: Date())
    }

    private func lastScreen(of entry: Entry) -> String? { entry.lastReply }

    /// Forgets ended money sessions past the late-drop window, and the oldest beyond the cap. An id in the
    /// order whose entry is gone (dropped, cancelled) or newer (the id was used again) is only skipped.
    private func pruneEndedByMoney() {
        let now = ContinuousClock.now
        while endedHead < endedOrder.count {
            let (id, at) = endedOrder[endedHead]
            guard now - at >= Self.lateDropWindow || endedByMoney.count > lateDropCapacity else { break }
            if endedByMoney[id]?.at == at { endedByMoney[id] = nil }
            endedHead += 1
        }
        // Drop the consumed head once it is most of the array, so the order stays as long as what it tracks.
        if endedHead > 1024, endedHead * 2 > endedOrder.count {
            endedOrder.removeFirst(endedHead)
            endedHead = 0
        }
    }
}

extension Duration {
    /// The duration in seconds, fractions included.
    var seconds: Double {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }
}
