import Foundation
import GatewayCore
import MobileMoney
import Operators
import Synchronization

/// A simulated mobile network: feature phones that dial USSD codes through the same protocol-neutral
/// ``GatewayCore`` as the operators' connections, and receive SMS through the same ``SMSDispatcher`` — one
/// ``SMSSink`` per operator — so a receipt reaches a simulated phone exactly as it reaches a line connection
/// (outbox → dispatcher → sink). Fronts (the web simulator, an SMPP server later) only render it.
///
/// Bounded: at most `limits.phones` phones and `limits.watchers` live watchers; each inbox keeps its newest
/// `limits.inboxLength` messages, and messages are kept for at most `limits.numbersKept` numbers (SMS for a
/// number with no phone open are kept for when one is opened, as an SMSC keeps them for a phone switched off).
///
/// A phone has one USSD session at a time, as a real one: dialling again hangs up the one under way, and a
/// step sent while the previous one runs is refused as `busy` rather than queued. Sessions are bound to the
/// phone's operator and to the `simulator` front: one dropped here (``drop(_:)``, a phone put away, a refused
/// step) is offered back when the same phone dials the same code again, as the resume rules say; one hung up
/// (``cancel(_:)``, dialling again) is not.
public final class SimulatedNetwork: Sendable {
    /// The bounds of the network's memory.
    public struct Limits: Sendable, Hashable {
        public var phones: Int
        public var inboxLength: Int
        public var numbersKept: Int
        public var watchers: Int
        /// A USSD input is at most one page long.
        public var inputLength: Int

        public init(phones: Int = 8, inboxLength: Int = 50, numbersKept: Int = 256, watchers: Int = 32, inputLength: Int = 182) {
            self.phones = phones
            self.inboxLength = inboxLength
            self.numbersKept = numbersKept
            self.watchers = watchers
            self.inputLength = inputLength
        }
    }

    /// A number the page offers to pick (the demo subscribers).
    public struct Contact: Sendable, Hashable, Codable {
        public let msisdn: String
        public let name: String
        public let operatorID: String

        public init(msisdn: String, name: String, operatorID: String) {
            self.msisdn = msisdn
            self.name = name
            self.operatorID = operatorID
        }
    }

    private struct Session {
        let msisdn: String
        let key: String
        var busy: Bool
        /// The service of a dialogue with an external application; nil for Sika's own menus.
        var external: (any ExternalUSSDService)?
        var dialogue: ExternalDialogue?
    }

    private struct Watcher {
        let msisdn: String?
        let continuation: AsyncStream<SimulatorEvent>.Continuation
    }

    private struct State {
        /// In the order they were added.
        var phones: [SimulatedPhone] = []
        var inboxes: [String: [InboxMessage]] = [:]
        /// Numbers with an inbox, least recently written first.
        var inboxOrder: [String] = []
        var sessions: [String: Session] = [:]
        var watchers: [Int: Watcher] = [:]
        var nextSession = 0
        var nextMessage = 0
        var nextWatcher = 0
    }

    public let core: GatewayCore
    /// The USSD codes and SMS short codes external applications serve (ESMEs bound to the SMPP server).
    public let services = ExternalServices()
    public let limits: Limits
    public let contacts: [Contact]
    private let now: @Sendable () -> Date
    private let state = Mutex(State())
    private let registrations = Mutex<[SMSDispatcher.Registration]>([])

    /// - Parameters:
    ///   - contacts: the numbers to offer (the demo subscribers); any other number can be typed.
    ///   - now: the clock of the inbox times.
    public init(core: GatewayCore, contacts: [Contact] = [], limits: Limits = Limits(), now: @escaping @Sendable () -> Date = Date.init) {
        self.core = core
        self.contacts = contacts
        self.limits = limits
        self.now = now
    }

    // MARK: SMS sinks

