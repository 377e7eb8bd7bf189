import Ledger
import Sessions

/// The aggregator USSD callback on top of the shared session manager.
///
/// Aggregators send the whole history each time (`text` = all answers joined by `*`); the engine wants
/// the newest answer only. So each session remembers the `text` already consumed and the new input is
/// what follows it. A request repeating the consumed `text` is an aggregator retry and gets the last
/// screen again instead of a second step.
public actor USSDCallback {
    /// The reply: HTTP status and a `text/plain` body starting `CON ` or `END `.
    public struct Response: Sendable, Hashable {
        public let status: Int
        public let body: String
    }

    private struct Conversation {
        let key: String
        var consumed: String
        var lastReply: String
        var busy: Bool
        var lastActivity: ContinuousClock.Instant
    }

    private let core: GatewayCore
    private var conversations: [String: Conversation] = [:]
    private var lastSweep = ContinuousClock.now

    public init(core: GatewayCore) { self.core = core }

    public func handle(_ form: USSDForm) async -> Response {
        forgetIdle()
        let text = form.text ?? ""
        let msisdn = form.phoneNumber.hasPrefix("+") ? String(form.phoneNumber.dropFirst()) : form.phoneNumber
        guard ClientLine.isSessionID(Substring(form.sessionId)) else { return refusal(.malformed, "bad sessionId") }
        guard ClientLine.isMSISDN(Substring(msisdn)) else { return refusal(.malformed, "bad phoneNumber") }
        let step: SessionStep
        var conversation: Conversation
        if let existing = conversations[form.sessionId] {
            conversation = existing
            guard !conversation.busy else { return refusal(.conflict, "a reply for this session is still pending") }
            if text == conversation.consumed { return Response(status: 200, body: conversation.lastReply) }
            let prefix = conversation.consumed.isEmpty ? "" : conversation.consumed + "*"
            guard text.hasPrefix(prefix), text.count > prefix.count else {
                return refusal(.malformed, "text does not continue this session's answers")
            }
            step = .reply(input: String(text.dropFirst(prefix.count)))
        } else {
            guard !core.isDraining else { return refusal(.unavailable, "shutting down") }
            guard form.serviceCode.hasPrefix("*"), form.serviceCode.hasSuffix("#"), form.serviceCode.count > 2 else {
                return refusal(.malformed, "bad serviceCode")
            }
            // Answers typed with the dial (`*145#` with text `1*96112233`) are the shortcut `*145*1*96112233#`.
            let dial = text.isEmpty ? form.serviceCode : "\(form.serviceCode.dropLast())*\(text)#"
            step = .begin(msisdn: msisdn, dial: dial)
            conversation = Conversation(key: "http/\(form.sessionId)", consumed: "", lastReply: "", busy: true, lastActivity: .now)
        }
        conversation.busy = true
        conversations[form.sessionId] = conversation
        let outcome = await core.perform(step, key: conversation.key)
        conversation.busy = false
        conversation.lastActivity = .now
        switch outcome {
        case .reply(let reply):
            let body = (reply.isFinal ? "END " : "CON ") + reply.text
            conversation.consumed = text
            conversation.lastReply = body
            conversations[form.sessionId] = reply.isFinal ? nil : conversation
            return Response(status: 200, body: body)
        case .aborted:
            conversations[form.sessionId] = nil
            return Response(status: 200, body: "END")
        case .refused(let error):
            if case .begin = step { conversations[form.sessionId] = nil } else { conversations[form.sessionId] = conversation }
            if error.code == .unknownSession { conversations[form.sessionId] = nil }
            let mapped = GatewayCore.gatewayError(error, session: form.sessionId, key: conversation.key)
            return refusal(mapped.code, mapped.message)
        }
    }

    /// Live callback sessions.
    public var count: Int { conversations.count }

    private func refusal(_ code: GatewayError.Code, _ message: String) -> Response {
        core.metrics.refused(code)
        return Response(status: code.rawValue, body: "END \(message)")
    }

    /// Drops conversations idle past the timeout; the session manager forgets their sessions too.
    private func forgetIdle() {
        let now = ContinuousClock.now
        guard now - lastSweep >= .seconds(1) else { return }
        lastSweep = now
        let timeout = core.configuration.idleTimeout
        conversations = conversations.filter { $0.value.busy || now - $0.value.lastActivity < timeout }
    }
}
