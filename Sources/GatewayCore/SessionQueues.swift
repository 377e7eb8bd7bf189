/// The sessions one connection multiplexes (a line-protocol connection, an SMPP bind), as a value: it
/// keeps each session's steps in order — one running, the next ones waiting behind it — while different
/// sessions run concurrently, and says when the connection may be read (backpressure). One exception to
/// that concurrency: a subscriber's new session waits for the steps still under way in their earlier one,
/// so that `ABORT a` then `BEGIN b` of the same phone reach the session manager in that order (otherwise
/// the new dial could look for a session to resume before the drop had recorded it).
///
/// A pure state machine: each call takes an event and returns the actions for the connection's handler
/// to perform (start a step, write an answer, release sessions). It never touches a channel, so it is
/// tested without sockets, and every front that multiplexes sessions runs the same rules.
public struct SessionQueues: Sendable {
    /// How much one connection may hold.
    public struct Limits: Sendable, Hashable {
        /// Live sessions at once; a new one beyond it is `429`.
        public var sessions: Int
        /// Steps waiting behind a session's running one; more are `429`.
        public var queuedPerSession: Int
        /// Work (steps, mobile-originated SMS) in flight before the connection stops being read.
        public var inFlight: Int

        public init(sessions: Int, queuedPerSession: Int, inFlight: Int) {
            self.sessions = sessions
            self.queuedPerSession = queuedPerSession
            self.inFlight = inFlight
        }
    }

    /// What the connection's handler must do.
    public enum Action: Sendable, Equatable {
        /// Run `step` of the session stored under `key`, then report it with ``finished(_:step:outcome:at:)``.
        case start(session: String, key: String, step: SessionStep)
        /// Write the outcome of a step: a screen, the last screen, or a refusal.
        case answer(session: String, key: String, outcome: StepOutcome)
        /// Refuse a line for `session`: it is unknown, over, or has too much waiting.
        case refuse(GatewayError)
        /// Release these sessions in the session manager: nobody will answer them any more.
        case release(keys: [String])
    }

    private struct Slot: Sendable {
        let key: String
        /// The subscriber, from the `begin` step.
        let msisdn: String?
        var queue: [SessionStep] = []
        var running = false
        var lastActivity: ContinuousClock.Instant
        /// An earlier session of the same subscriber with steps under way when this one began: this one
        /// starts when that one has nothing left to run.
        var after: String?

        var busy: Bool { running || !queue.isEmpty }
    }

    public let limits: Limits
    private var slots: [String: Slot] = [:]
    /// Each subscriber's live sessions on the connection, in the order they began: a handful at most, so
    /// that a new session finds the earlier one it must wait for without looking at every session.
    private var sessionsOf: [String: [String]] = [:]
    /// The sessions that began waiting behind each session (see `Slot.after`), in the order they began.
    private var waiting: [String: [String]] = [:]
    /// Steps and other work (mobile-originated SMS) under way.
    public private(set) var inFlight = 0
    private var open = true

    public init(limits: Limits) { self.limits = limits }

    /// Live sessions of the connection.
    public var sessionCount: Int { slots.count }

    /// Whether `session` is live on the connection (begun, not over).
    public func isLive(_ session: String) -> Bool { slots[session] != nil }

    /// Whether the connection may be read: its peer reads what we write, and not too much is in flight.
    public func mayRead(writable: Bool) -> Bool { writable && inFlight < limits.inFlight }

    /// A new session: refused if its id is live on this connection or the connection holds too many.
    public mutating func begin(session: String, key: String, step: SessionStep, at now: ContinuousClock.Instant) -> [Action] {
        guard slots[session] == nil else { return [.refuse(GatewayError(.conflict, session: session, "session \(session) already exists"))] }
        guard slots.count < limits.sessions else {
            return [.refuse(GatewayError(.rateLimited, session: session, "too many live sessions on this connection"))]
        }
        var msisdn: String?
        var earlier: String?
        if case .begin(let number, _, _, _) = step {
            msisdn = number
            // The subscriber's latest session with steps under way, if any.
            earlier = sessionsOf[number]?.last { slots[$0]?.busy == true }
            sessionsOf[number, default: []].append(session)
        }
        slots[session] = Slot(key: key, msisdn: msisdn, lastActivity: now, after: earlier)
        if let earlier { waiting[earlier, default: []].append(session) }
        return enqueue(step, session: session)
    }