    /// Connects one SMS sink per operator of the catalog to the core's dispatcher; from now on SMS reach the network.
    public func connect() {
        let sinks = core.catalog.operators.map { SimulatedOperatorSink(operatorID: $0.id, network: self) }
        let connected = sinks.map { core.dispatcher.connect($0) }
        registrations.withLock { $0 += connected }
        core.dispatcher.nudge()
    }

    /// Disconnects the sinks: SMS wait in the outbox again.
    public func disconnect() {
        for registration in registrations.withLock({ registrations in
            defer { registrations = [] }; return registrations
        }) {
            core.dispatcher.disconnect(registration)
        }
    }

    /// Whether a phone of `operatorID` is open for `msisdn`: its SMS then come to this network first.
    func hasPhone(_ msisdn: String, operatorID: String) -> Bool {
        state.withLock { $0.phones.contains { $0.msisdn == msisdn && $0.operatorID == operatorID } }
    }

    /// Puts an SMS into a number's inbox, whether or not its phone is open: the sinks call this, and so can any
    /// front that carries SMS to phones (an SMPP server's `submit_sm`).
    public func receive(to msisdn: String, from sender: String, text: String) {
        let received = now()
        let event = state.withLock { state -> SimulatorEvent in
            state.nextMessage += 1
            let message = InboxMessage(id: state.nextMessage, from: sender, text: text, receivedAt: received)
            var inbox = state.inboxes[msisdn] ?? []
            inbox.append(message)
            if inbox.count > limits.inboxLength { inbox.removeFirst(inbox.count - limits.inboxLength) }
            state.inboxes[msisdn] = inbox
            state.inboxOrder.removeAll { $0 == msisdn }
            state.inboxOrder.append(msisdn)
            // The least recently written number without an open phone goes first; open phones keep their inbox.
            while state.inboxOrder.count > limits.numbersKept,
                let oldest = state.inboxOrder.firstIndex(where: { number in !state.phones.contains { $0.msisdn == number } })
            {
                state.inboxes[state.inboxOrder.remove(at: oldest)] = nil
            }
            let unread = inbox.filter { !$0.read }.count
            if let index = state.phones.firstIndex(where: { $0.msisdn == msisdn }) { state.phones[index].unread = unread }
            return .sms(msisdn: msisdn, message: message, unread: unread)
        }
        publish(event)
    }

    // MARK: Phones

    /// The phones, in the order they were added.
    public var phones: [SimulatedPhone] { state.withLock { $0.phones } }

    public func phone(_ msisdn: String) -> SimulatedPhone? { state.withLock { state in state.phones.first { $0.msisdn == msisdn } } }

    /// Opens a phone for `msisdn` (or returns the one open): its operator is the one whose numbering owns the
    /// number, its language the subscriber's. SMS kept for the number are in its inbox at once.
    @discardableResult
    public func addPhone(_ msisdn: String) async throws(SimulatorError) -> SimulatedPhone {
        guard WireIdentifiers.isMSISDN(Substring(msisdn)) else {
            throw SimulatorError(.malformed, "\(msisdn) is not an MSISDN (E.164 digits without +)")
        }
        guard let op = core.catalog.operatorOwning(msisdn: msisdn) else { throw SimulatorError(.unknownOperator, "no operator owns \(msisdn)") }
        if let open = phone(msisdn) { return open }
        let subscriber = try? await core.sessions.money.subscriber(msisdn)
        let phone = try state.withLock { (state) throws(SimulatorError) -> SimulatedPhone in
            if let open = state.phones.first(where: { $0.msisdn == msisdn }) { return open }
            guard state.phones.count < limits.phones else {
                throw SimulatorError(.full, "at most \(limits.phones) phones at once; put one away first")
            }
            let phone = SimulatedPhone(
                msisdn: msisdn, operatorID: op.id, operatorName: op.name, ussdCode: op.ussdCode, language: (subscriber?.language ?? .fr).rawValue,
                name: subscriber?.name, unread: state.inboxes[msisdn]?.filter { !$0.read }.count ?? 0)
            state.phones.append(phone)
            return phone
        }
        publish(.phone(phone))
        // SMS that waited in the outbox for a sink that claims this number.
        core.dispatcher.nudge()
        return phone
    }

