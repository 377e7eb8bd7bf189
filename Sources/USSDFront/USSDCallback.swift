import Foundation
import GatewayCore
import Ledger
import MenuEngine
import Sessions

/// The aggregator USSD callback on top of the shared session manager.
///
/// Aggregators send the whole history each time (`text` = all answers joined by `*`); the engine wants
/// the newest answer only. So each session remembers the `text` already consumed and the new input is
/// what follows it. A request repeating the consumed `text` is an aggregator retry and gets the last
/// screen again instead of a second step.
///
/// A session id is bound at its first request to who sent it: the operator of the aggregator's
/// credential, the phone number and the service code. Any later request under that id from someone
/// else is `409`, so nobody reads or drives another phone's session by reusing its id. Once a session
/// is over its id is retained (``EndedSessionStore``) for the retention window: the request that ended
/// it gets its final screen again, byte for byte, any other `text` is `409`, and an expired one is
/// `404`. It never starts a new session, which would replay the answers as a shortcut.
///
/// After a restart the callback's memory is empty but the session store is not: a request under the id of a
/// session that was waiting for an answer when the server stopped is not a new session either. It takes that
/// session back by the resume rules (`docs/SESSIONS.md`): the resume question, or with a silent resume its
/// screen again; the answer the request carried is not applied, since the screen it answered may be gone (a PIN
/// is never stored). One that can no longer be resumed (its window passed, resume off, idle past the timeout) is
/// `404`, like an expired one, and a request from another caller under its id is `409`.
///
/// With a ``SharedCallbackStore`` (several `sika serve` nodes on one PostgreSQL database), a session lives there
/// between requests, so that its requests may reach any node: each answer is written there (compare-and-set on
/// its version) before it goes out, and a node whose own copy is older than the shared one takes the shared one
/// over first. Its replay after `END` comes from the ended-session store, which the nodes share too. Idle
/// expiry counts from the shared copy's last step. When the phone dials again (a new session id, the plain service
/// code) after its session timed out, the node that receives the dial takes the timed-out session from the shared
/// store (compare-and-set: one node only) and offers it back by the usual resume rules; its old id is then `404` on
/// every node.
public actor USSDCallback {
    /// The reply: HTTP status and a `text/plain` body starting `CON ` or `END `.
    public struct Response: Sendable, Hashable {
        public let status: Int
        public let body: String
    }

    /// Who a session belongs to, fixed at its first request.
    private struct Caller: Hashable {
        let operatorID: String?
        let msisdn: String
        let serviceCode: String

        init(operatorID: String?, msisdn: String, serviceCode: String) {
            self.operatorID = operatorID
            self.msisdn = msisdn
            self.serviceCode = serviceCode
        }

        init(_ ended: EndedSession) {
            self.init(operatorID: ended.operatorID, msisdn: ended.msisdn, serviceCode: ended.serviceCode)
        }
    }

    private struct Conversation {
        let key: String
        let caller: Caller
        var consumed: String
        var lastReply: String
        var busy: Bool
        var lastActivity: ContinuousClock.Instant
        /// The version of the shared copy this one matches (nil: not in the shared store).
        var version: Int64? = nil
    }

    /// What a look at the shared store decided.
    private enum TakeOver {
        /// This node's copy (if any) is the current one.
        case current
        /// Taken over, back on its PIN screen: the next step shows it again.
        case rewound
        case refused(Response)
    }

    private let core: GatewayCore
    private let ended: any EndedSessionStore
    private let shared: (any SharedCallbackStore)?
    private var conversations: [String: Conversation] = [:]
    private var lastSweep = ContinuousClock.now

    /// - Parameters:
    ///   - ended: where ended sessions are retained; by default in memory, for the configuration's
    ///   `endedRetention` and up to its `maxRetainedEndedSessions`.
    ///   - shared: where sessions live between requests when several nodes answer them (the session manager must
    ///     then treat the `http` front as shared); nil: in this process only.
    public init(core: GatewayCore, ended: (any EndedSessionStore)? = nil, shared: (any SharedCallbackStore)? = nil) {
        self.core = core
        self.shared = shared
        self.ended =
            ended
            ?? MemoryEndedSessionStore(retention: core.configuration.endedRetention, capacity: core.configuration.maxRetainedEndedSessions)
    }

    /// Answers one callback request.
    /// - Parameter operatorID: the operator the request's aggregator credential named; nil when authentication is off.
    public func handle(_ form: USSDForm, operatorID: String?) async -> Response {
        forgetIdle()
        let id = form.sessionId
        let text = form.text ?? ""
        let msisdn = form.phoneNumber.hasPrefix("+") ? String(form.phoneNumber.dropFirst()) : form.phoneNumber
        guard WireIdentifiers.isSessionID(Substring(id)) else { return refusal(.malformed, "bad sessionId") }
        guard WireIdentifiers.isMSISDN(Substring(msisdn)) else { return refusal(.malformed, "bad phoneNumber") }
        guard let serviceCode = try? DialString.normalize(form.serviceCode) else { return refusal(.malformed, "bad serviceCode") }
        let caller = Caller(operatorID: operatorID, msisdn: msisdn, serviceCode: serviceCode)
        var rewound = false
        if let shared, conversations[id]?.busy != true {
            switch await takeOver(id, caller: caller, from: shared) {
            case .current: break
            case .rewound: rewound = true
            case .refused(let response): return response
            }
        }
        let step: SessionStep
        var conversation: Conversation
        if let existing = conversations[id] {
            conversation = existing
            guard conversation.caller == caller else { return refusal(.conflict, "session \(id) belongs to another caller") }
            guard !conversation.busy else { return refusal(.conflict, "a reply for this session is still pending") }
            if text == conversation.consumed { return Response(status: 200, body: conversation.lastReply) }
            let prefix = conversation.consumed.isEmpty ? "" : conversation.consumed + "*"
            guard text.hasPrefix(prefix), text.count > prefix.count else {
                return refusal(.malformed, "text does not continue this session's answers")
            }
            // Taken over on its PIN screen: the answer was typed on the screen after it, gone with the PIN.
            step = rewound ? .reshow : .reply(input: String(text.dropFirst(prefix.count)))
        } else if let over = ended.lookup(id) {
            return replay(over, id: id, caller: caller, text: text)
        } else {
            conversation = Conversation(key: "http/\(id)", caller: caller, consumed: "", lastReply: "", busy: true, lastActivity: .now)
            // The id is taken before the first suspension point, so that a second request under it is refused as pending.
            conversations[id] = conversation
            let dial: String
            if let before = await core.sessions.recovered(id: conversation.key) {
                // The session was waiting for an answer when the server stopped: its state is in the session store,
                // and the resume rules say what comes of it, never a new session replaying `text` as a shortcut.
                guard before.binding == binding(of: caller) else {
                    conversations[id] = nil
                    return refusal(.conflict, "session \(id) belongs to another caller")
                }
                guard before.resumable else {
                    conversations[id] = nil
                    retain(conversation, id: id, text: text, outcome: .expired)
                    return refusal(.unknownSession, "session \(id) expired")
                }
                // The plain service code takes it back: the resume question (or, in silent mode, its screen again).
                dial = serviceCode
            } else {
                if text.isEmpty, let shared { await takeTimedOut(for: caller, from: shared) }
                // Answers typed with the dial (`*145#` with text `1*96112233`) are the shortcut `*145*1*96112233#`.
                dial = text.isEmpty ? serviceCode : "\(serviceCode.dropLast())*\(text)#"
            }
            do throws(GatewayError) {
                let admitted = try core.admit(session: id, msisdn: msisdn, dial: dial, operator: operatorID.flatMap(core.catalog.operator))
                step = .begin(msisdn: msisdn, dial: admitted, operatorID: operatorID, front: "http")
            } catch {
                conversations[id] = nil
                return refusal(error.code, error.message)
            }
        }
        conversation.busy = true
        conversations[id] = conversation
        let outcome = await core.perform(step, key: conversation.key)
        conversation.busy = false
        conversation.lastActivity = .now
        switch outcome {
        case .reply(let reply):
            let body = (reply.isFinal ? "END " : "CON ") + reply.text
            conversation.consumed = text
            conversation.lastReply = body
            if reply.isFinal {
                conversations[id] = nil
                retain(conversation, id: id, text: text, outcome: .ended(reply: body))
                await forgetShared(id)
            } else {
                conversations[id] = conversation
                if let refused = await share(conversation, id: id) { return refused }
            }
            return Response(status: 200, body: body)
        case .aborted:
            conversations[id] = nil
            retain(conversation, id: id, text: text, outcome: .ended(reply: "END"))
            await forgetShared(id)
            return Response(status: 200, body: "END")
        case .refused(let error):
            if case .begin = step {
                // It never started: nothing to retain, a retry may start it.
                conversations[id] = nil
            } else if error.code == .unknownSession {
                conversations[id] = nil
                retain(conversation, id: id, text: conversation.consumed, outcome: .expired)
                await forgetShared(id)
            } else {
                conversations[id] = conversation
            }
            let mapped = GatewayCore.gatewayError(error, session: id, key: conversation.key)
            return refusal(mapped.code, mapped.message)
        }
    }

    /// Live callback sessions.
    public var count: Int { conversations.count }

    /// The session binding a request of `caller` starts, to compare with a session from before a restart.
    private func binding(of caller: Caller) -> SessionBinding? {
        guard let service = try? core.sessions.engine.menus.serviceID(forDial: caller.serviceCode) else { return nil }
        return SessionBinding(operatorID: caller.operatorID, msisdn: caller.msisdn, service: service, front: "http")
    }

    /// Ended sessions retained for replay.
    public var retainedCount: Int { ended.count }

    /// A request under the id of a session that is over.
    private func replay(_ over: EndedSession, id: String, caller: Caller, text: String) -> Response {
        guard Caller(over) == caller else { return refusal(.conflict, "session \(id) belongs to another caller") }
        switch over.outcome {
        case .expired:
            return refusal(.unknownSession, "session \(id) expired")
        case .ended(let reply):
            guard text == over.text else { return refusal(.conflict, "session \(id) has ended") }
            return Response(status: 200, body: reply)
        }
    }

    private func retain(_ conversation: Conversation, id: String, text: String, outcome: EndedSession.Outcome) {
        let caller = conversation.caller
        ended.retain(
            EndedSession(
                operatorID: caller.operatorID, msisdn: caller.msisdn, serviceCode: caller.serviceCode, text: text, outcome: outcome),
            id: id)
    }

    private func refusal(_ code: GatewayError.Code, _ message: String) -> Response {
        core.metrics.refused(code)
        return Response(status: code.rawValue, body: "END \(message)")
    }

    /// Drops conversations idle past the timeout (the session manager forgets their sessions too) and
    /// retains their ids as expired, so that a late request gets `404` rather than a new session. A shared one
    /// may have gone on through another node: it is only forgotten here (the shared copy's age decides).
    private func forgetIdle() {
        let now = ContinuousClock.now
        guard now - lastSweep >= .seconds(1) else { return }
        lastSweep = now
        let timeout = core.configuration.idleTimeout
        for (id, conversation) in conversations where !conversation.busy && now - conversation.lastActivity >= timeout {
            conversations[id] = nil
            if shared == nil { retain(conversation, id: id, text: conversation.consumed, outcome: .expired) }
        }
    }

    // MARK: Sessions shared between nodes

    /// Before a request: if the shared store holds a newer state of session `id` than this node, it is taken
    /// over; if it holds none while this node has one, the session ended or expired through another node.
    private func takeOver(_ id: String, caller: Caller, from shared: any SharedCallbackStore) async -> TakeOver {
        let key = "http/\(id)"
        let remote: SharedCallbackSession?
        do {
            remote = try await shared.load(id)
        } catch {
            return .refused(refusal(.unavailable, "the session store cannot be read"))
        }
        // A request for the same id may have run while this one waited for the store.
        if conversations[id]?.busy == true { return .current }
        guard let remote else {
            if conversations.removeValue(forKey: id) != nil { await core.sessions.release(id: key) }
            return .current
        }
        if let local = conversations[id], local.version == remote.version { return .current }
        let owner = Caller(operatorID: remote.operatorID, msisdn: remote.msisdn, serviceCode: remote.serviceCode)
        guard owner == caller else { return .refused(refusal(.conflict, "session \(id) belongs to another caller")) }
        var conversation = Conversation(
            key: key, caller: owner, consumed: remote.consumed, lastReply: remote.lastReply, busy: true, lastActivity: .now,
            version: remote.version)
        if Date().timeIntervalSince(remote.updatedAt) >= Self.seconds(core.configuration.idleTimeout) {
            conversations[id] = nil
            await core.sessions.release(id: key)
            retain(conversation, id: id, text: remote.consumed, outcome: .expired)
            await forgetShared(id)
            return .refused(refusal(.unknownSession, "session \(id) expired"))
        }
        // Busy while the session manager takes it over, so that a request arriving meanwhile is refused as pending.
        conversations[id] = conversation
        await core.sessions.adopt(remote.session)
        conversation.busy = false
        conversations[id] = conversation
        return remote.rewound ? .rewound : .current
    }

    /// A new plain dial of a phone whose previous session timed out (through whichever node): this node takes that
    /// session from the shared store, if no other node took it or went on with it first, and keeps it as the phone's
    /// resumable session, so that the dial is offered it. Its old id answers `404` from then on, on every node.
    private func takeTimedOut(for caller: Caller, from shared: any SharedCallbackStore) async {
        let idleSince = Date().addingTimeInterval(-Self.seconds(core.configuration.idleTimeout))
        let found = try? await shared.latestTimedOut(
            msisdn: caller.msisdn, serviceCode: caller.serviceCode, operatorID: caller.operatorID, idleSince: idleSince)
        guard let stale = found ?? nil, conversations[stale.id]?.busy != true,
            (try? await shared.remove(stale.id, version: stale.version)) == true
        else { return }
        let key = "http/\(stale.id)"
        if conversations[stale.id]?.busy != true { conversations[stale.id] = nil }
        await core.sessions.release(id: key)
        let old = Conversation(
            key: key, caller: caller, consumed: stale.consumed, lastReply: stale.lastReply, busy: false, lastActivity: .now, version: stale.version)
        retain(old, id: stale.id, text: stale.consumed, outcome: .expired)
        // Suspended when it timed out, as a node's own sweep would have suspended it: the window counts from then.
        var record = stale.session
        record.updatedAt = stale.updatedAt.addingTimeInterval(Self.seconds(core.configuration.idleTimeout))
        await core.sessions.keepTimedOut(record)
    }

    /// After a step that left session `id` waiting: its state goes to the shared store before the reply goes out.
    /// Nil when written; a refusal when another node wrote a newer state first (its copy wins, this one is forgotten).
    private func share(_ conversation: Conversation, id: String) async -> Response? {
        guard let shared else { return nil }
        guard let (record, rewound) = await core.sessions.snapshot(id: conversation.key) else { return nil }
        let caller = conversation.caller
        let next = SharedCallbackSession(
            id: id, operatorID: caller.operatorID, msisdn: caller.msisdn, serviceCode: caller.serviceCode, consumed: conversation.consumed,
            lastReply: conversation.lastReply, session: record, rewound: rewound, version: (conversation.version ?? 0) + 1, updatedAt: Date())
        let written: Bool
        do {
            written = try await shared.save(next, expected: conversation.version)
        } catch {
            // Not shared: the next request reaching another node would not find this step. Refused, so the
            // aggregator retries (here the retry is answered from this node's copy).
            return refusal(.unavailable, "the session store cannot be written")
        }
        guard written else {
            if conversations[id]?.version == conversation.version { conversations[id] = nil }
            await core.sessions.release(id: conversation.key)
            return refusal(.conflict, "a reply for this session is still pending")
        }
        conversations[id]?.version = next.version
        return nil
    }

    /// Session `id` ended or expired: no node takes it over any more (its replay is the ended-session store's).
    private func forgetShared(_ id: String) async {
        guard let shared else { return }
        try? await shared.remove(id)
    }

    private static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
}
