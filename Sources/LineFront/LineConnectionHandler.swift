import GatewayCore
import Ledger
import NIOCore
import Operators
import Sessions

/// Serves one line-protocol connection: authentication, the per-session queues that keep one session's
/// replies in order while different sessions run concurrently, mobile-originated SMS, and backpressure.
///
/// All state lives on the channel's event loop. Session steps and mobile-originated SMS run as tasks off
/// the loop and hop back with their outcome. Reading stops while the channel is not writable (a slow
/// reader) or too many of them are in flight, so neither outbound bytes nor pending work grow without bound.
///
/// A connection that has not authenticated within `helloTimeout` (when authentication is required) is
/// told so and closed, and an authenticated operator holds at most its share of the listener's connections.
final class LineConnectionHandler: ChannelDuplexHandler {
    typealias InboundIn = LineFrame
    typealias OutboundIn = ServerLine
    typealias OutboundOut = ServerLine

    private let core: GatewayCore
    private let connectionID: Int
    private var operatorID: String?
    /// This connection's sessions, their order and its backpressure: the protocol-neutral state machine.
    private var queues: SessionQueues
    private var smsRegistration: SMSDispatcher.Registration?
    private var readPending = false
    private var active = true
    private var context: ChannelHandlerContext?
    private var sweep: RepeatedTask?
    private var helloDeadline: Scheduled<Void>?

    init(core: GatewayCore, connectionID: Int) {
        self.core = core
        self.connectionID = connectionID
        let configuration = core.configuration
        queues = SessionQueues(
            limits: .init(
                sessions: configuration.maxSessionsPerConnection, queuedPerSession: configuration.maxQueuedPerSession,
                inFlight: configuration.maxStepsInFlightPerConnection))
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        let interval = TimeAmount(core.configuration.sweepInterval)
        let handler = NIOLoopBound(self, eventLoop: context.eventLoop)
        sweep = context.eventLoop.scheduleRepeatedTask(initialDelay: interval, delay: interval) { _ in
            handler.value.expireIdleSlots()
        }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        sweep?.cancel()
        helloDeadline?.cancel()
        self.context = nil
    }

    func channelActive(context: ChannelHandlerContext) {
        if core.configuration.requireAuthentication {
            let handler = NIOLoopBound(self, eventLoop: context.eventLoop)
            helloDeadline = context.eventLoop.scheduleTask(in: TimeAmount(core.configuration.helloTimeout)) {
                handler.value.helloTimedOut()
            }
        }
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        active = false
        sweep?.cancel()
        helloDeadline?.cancel()
        if let smsRegistration { core.dispatcher.disconnect(smsRegistration) }
        if let operatorID { core.lineConnections.release(operator: operatorID) }
        // The gateway went away: its sessions cannot be answered any more. Running ones are released
        // when their step comes back.
        perform(queues.close())
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .tooLong:
            send(.error(GatewayError(.lineTooLong, "line longer than \(LineFrameDecoder.protocolLimit) bytes")), flush: false)
        case .line(let bytes):
            guard let text = String(validating: bytes.readableBytesView, as: UTF8.self) else {
                send(.error(GatewayError(.malformed, "invalid UTF-8")), flush: false)
                return
            }
            do throws(GatewayError) {
                try handle(ClientLine.parse(text))
            } catch {
                send(.error(error), flush: false)
            }
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        context.flush()
        context.fireChannelReadComplete()
    }

    func read(context: ChannelHandlerContext) {
        if mayRead(context) {
            context.read()
        } else {
            readPending = true
        }
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        resumeReading()
        context.fireChannelWritabilityChanged()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // Transport errors (reset by peer…): the connection is gone; nothing to answer.
        context.close(promise: nil)
    }

    // MARK: Lines

    private func handle(_ line: ClientLine) throws(GatewayError) {
        switch line {
        case .hello(let requested, let token):
            try hello(requested, token: token)
        case .ping(let token):
            send(.pong(token: token), flush: false)
        case .begin(let session, let msisdn, let dial):
            let op = try authorizedOperator(session: session)
            let normalized = try core.admit(session: session, msisdn: msisdn, dial: dial, operator: op)
            // Scoped by operator and connection, so that two gateways using the same ids never meet.
            let key = "\(op?.id ?? "-")/\(connectionID)/\(session)"
            perform(
                queues.begin(session: session, key: key, step: .begin(msisdn: msisdn, dial: normalized, operatorID: op?.id, front: "line"), at: .now))
        case .continue(let session, let input):
            _ = try authorizedOperator(session: session)
            perform(queues.enqueue(.reply(input: input), session: session))
        case .abort(let session, let cancelled):
            _ = try authorizedOperator(session: session)
            perform(queues.enqueue(cancelled ? .cancel : .abort, session: session))
        case .sms(let msisdn, let shortCode, let text):
            try mobileOriginated(msisdn: msisdn, shortCode: shortCode, text: text)
        }
    }