    /// Puts a phone away (switched off: the network loses its session, which may be resumed); its inbox is kept
    /// with the network's other numbers.
    public func removePhone(_ msisdn: String) async throws(SimulatorError) {
        let released = try state.withLock { (state) throws(SimulatorError) -> Session? in
            guard let index = state.phones.firstIndex(where: { $0.msisdn == msisdn }) else {
                throw SimulatorError(.unknownPhone, "no phone \(msisdn)")
            }
            let session = state.phones.remove(at: index).session
            return session.flatMap { state.sessions.removeValue(forKey: $0) }
        }
        if let released { await release(released) }
        publish(.removed(msisdn: msisdn))
    }

    /// The phone's SMS, newest first.
    public func inbox(_ msisdn: String) throws(SimulatorError) -> [InboxMessage] {
        try state.withLock { (state) throws(SimulatorError) -> [InboxMessage] in
            guard state.phones.contains(where: { $0.msisdn == msisdn }) else { throw SimulatorError(.unknownPhone, "no phone \(msisdn)") }
            return (state.inboxes[msisdn] ?? []).reversed()
        }
    }

    /// Marks the phone's messages read (all, or those up to `id`).
    public func markRead(_ msisdn: String, through id: Int? = nil) throws(SimulatorError) {
        let unread = try state.withLock { (state) throws(SimulatorError) -> Int in
            guard let index = state.phones.firstIndex(where: { $0.msisdn == msisdn }) else {
                throw SimulatorError(.unknownPhone, "no phone \(msisdn)")
            }
            var inbox = state.inboxes[msisdn] ?? []
            for position in inbox.indices where id.map({ inbox[position].id <= $0 }) ?? true { inbox[position].read = true }
            state.inboxes[msisdn] = inbox
            let unread = inbox.filter { !$0.read }.count
            state.phones[index].unread = unread
            return unread
        }
        publish(.read(msisdn: msisdn, unread: unread))
    }

    /// Forgets every inbox and hangs up every session, phones staying open: the demo world was restored, so the
    /// messages speak of balances that are no more, and the sessions of a world that is gone are never offered back.
    public func reset() async {
        let released = state.withLock { state -> [Session] in
            let released = Array(state.sessions.values)
            state.sessions = [:]
            state.inboxes = [:]
            state.inboxOrder = []
            for index in state.phones.indices {
                state.phones[index].session = nil
                state.phones[index].unread = 0
            }
            return released
        }
        for session in released { await release(session, step: .cancel) }
        publish(.reset)
        for phone in phones { await refresh(phone.msisdn) }
    }

    // MARK: Live updates

    /// What happens on the network from now on (on one number's phone, or on all): an SMS received, messages
    /// read, a phone added, changed or put away. Each watcher buffers its newest 64 events.
    public func updates(for msisdn: String? = nil) throws(SimulatorError) -> AsyncStream<SimulatorEvent> {
        let (stream, continuation) = AsyncStream.makeStream(of: SimulatorEvent.self, bufferingPolicy: .bufferingNewest(64))
        let id = try state.withLock { (state) throws(SimulatorError) -> Int in
            guard state.watchers.count < limits.watchers else { throw SimulatorError(.full, "at most \(limits.watchers) live watchers") }
            state.nextWatcher += 1
            state.watchers[state.nextWatcher] = Watcher(msisdn: msisdn, continuation: continuation)
            return state.nextWatcher
        }
        continuation.onTermination = { [weak self] _ in self?.state.withLock { _ = $0.watchers.removeValue(forKey: id) } }
        return stream
    }

