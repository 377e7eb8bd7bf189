import Foundation
import Ledger
import MenuEngine
import MobileMoney
import Operators

/// Runs USSD sessions: the menu engine for the screens, `MobileMoney` for the actions they call, and a
/// store for the sessions in between. The line listener, the HTTP callback and the script runner all
/// drive sessions through this one type.
public final class SessionManager: Sendable {
    public let engine: MenuEngine
    public let money: MobileMoney
    private let actions: MenuActions
    private let live: LiveSessions
    private let store: any SessionStore
    private let startLimiter: TokenBucketLimiter?
    private let onAction: (@Sendable (_ action: String, _ outcome: String) -> Void)?
    private let onScreen: (@Sendable (_ service: String, _ screen: String) -> Void)?

    /// - Parameters:
    ///   - idleTimeout: a session with no step for this long is forgotten (USSD networks give up after about 180 s).
    ///   - offNet: transfers to other networks (the provider bridge); without it the off-net menus answer "unavailable".
    ///   - startLimiter: session starts per MSISDN; a phone dialling faster than that is refused with 429.
    ///   - onAction: told the name and outcome of every host action a session ran (`transfer`, `ok`), for metrics.
    ///   - onScreen: told every screen a step stopped on or passed through (`tmoney`, `send_amount`), for coverage and traces.
    ///   - store: where sessions are kept between steps; in memory by default. Call ``recover()`` once to take
    ///     back what a durable store held when the process stopped.
    ///   - lateDropCapacity: sessions that just ended on a money outcome, kept a moment in case the network
    ///     reports a drop (the phone never saw the outcome, which a resume then shows); the oldest go first.
    ///   - sharedFronts: fronts whose sessions several nodes share through a store of their own (`http` when
    ///     `POST /ussd` sessions are in a ``SharedCallbackStore``): not written to `store`, never suspended here.
    public init(
        menus: MenuSet, money: MobileMoney, idleTimeout: Duration = .seconds(180), offNet: (any OffNetTransfers)? = nil,
        startLimiter: TokenBucketLimiter? = nil, onAction: (@Sendable (_ action: String, _ outcome: String) -> Void)? = nil,
        onScreen: (@Sendable (_ service: String, _ screen: String) -> Void)? = nil, store: any SessionStore = MemorySessionStore(),
        lateDropCapacity: Int = 10_000, sharedFronts: Set<String> = []
    ) {
        let engine = MenuEngine(menus: menus)
        self.engine = engine
        self.money = money
        self.actions = MenuActions(money: money, offNet: offNet)
        self.store = store
        self.live = LiveSessions(
            idleTimeout: idleTimeout, engine: engine, store: store, lateDropCapacity: lateDropCapacity, sharedFronts: sharedFronts)
        self.startLimiter = startLimiter
        self.onAction = onAction
        self.onScreen = onScreen
    }

    /// Loads the menus of `directory` with the amount limits of the operator data, so menus and ledger agree.
    public static func loadMenus(directory: URL, catalog: OperatorCatalog) throws -> MenuSet {
        let limits = Dictionary(uniqueKeysWithValues: catalog.operators.map { ($0.id, $0.limits.minTransfer...$0.limits.maxTransfer) })
        return try MenuSet.load(directory: directory, amountLimits: limits, rules: .operators)
    }

    /// A phone dialled `dial`: starts session `id` and returns its first screen.
    ///
    /// When the service resumes sessions and the same binding (operator, number, service, front) lost one
    /// within the window, a plain dial of the service code (not a direct dial `*145*1*…#`) offers it back:
    /// the resume question (`ask`) or the old session's screen straight away (`silent`).
    ///
    /// - Parameters:
    ///   - operatorID: the operator the front authenticated; nil when authentication is off.
    ///   - front: the front carrying the session (`line`, `http`); a resume is offered on the same front only.
    public func begin(id: String, msisdn: String, dial: String, operatorID: String? = nil, front: String = "direct") async throws(SessionError)
        -> Reply
    {
        if let wait = startLimiter?.take("ussd:\(msisdn)") {
            throw SessionError(.rateLimited, "too many sessions for \(msisdn); retry in \(wait) s")
        }
        let context = await subscriberContext(msisdn)
        let first: StepResult
        do {
            first = try engine.begin(dial: dial, context: context)
        } catch {
            throw SessionError(.malformed, "\(dial): \(error.message)")
        }
        let service = first.session.service
        let binding = SessionBinding(operatorID: operatorID, msisdn: context.msisdn, service: service, front: front)
        var entry = LiveSessions.Entry(session: first.session, binding: binding, requestBase: UUID().uuidString, lastActivity: .now)
        let policy = engine.menus.resumePolicy(ofService: service)
        let plainDial = engine.menus.code(ofService: service) == dial
        // Reserved first: a resumable session from before a restart that held this id moves aside, then is offered.
        try await live.reserve(id, entry: entry)
        let offer = plainDial && policy.mode != .off ? await live.suspendedSession(for: binding, window: policy.window) : nil
        entry = try await live.checkOut(id, reserved: true)
        let reply: Reply
        switch (offer, policy.mode) {
        case (let offer?, .silent):
            if let claimed = await live.claim(offer), let resumed = await resume(claimed, &entry) {
                reply = resumed
            } else {
                reply = await drive(first, &entry)
            }
        case (let offer?, _):
            entry.offer = offer
            reply = engine.resumePrompt(for: offer.session)
        case (nil, _):
            reply = await drive(first, &entry)
        }
        await live.checkIn(id, entry)
        return reply
    }