    /// A connection's identity is set once. A later `HELLO` naming another operator is `409` whatever its
    /// token; one naming the same operator is checked like the first (`401` for a wrong token) and
    /// answers `OK HELLO` only with the right one. Either way the connection stays who it was.
    private func hello(_ requested: String, token: String) throws(GatewayError) {
        let tokenAccepted = !core.configuration.requireAuthentication || core.configuration.tokens.accepts(operatorID: requested, token: token)
        if let operatorID {
            guard operatorID == requested else { throw GatewayError(.conflict, "already authenticated as \(operatorID)") }
            guard tokenAccepted else {
                core.logger.notice("second HELLO refused", metadata: ["operator": "\(requested)", "connection": "\(connectionID)"])
                throw GatewayError(.notAuthenticated, "bad token; still authenticated as \(operatorID)")
            }
            send(.helloAccepted(operatorID: operatorID), flush: false)
            return
        }
        guard core.catalog.operator(requested) != nil, tokenAccepted else {
            core.logger.notice("HELLO refused", metadata: ["operator": "\(requested)", "connection": "\(connectionID)"])
            throw GatewayError(.notAuthenticated, "bad operator or token")
        }
        guard core.lineConnections.admit(operator: requested) else {
            core.logger.warning("HELLO refused: operator at its connection cap", metadata: ["operator": "\(requested)"])
            send(.error(GatewayError(.unavailable, "too many connections for \(requested)")), flush: true)
            context?.close(promise: nil)
            return
        }
        helloDeadline?.cancel()
        operatorID = requested
        if let context { smsRegistration = core.dispatcher.connect(LineSMSSink(operatorID: requested, channel: context.channel)) }
        core.logger.info("operator connected", metadata: ["operator": "\(requested)", "connection": "\(connectionID)"])
        send(.helloAccepted(operatorID: requested), flush: false)
    }

    /// The authenticated operator; `nil` when authentication is off and none said `HELLO`.
    private func authorizedOperator(session: String?) throws(GatewayError) -> OperatorConfig? {
        if let operatorID { return core.catalog.operator(operatorID) }
        guard !core.configuration.requireAuthentication else { throw GatewayError(.notAuthenticated, session: session, "HELLO first") }
        return nil
    }

    private func mobileOriginated(msisdn: String, shortCode: String, text: String) throws(GatewayError) {
        let authenticated = try authorizedOperator(session: nil)
        guard let op = authenticated ?? core.catalog.operatorOwning(msisdn: msisdn), op.owns(msisdn: msisdn) else {
            throw GatewayError(.forbidden, "\(msisdn) is outside \(authenticated?.id ?? "every operator")'s numbering range")
        }
        guard shortCode == op.smsShortCode else {
            let other = core.catalog.operators.contains { $0.smsShortCode == shortCode }
            throw GatewayError(other ? .forbidden : .malformed, "\(shortCode) is not \(op.id)'s short code")
        }
        guard let eventLoop = context?.eventLoop else { return }
        // Counted like a session step: while too many are in flight, or the client does not read its replies,
        // the connection is not read, so a flood of SMS lines waits in the client's socket, not in our memory.
        queues.otherWorkStarted()
        let core = self.core
        let handler = NIOLoopBound(self, eventLoop: eventLoop)
        Task {
            let reply = await core.answerMobileOriginated(msisdn: msisdn, text: text, operator: op)
            eventLoop.execute { handler.value.answered(.sms(shortCode: op.smsShortCode, msisdn: msisdn, text: reply)) }
        }
    }

    /// The reply to a mobile-originated SMS is ready.
    private func answered(_ reply: ServerLine) {
        queues.otherWorkFinished()
        if active { send(reply, flush: true) }
        resumeReading()
    }

    /// No `HELLO` in time: the connection holds a descriptor for nothing.
    private func helloTimedOut() {
        helloDeadline = nil
        guard active, operatorID == nil, let context else { return }
        let (whole, fraction) = core.configuration.helloTimeout.components
        let seconds = fraction == 0 ? "\(whole)" : "\(Double(whole) + Double(fraction) / 1e18)"
        send(.error(GatewayError(.notAuthenticated, "no HELLO within \(seconds) s")), flush: true)
        core.lineConnections.recordTimeout()
        context.close(promise: nil)
    }

    // MARK: Session queues

    /// Carries out what the session queues decided: start steps off the loop, write answers, release
    /// sessions nobody will answer any more.
    private func perform(_ actions: [SessionQueues.Action]) {
        for action in actions {
            switch action {
            case .start(let session, let key, let step):
                start(step, session: session, key: key)
            case .answer(let session, let key, let outcome):
                switch outcome {
                case .reply(let reply):
                    send(reply.isFinal ? .end(session: session, text: reply.text) : .screen(session: session, text: reply.text), flush: false)
                case .aborted:
                    break
                case .refused(let error):
                    send(.error(GatewayCore.gatewayError(error, session: session, key: key)), flush: false)
                }
            case .refuse(let error):
                send(.error(error), flush: false)
            case .release(let keys):
                let sessions = core.sessions
                Task { for key in keys { try? await sessions.abort(id: key) } }
            }
        }
    }

    private func start(_ step: SessionStep, session: String, key: String) {
        guard let eventLoop = context?.eventLoop else { return }
        let core = self.core
        let handler = NIOLoopBound(self, eventLoop: eventLoop)
        Task {
            let outcome = await core.perform(step, key: key)
            eventLoop.execute { handler.value.finished(session, step: step, outcome: outcome) }
        }
    }

    private func finished(_ session: String, step: SessionStep, outcome: StepOutcome) {
        perform(queues.finished(session, step: step, outcome: outcome, at: .now))
        context?.flush()
        resumeReading()
    }

    /// Forgets sessions idle past the timeout (the session manager forgets them too).
    private func expireIdleSlots() {
        perform(queues.expire(idleSince: .now - core.configuration.idleTimeout))
    }

    // MARK: Output and backpressure

    private func send(_ line: ServerLine, flush: Bool) {
        guard let context else { return }
        if case .error(let error) = line { core.metrics.refused(error.code) }
        context.write(wrapOutboundOut(line), promise: nil)
        if flush { context.flush() }
    }

    private func mayRead(_ context: ChannelHandlerContext) -> Bool {
        queues.mayRead(writable: context.channel.isWritable)
    }

    private func resumeReading() {
        guard readPending, let context, mayRead(context) else { return }
        readPending = false
        context.read()
    }
}
