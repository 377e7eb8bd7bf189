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
    private let store: SessionStore
    private let startLimiter: TokenBucketLimiter?
    private let onAction: (@Sendable (_ action: String, _ outcome: String) -> Void)?
    private let onScreen: (@Sendable (_ service: String, _ screen: String) -> Void)?

    /// - Parameters:
    ///   - idleTimeout: a session with no step for this long is forgotten (USSD networks give up after about 180 s).
    ///   - offNet: transfers to other networks (the provider bridge); without it the off-net menus answer "unavailable".
    ///   - startLimiter: session starts per MSISDN; a phone dialling faster than that is refused with 429.
    ///   - onAction: told the name and outcome of every host action a session ran (`transfer`, `ok`), for metrics.
    ///   - onScreen: told every screen a step stopped on or passed through (`tmoney`, `send_amount`), for coverage and traces.
    public init(
        menus: MenuSet, money: MobileMoney, idleTimeout: Duration = .seconds(180), offNet: (any OffNetTransfers)? = nil,
        startLimiter: TokenBucketLimiter? = nil, onAction: (@Sendable (_ action: String, _ outcome: String) -> Void)? = nil,
        onScreen: (@Sendable (_ service: String, _ screen: String) -> Void)? = nil
    ) {
        self.engine = MenuEngine(menus: menus)
        self.money = money
        self.actions = MenuActions(money: money, offNet: offNet)
        self.store = SessionStore(idleTimeout: idleTimeout)
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
    public func begin(id: String, msisdn: String, dial: String) async throws(SessionError) -> Reply {
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
        try await store.reserve(id, msisdn: context.msisdn, requestBase: UUID().uuidString, session: first.session)
        var entry = try await store.checkOut(id, reserved: true)
        let reply = await drive(first, &entry)
        await store.checkIn(id, entry)
        return reply
    }

    /// The subscriber answered `input` on session `id`'s current screen.
    public func reply(id: String, input: String) async throws(SessionError) -> Reply {
        var entry = try await store.checkOut(id)
        let result: StepResult
        do {
            result = try engine.step(entry.session, input: input)
        } catch {
            await store.checkIn(id, entry)
            throw SessionError(.malformed, error.message)
        }
        let reply = await drive(result, &entry)
        await store.checkIn(id, entry)
        return reply
    }

    /// Gives `msisdn` its whole session-start allowance back (the demo reset between session scripts).
    public func resetSessionStarts(msisdn: String) {
        startLimiter?.reset("ussd:\(msisdn)")
    }

    /// The phone or the network released session `id`.
    public func abort(id: String) async throws(SessionError) {
        guard await store.remove(id) else { throw SessionError(.unknownSession, "no session \(id)") }
    }

    /// Forgets idle sessions; call it periodically. Returns how many were dropped.
    @discardableResult
    public func expireIdleSessions() async -> Int { await store.expire() }

    /// Live sessions.
    public var activeSessions: Int { get async { await store.count } }

    /// The engine state of a live session, as stored between steps (for inspection: what is kept of a PIN).
    public func storedSession(id: String) async -> MenuSession? { await store.peek(id) }

    /// Runs the host actions a step asks for, feeding each outcome back, until there is a screen to show.
    private func drive(_ first: StepResult, _ entry: inout SessionStore.Entry) async -> Reply {
        var result = first
        while true {
            entry.session = result.session
            onScreen?(result.session.service, result.session.screen)
            for effect in result.effects {
                if case .setLanguage(let language) = effect, let language = Language(rawValue: language) {
                    try? await money.setLanguage(msisdn: entry.msisdn, language)
                }
            }
            if let reply = result.reply { return reply }
            guard let call = result.actionCall else {
                // A step with neither a screen nor an action would leave the phone hanging; end it cleanly.
                return Reply(text: "Service indisponible. Reessayez plus tard.", isFinal: true)
            }
            entry.actions += 1
            let outcome = await actions.perform(
                call.name, arguments: call.arguments, caller: entry.msisdn, requestID: "\(entry.requestBase):\(entry.actions)")
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