    /// Ends every watcher's stream (at shutdown, so that no live response holds the HTTP server open).
    public func finishUpdates() {
        for watcher in state.withLock({ $0.watchers.values }) { watcher.continuation.finish() }
    }

    private func publish(_ event: SimulatorEvent) {
        let watchers = state.withLock { $0.watchers.values.filter { $0.msisdn == nil || $0.msisdn == event.msisdn || event.msisdn == nil } }
        for watcher in watchers { watcher.continuation.yield(event) }
    }

    // MARK: Sessions

    /// Dials `dial` on the phone: the same admission as every front (`GatewayCore/admit`, with the phone's
    /// operator as the authenticated one), then the session's first step. A refusal is an answer (the phone
    /// shows a network error), not an error; errors are for requests the network cannot take.
    public func dial(_ msisdn: String, _ dial: String) async throws(SimulatorError) -> SimulatorExchange {
        guard let phone = phone(msisdn), let op = core.catalog.operator(phone.operatorID) else {
            throw SimulatorError(.unknownPhone, "no phone \(msisdn)")
        }
        guard !dial.isEmpty, dial.utf8.count <= limits.inputLength else {
            throw SimulatorError(.malformed, "a dial string is 1 to \(limits.inputLength) bytes")
        }
        let (session, released) = try state.withLock { (state) throws(SimulatorError) -> (String, Session?) in
            guard let index = state.phones.firstIndex(where: { $0.msisdn == msisdn }) else {
                throw SimulatorError(.unknownPhone, "no phone \(msisdn)")
            }
            if let current = state.phones[index].session, state.sessions[current]?.busy == true {
                throw SimulatorError(.busy, "\(current) is still waiting for its answer")
            }
            let current = state.phones[index].session
            let released = current.flatMap { state.sessions.removeValue(forKey: $0) }
            state.nextSession += 1
            let session = "web-\(state.nextSession)"
            state.sessions[session] = Session(msisdn: msisdn, key: "simulator/\(session)", busy: true)
            state.phones[index].session = session
            return (session, released)
        }
        // A phone that dials again hangs up first.
        if let released { await release(released, step: .cancel) }
        let request = SimulatorExchange.Request.begin(msisdn: msisdn, dial: dial)
        let started = ContinuousClock.now
        let normalized: String
        do {
            normalized = try core.admit(session: session, msisdn: msisdn, dial: dial, operator: op)
        } catch {
            return await finish(
                SimulatorExchange(session: session, request: request, answer: .refused(error), latency: ContinuousClock.now - started))
        }
        if let service = services.ussdService(for: normalized) {
            let dialogue = ExternalDialogue(session: session, msisdn: msisdn, operatorID: op.id)
            state.withLock { state in
                state.sessions[session]?.external = service
                state.sessions[session]?.dialogue = dialogue
            }
            let answer = await service.open(dialogue, dial: normalized)
            return await finish(SimulatorExchange(session: session, request: request, answer: answer, latency: ContinuousClock.now - started))
        }
        return await step(
            session, request: request, step: .begin(msisdn: msisdn, dial: normalized, operatorID: op.id, front: Self.front), started: started)
    }

    /// Answers the screen of `session` with `input`.
    public func answer(_ session: String, _ input: String) async throws(SimulatorError) -> SimulatorExchange {
        guard input.utf8.count <= limits.inputLength else { throw SimulatorError(.malformed, "an input is at most \(limits.inputLength) bytes") }
        try claim(session)
        return await step(session, request: .reply(input: input), step: .reply(input: input), started: .now)
    }

    /// Hangs up: the session is over and never offered back.
    public func cancel(_ session: String) async throws(SimulatorError) -> SimulatorExchange {
        try claim(session)
        return await step(session, request: .cancel, step: .cancel, started: .now)
    }