    /// The subscriber answered `input` on session `id`'s current screen.
    public func reply(id: String, input: String) async throws(SessionError) -> Reply {
        var entry = try await live.checkOut(id)
        if let offer = entry.offer {
            let reply = await answerOffer(offer, input: input, &entry)
            await live.checkIn(id, entry)
            return reply
        }
        let result: StepResult
        do {
            result = try engine.step(entry.session, input: input)
        } catch {
            await live.checkIn(id, entry)
            throw SessionError(.malformed, error.message)
        }
        let reply = await drive(result, &entry)
        await live.checkIn(id, entry)
        return reply
    }

    /// Gives `msisdn` its whole session-start allowance back (the demo reset between session scripts).
    public func resetSessionStarts(msisdn: String) {
        startLimiter?.reset("ussd:\(msisdn)")
    }

    /// The phone or the network released session `id` (a network drop, a closed connection): it becomes
    /// resumable, if its service resumes and it got past its first screen.
    public func abort(id: String) async throws(SessionError) {
        guard await live.drop(id) else { throw SessionError(.unknownSession, "no session \(id)") }
    }

    /// The subscriber cancelled session `id` (hung up): it is forgotten, never offered back.
    public func cancel(id: String) async throws(SessionError) {
        guard await live.cancel(id) else { throw SessionError(.unknownSession, "no session \(id)") }
    }

    /// Forgets every resumable session of `msisdn` (the demo reset between session scripts).
    public func forgetResumable(msisdn: String) async { await live.forgetSuspended(msisdn: msisdn) }

    /// Forgets idle sessions (they become resumable, like a drop) and resumable ones past their window;
    /// call it periodically. Returns how many live sessions were dropped.
    ///
    /// - Parameter now: the instant idleness is judged at; a later one expires now what would have expired by
    ///   then (tests play a timeout without waiting for it, which a loaded machine would stretch).
    @discardableResult
    public func expireIdleSessions(asOf now: ContinuousClock.Instant = .now) async -> Int { await live.expire(asOf: now) }

    /// Takes back the sessions the store held when the process stopped (SIGTERM, SIGKILL): those that
    /// were waiting for an answer may be resumed by their number within the window. Call once, at start.
    /// - Returns: how many sessions may be resumed.
    @discardableResult
    public func recover() async throws -> Int { try await live.recover() }

    /// What became of session `id` if it was live when the process last stopped (``recover()`` took it back):
    /// nil if it was not. A front whose requests name a session across a restart (`POST /ussd`) asks this before
    /// treating a request under an unknown id as a new session: a resumable one is taken back by beginning a
    /// session under the same id with the plain service code (the resume rules then apply), one that is not
    /// is over.
    public func recovered(id: String) async -> RecoveredSession? { await live.recovered(id) }

    /// The state of live session `id` for another node to take over (``SharedCallbackStore``): no PIN is in it (a
    /// session holding one goes back to the screen that asked it, and `rewound` says so). Nil if it is not live here.
    public func snapshot(id: String) async -> (record: StoredSession, rewound: Bool)? { await live.snapshot(id) }

    /// Takes over a session from the shared store; it replaces what this process held under `record.id`.
    public func adopt(_ record: StoredSession) async { await live.adopt(record) }

    /// Forgets live session `id` in this process only: it ended or moved on through another node.
    public func release(id: String) async { await live.release(id) }

    /// A shared session that timed out, taken from the shared store by this node for its caller's new dial: kept as
    /// the caller's resumable session (as of its last step), so that the dial is offered it by the usual rules.
    /// Returns false when those rules do not offer it.
    @discardableResult
    public func keepTimedOut(_ record: StoredSession) async -> Bool { await live.keepTimedOut(record) }