    /// A later line of a session: queued behind its running step.
    public mutating func enqueue(_ step: SessionStep, session: String) -> [Action] {
        guard var slot = slots[session] else {
            return [.refuse(GatewayError(.unknownSession, session: session, "no session \(session)"))]
        }
        guard slot.queue.count < limits.queuedPerSession else {
            return [.refuse(GatewayError(.rateLimited, session: session, "too many lines waiting for session \(session)"))]
        }
        slot.queue.append(step)
        slots[session] = slot
        return pump(session)
    }

    /// A step came back. The session goes on with its next step, or is over (its last screen, an abort,
    /// a refused start, an expiry): then what waited behind it is refused.
    public mutating func finished(_ session: String, step: SessionStep, outcome: StepOutcome, at now: ContinuousClock.Instant) -> [Action] {
        inFlight -= 1
        guard var slot = slots[session] else { return [] }
        slot.running = false
        slot.lastActivity = now
        let over: Bool
        switch outcome {
        case .reply(let reply): over = reply.isFinal
        case .aborted: over = true
        case .refused(let error):
            // A refused start leaves no session; a 404 means it expired. Other refusals (a bad answer) keep it.
            if case .begin = step { over = true } else { over = error.code == .unknownSession }
        }
        var endedOnScreen = false
        if case .reply(let reply) = outcome { endedOnScreen = reply.isFinal }
        guard open else {
            // The connection went away while the step ran: nobody will see the answer. Released even when the
            // step ended the session: its last screen (a money outcome) was never seen, which a resume shows.
            remove(session)
            return !over || endedOnScreen ? [.release(keys: [slot.key])] : []
        }
        var actions: [Action] = [.answer(session: session, key: slot.key, outcome: outcome)]
        if over {
            remove(session)
            // An ABORT that waited behind the last step: the network released the session before its last
            // screen reached the phone. Not an error; the session manager hears of it.
            let dropped = endedOnScreen && slot.queue.contains(.abort)
            actions += slot.queue.filter { !(dropped && $0 == .abort) }.map { _ in
                .refuse(GatewayError(.unknownSession, session: session, "session \(session) is over"))
            }
            if dropped { actions.append(.release(keys: [slot.key])) }
        } else {
            slots[session] = slot
            actions += pump(session)
        }
        return actions + startWaiting(behind: session)
    }

    /// Other work that holds the connection (a mobile-originated SMS waiting for its reply) started or ended.
    public mutating func otherWorkStarted() { inFlight += 1 }
    public mutating func otherWorkFinished() { inFlight -= 1 }

    /// The connection closed: idle sessions are released now, running ones when their step comes back.
    public mutating func close() -> [Action] {
        open = false
        let idle = slots.filter { !$0.value.running }
        for id in idle.keys { remove(id) }
        return idle.isEmpty ? [] : [.release(keys: idle.values.map(\.key).sorted())]
    }

    /// Sessions with no step since `deadline` are forgotten (the session manager expires them too).
    public mutating func expire(idleSince deadline: ContinuousClock.Instant) -> [Action] {
        let idle = slots.filter { !$0.value.running && $0.value.queue.isEmpty && $0.value.lastActivity <= deadline }
        guard !idle.isEmpty else { return [] }
        for id in idle.keys {
            remove(id)
            // Idle, so nothing waits behind it any more (what waited started when it went idle).
            waiting[id] = nil
        }
        return [.release(keys: idle.values.map(\.key).sorted())]
    }

    /// Sessions that waited for `session` start once it is over or has nothing left to run.
    private mutating func startWaiting(behind session: String) -> [Action] {
        guard slots[session]?.busy != true, let behind = waiting.removeValue(forKey: session) else { return [] }
        var actions: [Action] = []
        // A session that started already (its earlier one was idle when it was pumped) no longer names it.
        for id in behind where slots[id]?.after == session {
            slots[id]?.after = nil
            actions += pump(id)
        }
        return actions
    }

    /// Forgets a live session, and it from its subscriber's sessions.
    private mutating func remove(_ session: String) {
        guard let slot = slots.removeValue(forKey: session), let msisdn = slot.msisdn else { return }
        sessionsOf[msisdn]?.removeAll { $0 == session }
        if sessionsOf[msisdn]?.isEmpty == true { sessionsOf[msisdn] = nil }
    }

    private mutating func pump(_ session: String) -> [Action] {
        guard var slot = slots[session], !slot.running, !slot.queue.isEmpty else { return [] }
        if let earlier = slot.after {
            guard slots[earlier]?.busy != true else { return [] }
            slot.after = nil
        }
        let step = slot.queue.removeFirst()
        slot.running = true
        slots[session] = slot
        inFlight += 1
        return [.start(session: session, key: slot.key, step: step)]
    }
}
