import GatewayCore
import Logging
import Operators
import SMPP

/// The USSD dialogues an operator's gateway carries on one bound connection, served by the menus through
/// `GatewayCore` exactly as the line socket serves its sessions: the same admission and refusals, one step at a time
/// per dialogue in arrival order (`SessionQueues`), dialogues running concurrently.
///
/// Each deliver_sm is answered once its step is done: ESME_ROK and then the screen as submit_sm (a USSR request, or
/// a PSSR response with the end-of-session flag for the last one), or the refusal's status (`SMPPRefusal`). A
/// dialogue is (the phone's number, its its_session_info session number); see `docs/SMPP.md`.
actor SMPPDialogues {
    /// What is known of a dialogue beyond its session: where its screens go.
    private struct Dialogue {
        let msisdn: String
        /// The service code address the gateway wrote (`destination_addr` of its PSSR indication): our screens' source.
        let service: Address
        let number: UInt8?
        /// The last its_session_info sequence number either way.
        var sequence: UInt8
    }

    private let core: GatewayCore
    private let op: OperatorConfig
    private let client: SMPPClient
    private let connection: String
    private let logger: Logger
    private var queues: SessionQueues
    /// Per session, the deliver_sm waiting for their step's answer, oldest first.
    private var waiting: [String: [SMPPInboundMessage]] = [:]
    private var dialogues: [String: Dialogue] = [:]

    init(core: GatewayCore, operator op: OperatorConfig, client: SMPPClient, connection: String, logger: Logger) {
        self.core = core
        self.op = op
        self.client = client
        self.connection = connection
        self.logger = logger
        let configuration = core.configuration
        queues = SessionQueues(
            limits: .init(
                sessions: configuration.maxSessionsPerConnection, queuedPerSession: configuration.maxQueuedPerSession,
                inFlight: configuration.maxStepsInFlightPerConnection))
    }

    /// Live dialogues, for tests.
    var count: Int { queues.sessionCount }

    /// One USSD deliver_sm of the gateway: a PSSR indication opens a dialogue, a USSR confirm answers its screen, the
    /// end-of-session flag releases it.
    func receive(_ inbound: SMPPInboundMessage, _ message: DeliverSM) {
        guard let msisdn = SMPPAddressing.msisdn(message.source) else {
            return inbound.respond(SMPPRefusal.status(for: .malformed))
        }
        let info = message.options.itsSessionInfo
        let session = info.map { "\(msisdn).\($0.sessionNumber)" } ?? msisdn
        if info?.endOfSession == true {
            accept(inbound, session: session, queues.enqueue(.abort, session: session))
            return
        }
        switch message.options.ussdServiceOp {
        case .pssrIndication:
            // The number first, so that a number outside the bind's operator is told apart from a service code.
            guard op.owns(msisdn: msisdn) else { return inbound.respond(SMPPRefusal.status(for: .forbidden, sourceRefused: true)) }
            let dial = message.text.isEmpty ? SMPPAddressing.serviceCode(message.destination.address) : message.text
            let normalized: String
            do {
                normalized = try core.admit(session: session, msisdn: msisdn, dial: dial, operator: op)
            } catch {
                core.metrics.refused(error.code)
                return inbound.respond(SMPPRefusal.status(for: error.code))
            }
            let key = "\(op.id)/\(connection)/\(session)"
            let step = SessionStep.begin(msisdn: msisdn, dial: normalized, operatorID: op.id, front: "smpp")
            let actions = queues.begin(session: session, key: key, step: step, at: .now)
            if accept(inbound, session: session, actions) {
                dialogues[session] = Dialogue(
                    msisdn: msisdn, service: message.destination, number: info?.sessionNumber, sequence: info?.sequenceNumber ?? 0)
            }
        case .ussrConfirm:
            if let info { dialogues[session]?.sequence = info.sequenceNumber }
            accept(inbound, session: session, queues.enqueue(.reply(input: message.text), session: session))
        default:
            inbound.respond(SMPPRefusal.status(for: .malformed))
        }
    }

    /// Either the queues refused the message at once (answered now), or it waits for its step. True when it waits.
    @discardableResult
    private func accept(_ inbound: SMPPInboundMessage, session: String, _ actions: [SessionQueues.Action]) -> Bool {
        if actions.count == 1, case .refuse(let error) = actions[0] {
            core.metrics.refused(error.code)
            inbound.respond(SMPPRefusal.status(for: error.code))
            return false
        }
        waiting[session, default: []].append(inbound)
        perform(actions)
        return true
    }

    private func perform(_ actions: [SessionQueues.Action]) {
        for action in actions {
            switch action {
            case .start(let session, let key, let step):
                let core = self.core
                Task {
                    let outcome = await core.perform(step, key: key)
                    self.finished(session, step: step, outcome: outcome)
                }
            case .answer(let session, let key, let outcome):
                guard let inbound = next(session) else { continue }
                switch outcome {
                case .reply(let reply):
                    inbound.respond(.ok)
                    screen(reply.text, final: reply.isFinal, session: session)
                case .aborted:
                    inbound.respond(.ok)
                case .refused(let error):
                    let refusal = GatewayCore.gatewayError(error, session: session, key: key)
                    core.metrics.refused(refusal.code)
                    inbound.respond(SMPPRefusal.status(for: refusal.code))
                }
            case .refuse(let error):
                core.metrics.refused(error.code)
                if let session = error.session { next(session)?.respond(SMPPRefusal.status(for: error.code)) }
            case .release(let keys):
                let sessions = core.sessions
                Task { for key in keys { try? await sessions.abort(id: key) } }
            }
        }
    }

    private func finished(_ session: String, step: SessionStep, outcome: StepOutcome) {
        perform(queues.finished(session, step: step, outcome: outcome, at: .now))
        if queues.sessionCount < dialogues.count {
            // Ended sessions keep no addressing.
            dialogues = dialogues.filter { waiting[$0.key]?.isEmpty == false || queues.isLive($0.key) }
        }
    }

    /// The oldest deliver_sm of a session still waiting for its answer.
    private func next(_ session: String) -> SMPPInboundMessage? {
        guard var queue = waiting[session], !queue.isEmpty else { return nil }
        let first = queue.removeFirst()
        waiting[session] = queue.isEmpty ? nil : queue
        return first
    }

    /// Sends a screen to the phone: a USSR request that expects an answer, or the last screen as a PSSR response with
    /// the end-of-session flag.
    private func screen(_ text: String, final: Bool, session: String) {
        guard var dialogue = dialogues[session] else { return }
        dialogue.sequence &+= 1
        dialogues[session] = final ? nil : dialogue
        let info = dialogue.number.map { ITSSessionInfo(sessionNumber: $0, sequenceNumber: dialogue.sequence, endOfSession: final) }
        let message = SubmitSM.ussd(
            final ? .pssrResponse : .ussrRequest, source: dialogue.service, destination: .international(dialogue.msisdn), text: text, session: info)
        let client = self.client
        let logger = self.logger
        Task {
            do {
                try await client.submit(message)
            } catch {
                logger.warning("a USSD screen could not be sent", metadata: ["session": "\(session)", "error": "\(error)"])
            }
        }
    }

    /// The connection closed: its dialogues cannot be answered any more.
    func close() {
        perform(queues.close())
        waiting = [:]
        dialogues = [:]
    }

    /// Dialogues idle past the timeout are forgotten (the session manager expires them too).
    func expire(idleSince deadline: ContinuousClock.Instant) {
        perform(queues.expire(idleSince: deadline))
        dialogues = dialogues.filter { queues.isLive($0.key) }
    }
}