    /// Shows live session `id`'s screen again without applying any answer: a session taken over from another node
    /// after it went back to its PIN screen (the PIN is never shared) asks the PIN again.
    public func reshow(id: String) async throws(SessionError) -> Reply {
        var entry = try await live.checkOut(id)
        guard let shown = try? engine.reshow(entry.session) else {
            await live.checkIn(id, entry)
            throw SessionError(.unknownSession, "session \(id) cannot be shown again")
        }
        let reply = await drive(shown, &entry)
        await live.checkIn(id, entry)
        return reply
    }

    /// Makes the store's writes durable (at shutdown).
    public func flush() async throws { try await store.flush() }

    /// Live sessions.
    public var activeSessions: Int { get async { await live.count } }

    /// Sessions lost to a timeout or a drop that their number may still resume.
    public var resumableSessions: Int { get async { await live.suspendedCount } }

    /// The engine state of a live session, as kept between steps (for inspection: what is kept of a PIN).
    public func storedSession(id: String) async -> MenuSession? { await live.peek(id) }

    /// The resume question was on screen: 1 takes the old session back, 2 forgets it and starts afresh.
    private func answerOffer(_ offer: StoredSession, input: String, _ entry: inout LiveSessions.Entry) async -> Reply {
        switch input {
        case ResumePolicy.yes:
            entry.offer = nil
            if let claimed = await live.claim(offer), let reply = await resume(claimed, &entry) { return reply }
            return await startAfresh(&entry)
        case ResumePolicy.no:
            entry.offer = nil
            _ = await live.claim(offer)
            return await startAfresh(&entry)
        default:
            return engine.resumePrompt(for: offer.session)
        }
    }

    /// Continues `record` under the new session: its state, its idempotency base, its screen shown again
    /// (or, for a session a money action ended while the phone was gone, that outcome).
    private func resume(_ record: StoredSession, _ entry: inout LiveSessions.Entry) async -> Reply? {
        if let outcome = record.outcome {
            entry.session = record.session
            return Reply(text: outcome, isFinal: true)
        }
        guard let shown = try? engine.reshow(record.session) else { return nil }
        entry.requestBase = record.requestBase
        entry.moneyActions = record.moneyActions
        return await drive(shown, &entry)
    }

    private func startAfresh(_ entry: inout LiveSessions.Entry) async -> Reply {
        let context = await subscriberContext(entry.msisdn)
        guard let dial = engine.menus.code(ofService: entry.binding.service), let first = try? engine.begin(dial: dial, context: context)
        else {
            return Reply(text: "Service indisponible. Reessayez plus tard.", isFinal: true)
        }
        entry.requestBase = UUID().uuidString
        entry.moneyActions = 0
        return await drive(first, &entry)
    }

    /// Runs the host actions a step asks for, feeding each outcome back, until there is a screen to show.
    private func drive(_ first: StepResult, _ entry: inout LiveSessions.Entry) async -> Reply {
        var result = first
        entry.endedByMoney = false
        while true {
            entry.session = result.session
            onScreen?(result.session.service, result.session.screen)
            for effect in result.effects {
                if case .setLanguage(let language) = effect, let language = Language(rawValue: language) {
                    try? await money.setLanguage(msisdn: entry.msisdn, language)
                }
            }
            if let reply = result.reply {
                entry.lastReply = reply.isFinal ? reply.text : nil
                return reply
            }
            guard let call = result.actionCall else {
                // A step with neither a screen nor an action would leave the phone hanging; end it cleanly.
                return Reply(text: "Service indisponible. Reessayez plus tard.", isFinal: true)
            }
            // One key per money movement of the session, not per action: a session resumed after a drop
            // runs its interrupted action again under the same key, whatever lookups it ran before, and the
            // ledger replays the first outcome instead of moving money twice.
            let outcome = await actions.perform(
                call.name, arguments: call.arguments, caller: entry.msisdn, requestID: "\(entry.requestBase):\(entry.moneyActions)")
            if let reference = outcome.values["reference"], !reference.isEmpty {
                entry.moneyActions += 1
                entry.endedByMoney = true
            }
            onAction?(call.name, outcome.outcome)
            do {
                result = try engine.resume(entry.session, outcome: ActionOutcome(outcome.outcome, values: outcome.values))
            } catch {
                return Reply(text: "Service indisponible. Reessayez plus tard.", isFinal: true)
            }
        }
    }

    private func subscriberContext(_ msisdn: String) async -> SubscriberContext {
        let operatorID = money.catalog.operatorOwning(msisdn: msisdn)?.id ?? ""
        guard let subscriber = try? await money.subscriber(msisdn) else {
            return SubscriberContext(msisdn: msisdn, operatorID: operatorID, registered: false)
        }
        return SubscriberContext(
            msisdn: subscriber.msisdn.digits, operatorID: subscriber.operatorID, registered: true, language: subscriber.language.rawValue,
            name: subscriber.shortName)
    }
}