    /// The network loses the phone (no coverage, a tunnel): the session is released and, once past its first
    /// screen, offered back when the phone dials the same code within the menu's resume window.
    public func drop(_ session: String) async throws(SimulatorError) -> SimulatorExchange {
        try claim(session)
        return await step(session, request: .abort, step: .abort, started: .now)
    }

    /// The front the simulator's sessions are bound to: a resume is offered on the same front only.
    public static let front = "simulator"

    /// Marks the session busy, or says why it cannot take a step.
    private func claim(_ session: String) throws(SimulatorError) {
        try state.withLock { (state) throws(SimulatorError) in
            guard let current = state.sessions[session] else { throw SimulatorError(.unknownSession, "no session \(session) (over, or never begun)") }
            guard !current.busy else { throw SimulatorError(.busy, "\(session) is still waiting for its answer") }
            state.sessions[session]?.busy = true
        }
    }

    private func step(_ session: String, request: SimulatorExchange.Request, step: SessionStep, started: ContinuousClock.Instant) async
        -> SimulatorExchange
    {
        let key = "simulator/\(session)"
        let external = state.withLock { state in
            state.sessions[session].flatMap { current in current.external.flatMap { service in current.dialogue.map { (service, $0) } } }
        }
        if case let (service, dialogue)? = external {
            let answer: SimulatorExchange.Answer
            switch step {
            case .reply(let input): answer = await service.answer(dialogue, input: input)
            default:
                await service.release(dialogue)
                answer = .aborted
            }
            return await finish(SimulatorExchange(session: session, request: request, answer: answer, latency: ContinuousClock.now - started))
        }
        let outcome = await core.perform(step, key: key)
        let answer: SimulatorExchange.Answer =
            switch outcome {
            case .reply(let reply): reply.isFinal ? .end(reply.text) : .screen(reply.text)
            case .aborted: .aborted
            case .refused(let error): .refused(GatewayCore.gatewayError(error, session: session, key: key))
            }
        return await finish(SimulatorExchange(session: session, request: request, answer: answer, latency: ContinuousClock.now - started))
    }

    /// Records what the exchange did to the session; over, the phone is free again and its language re-read
    /// (the session may have changed it).
    private func finish(_ exchange: SimulatorExchange) async -> SimulatorExchange {
        let (msisdn, ended) = state.withLock { state -> (String?, Session?) in
            guard let session = state.sessions[exchange.session] else { return (nil, nil) }
            if exchange.endsSession {
                state.sessions[exchange.session] = nil
                if let index = state.phones.firstIndex(where: { $0.session == exchange.session }) { state.phones[index].session = nil }
            } else {
                state.sessions[exchange.session]?.busy = false
            }
            return (session.msisdn, session)
        }
        if exchange.endsSession, let msisdn {
            // A refused step ends the session on the phone, as a network error does: release it where it runs too.
            if case .refused = exchange.answer, let ended { await release(ended) }
            await refresh(msisdn)
        }
        return exchange
    }

    /// Releases a session where it runs: in the core for Sika's menus (`.abort` is a drop the resume rules may
    /// offer back, `.cancel` a hang-up they never do), at the external service for its dialogues.
    private func release(_ session: Session, step: SessionStep = .abort) async {
        if let service = session.external, let dialogue = session.dialogue {
            await service.release(dialogue)
        } else {
            _ = await core.perform(step, key: session.key)
        }
    }

    /// Re-reads the subscriber behind a phone (a registration or a language switch changes it).
    private func refresh(_ msisdn: String) async {
        guard let subscriber = try? await core.sessions.money.subscriber(msisdn) else { return }
        let changed = state.withLock { state -> SimulatedPhone? in
            guard let index = state.phones.firstIndex(where: { $0.msisdn == msisdn }) else { return nil }
            var phone = state.phones[index]
            phone.language = subscriber.language.rawValue
            phone.name = subscriber.name
            guard phone != state.phones[index] else { return nil }
            state.phones[index] = phone
            return phone
        }
        if let changed { publish(.phone(changed)) }
    }
}
