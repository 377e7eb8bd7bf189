import Logging
import NIOCore

/// The SMSC side of one connection: runs the bind state machine, answers what the protocol answers by itself
/// (enquire_link, wrong-state requests, undecodable PDUs, throttling, a full queue), hands binds and submissions to the
/// host delegate one at a time, and sends the host's deliver_sm through the window while the channel is writable.
///
/// Install it behind `ByteToMessageHandler(SMPPFrameDecoder)` and `MessageToByteHandler(SMPPFrameEncoder)`; see
/// `SMPPServer.configure(channel:…)`.
public final class SMPPServerHandler: ChannelDuplexHandler {
    public typealias InboundIn = SMPPFrame
    public typealias OutboundIn = PDU
    public typealias OutboundOut = PDU

    /// One deliver_sm or data_sm of the host, waiting or in flight.
    struct Delivery: Sendable {
        var body: PDU.Body
        var promise: EventLoopPromise<PDU>
    }

    /// Work for the host, done in order by one task per connection.
    enum HostEvent: Sendable {
        case bind(BindKind, BindRequest, sequence: UInt32)
        case submit(SubmitSM, sequence: UInt32)
        case data(DataSM, sequence: UInt32)
        case query(QuerySM, sequence: UInt32)
        case ended(SMPPSessionEndReason)
    }

    private let configuration: SMPPServerConfiguration
    private let delegate: any SMPPServerDelegate
    private let connectionID: UInt64
    private let registry: SMPPConnectionRegistry?
    private var logger: Logger

    private var machine = ServerSessionStateMachine()
    private var window: RequestWindow<Delivery>
    private var monitor: LinkMonitor?
    private var throttle: TokenBucket?
    private var pendingRequests = 0
    private var openedAt: NIODeadline?
    private var unbindSentAt: NIODeadline?
    private var endReason: SMPPSessionEndReason?
    private var readHeld = false
    private var closeWaiters: [EventLoopPromise<Void>] = []

    private var context: ChannelHandlerContext?
    private var timer: RepeatedTask?
    private var hostEvents: AsyncStream<HostEvent>.Continuation?
    private(set) var session: SMPPServerSession?

    init(
        configuration: SMPPServerConfiguration, delegate: any SMPPServerDelegate, connectionID: UInt64,
        registry: SMPPConnectionRegistry?
    ) {
        self.configuration = configuration
        self.delegate = delegate
        self.connectionID = connectionID
        self.registry = registry
        self.window = RequestWindow(
            capacity: configuration.windowSize, timeout: configuration.requestTimeout,
            maximumWaiting: configuration.maximumWaitingDeliveries)
        var logger = configuration.logger
        logger[metadataKey: "smpp.connection"] = "\(connectionID)"
        self.logger = logger
    }

    // MARK: channel events

    public func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        if context.channel.isActive { start(context: context) }
    }

    public func channelActive(context: ChannelHandlerContext) {
        start(context: context)
        context.fireChannelActive()
    }

    private func start(context: ChannelHandlerContext) {
        guard openedAt == nil else { return }
        let now = context.eventLoop.now
        openedAt = now
        monitor = LinkMonitor(
            enquireInterval: configuration.enquireLinkInterval, responseTimeout: configuration.deadPeerTimeout, now: now)
        let loopBound = NIOLoopBound(self, eventLoop: context.eventLoop)
        timer = context.eventLoop.scheduleRepeatedTask(
            initialDelay: configuration.tickInterval, delay: configuration.tickInterval
        ) { _ in
            loopBound.value.tick()
        }
        let (stream, continuation) = AsyncStream.makeStream(of: HostEvent.self)
        hostEvents = continuation
        let delegate = self.delegate
        let info = SMPPConnectionInfo(connectionID: connectionID, remoteAddress: context.channel.remoteAddress?.description)
        let eventLoop = context.eventLoop
        registry?.add(connectionID, handler: loopBound)
        let serve: @Sendable () async -> Void = {
            await serveServerHost(events: stream, delegate: delegate, info: info, handler: loopBound, eventLoop: eventLoop)
        }
        Task(operation: serve)
    }

    public func channelInactive(context: ChannelHandlerContext) {
        finish(reason: endReason ?? .connectionClosed)
        context.fireChannelInactive()
    }

    public func handlerRemoved(context: ChannelHandlerContext) {
        finish(reason: endReason ?? .connectionClosed)
        self.context = nil
    }

    private func finish(reason: SMPPSessionEndReason) {
        guard timer != nil || hostEvents != nil else { return }
        machine.connectionClosed()
        timer?.cancel()
        timer = nil
        for delivery in window.removeAll() {
            delivery.promise.fail(SMPPError(.connectionClosed, "the connection closed before deliver_sm_resp"))
        }
        hostEvents?.yield(.ended(reason))
        hostEvents?.finish()
        hostEvents = nil
        registry?.remove(connectionID)
        for waiter in closeWaiters { waiter.succeed() }
        closeWaiters = []
    }

    public func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let frame = unwrapInboundIn(data)
        registry?.received.add(1, ordering: .relaxed)
        monitor?.inboundActivity(now: context.eventLoop.now)
        switch frame {
        case .pdu(let pdu): handle(pdu, context: context)
        case .invalid(let error): handle(error, context: context)
        }
    }

    public func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable {
            send(window.resume(), context: context)
            if readHeld {
                readHeld = false
                context.read()
            }
        } else {
            window.pause()
        }
        context.fireChannelWritabilityChanged()
    }

    /// While the peer does not read our answers, stop reading its requests: the outbound buffer stays bounded.
    public func read(context: ChannelHandlerContext) {
        if context.channel.isWritable {
            context.read()
        } else {
            readHeld = true
        }
    }

    public func errorCaught(context: ChannelHandlerContext, error: any Error) {
        logger.debug("closing after error", metadata: ["error": "\(error)"])
        context.close(promise: nil)
    }

    // MARK: inbound PDUs

    private func handle(_ pdu: PDU, context: ChannelHandlerContext) {
        let sequence = pdu.sequenceNumber
        switch machine.received(pdu) {
        case .authenticate(let kind, let request):
            hostEvents?.yield(.bind(kind, request, sequence: sequence))
        case .forwardRequest:
            forwardToHost(pdu, context: context)
        case .forwardResponse:
            completeDelivery(pdu, context: context)
        case .answerEnquireLink:
            write(PDU(.enquireLinkResp, sequenceNumber: sequence), context: context)
        case .answerUnbindAndClose:
            endReason = .unboundByPeer
            write(PDU(.unbindResp, sequenceNumber: sequence), context: context)
            context.close(promise: nil)
        case .close:
            context.close(promise: nil)
        case .refuse(let status):
            write(.refusal(of: pdu.commandID, sequenceNumber: sequence, status: status), context: context)
        case .genericNack(let status):
            write(.genericNack(status, sequenceNumber: sequence), context: context)
        case .ignore:
            logger.debug("ignored \(pdu.commandID) seq \(sequence) in \(machine.state)")
        }
    }

    private func forwardToHost(_ pdu: PDU, context: ChannelHandlerContext) {
        let sequence = pdu.sequenceNumber
        if var bucket = throttle, pdu.commandID == .submitSM || pdu.commandID == .dataSM {
            let allowed = bucket.take(now: context.eventLoop.now)
            throttle = bucket
            if !allowed {
                write(.refusal(of: pdu.commandID, sequenceNumber: sequence, status: .throttled), context: context)
                return
            }
        }
        guard pendingRequests < configuration.maximumPendingRequests, let hostEvents else {
            write(.refusal(of: pdu.commandID, sequenceNumber: sequence, status: .messageQueueFull), context: context)
            return
        }
        pendingRequests += 1
        switch pdu.body {
        case .submitSM(let message): hostEvents.yield(.submit(message, sequence: sequence))
        case .dataSM(let message): hostEvents.yield(.data(message, sequence: sequence))
        case .querySM(let query): hostEvents.yield(.query(query, sequence: sequence))
        default:
            pendingRequests -= 1
            write(.refusal(of: pdu.commandID, sequenceNumber: sequence, status: .invalidCommandID), context: context)
        }
    }

    private func completeDelivery(_ pdu: PDU, context: ChannelHandlerContext) {
        guard pdu.commandID != .enquireLinkResp else { return }
        let (delivery, release) = window.complete(sequenceNumber: pdu.sequenceNumber)
        guard let delivery else {
            logger.debug("\(pdu.commandID) for unknown seq \(pdu.sequenceNumber)")
            return
        }
        delivery.promise.succeed(pdu)
        send(release, context: context)
    }

    private func handle(_ error: PDUDecodeError, context: ChannelHandlerContext) {
        logger.debug("undecodable PDU", metadata: ["error": "\(error)"])
        if error.header.commandID.isResponse, error.header.commandID != .genericNack {
            let (delivery, release) = window.complete(sequenceNumber: error.header.sequenceNumber)
            delivery?.promise.fail(SMPPError(.malformedResponse, status: error.status, "\(error)"))
            send(release, context: context)
        }
        if let reply = error.reply { write(reply, context: context) }
        if error.framingLost {
            endReason = .framingLost
            context.close(promise: nil)
        }
    }

    // MARK: host answers (on the event loop)

    /// The host decided a bind. Returns the new session when it was accepted.
    func finishBind(_ kind: BindKind, _ request: BindRequest, decision: BindDecision, sequence: UInt32) -> SMPPServerSession? {
        guard let context, context.channel.isActive else { return nil }
        switch decision {
        case .accept(let rate, let windowSize):
            machine.bindSucceeded()
            guard machine.bindKind == kind else { return nil }
            if let rate = rate ?? configuration.throttle {
                throttle = TokenBucket(ratePerSecond: rate.perSecond, burst: rate.burst, now: context.eventLoop.now)
            }
            if let windowSize, windowSize > 0 { send(window.resize(capacity: windowSize), context: context) }
            var response = BindResponse(systemID: configuration.systemID)
            response.options.scInterfaceVersion = 0x34
            write(PDU(.bindResp(kind, response), sequenceNumber: sequence), context: context)
            let session = SMPPServerSession(
                id: connectionID, systemID: request.systemID, bindKind: kind,
                remoteAddress: context.channel.remoteAddress?.description,
                handler: NIOLoopBound(self, eventLoop: context.eventLoop))
            self.session = session
            logger.debug("bound", metadata: ["system_id": "\(request.systemID)", "kind": "\(kind)"])
            return session
        case .reject(let status):
            machine.bindFailed()
            let refusal = status == .ok ? CommandStatus.bindFailed : status
            write(PDU(.bindResp(kind, BindResponse()), sequenceNumber: sequence, status: refusal), context: context)
            return nil
        }
    }

    /// The host answered a submit_sm, data_sm or query_sm.
    func finishRequest(_ response: PDU) {
        pendingRequests -= 1
        guard let context, context.channel.isActive else { return }
        var response = response
        if (try? response.encoded()) == nil {
            logger.error("the host's answer does not encode; sending ESME_RSYSERR", metadata: ["pdu": "\(response)"])
            response = .refusal(
                of: CommandID(rawValue: response.commandID.rawValue & 0x7FFF_FFFF), sequenceNumber: response.sequenceNumber, status: .systemError)
        }
        write(response, context: context)
    }

    var deliveryQueue: (inFlight: Int, waiting: Int) { (window.inFlightCount, window.waitingCount) }

    /// Queue a deliver_sm or data_sm of the host.
    func enqueueDelivery(_ body: PDU.Body, promise: EventLoopPromise<PDU>) {
        guard let context, context.channel.isActive, machine.canDeliver else {
            let reason = machine.bindKind.map { $0.canReceive ? "the session is unbinding" : "a \($0) bind cannot receive" }
            promise.fail(
                SMPPError(
                    machine.bindKind?.canReceive == false ? .wrongBindKind : .invalidState, reason ?? "the session is not bound"))
            return
        }
        switch window.enqueue(Delivery(body: body, promise: promise), now: context.eventLoop.now) {
        case .send(let sequence):
            write(PDU(body, sequenceNumber: sequence), context: context)
        case .queued:
            break
        case .rejected:
            promise.fail(SMPPError(.queueFull, "\(window.waitingCount) deliveries already wait for the window"))
        }
    }

    /// Unbind gracefully: send unbind, close when unbind_resp comes or `unbindTimeout` passes. `closed` completes when
    /// the connection is closed.
    func beginUnbind(closed: EventLoopPromise<Void>?) {
        guard let context, context.channel.isActive else {
            closed?.succeed()
            return
        }
        if let closed { closeWaiters.append(closed) }
        endReason = endReason ?? .unboundByServer
        if machine.unbindRequested() {
            unbindSentAt = context.eventLoop.now
            write(PDU(.unbind, sequenceNumber: window.nextSequenceNumber()), context: context)
        } else if case .closed = machine.state {
            context.close(promise: nil)
        }
    }

    func close(closed: EventLoopPromise<Void>?) {
        guard let context, context.channel.isActive else {
            closed?.succeed()
            return
        }
        if let closed { closeWaiters.append(closed) }
        context.close(promise: nil)
    }

    // MARK: timers

    private func tick() {
        guard let context else { return }
        let now = context.eventLoop.now
        let (expired, release) = window.expire(now: now)
        for delivery in expired { delivery.promise.fail(SMPPError(.timeout, "no deliver_sm_resp in time")) }
        send(release, context: context)
        switch machine.state {
        case .open, .binding:
            if let openedAt, now - openedAt >= configuration.bindTimeout {
                logger.debug("no bind in time; closing")
                endReason = .bindTimeout
                context.close(promise: nil)
                return
            }
        case .unbinding:
            if let unbindSentAt, now - unbindSentAt >= configuration.unbindTimeout {
                context.close(promise: nil)
                return
            }
        default: break
        }
        switch monitor?.tick(now: now) {
        case .sendEnquireLink:
            write(PDU(.enquireLink, sequenceNumber: window.nextSequenceNumber()), context: context)
        case .peerDead:
            logger.debug("peer did not answer enquire_link; closing")
            endReason = .peerDead
            context.close(promise: nil)
        default: break
        }
    }

    // MARK: writing

    private func send(_ deliveries: [(UInt32, Delivery)], context: ChannelHandlerContext) {
        guard !deliveries.isEmpty else { return }
        for (sequence, delivery) in deliveries {
            context.write(wrapOutboundOut(PDU(delivery.body, sequenceNumber: sequence)), promise: nil)
        }
        context.flush()
    }

    private func write(_ pdu: PDU, context: ChannelHandlerContext) {
        context.writeAndFlush(wrapOutboundOut(pdu), promise: nil)
    }

    // MARK: the host task

    /// A request that reached the host task before a session exists (cannot happen with a well-ordered bind, but the
    /// answer must still go out so the ESME's window frees).
    private static func refuseUnbound(_ event: HostEvent, handler: NIOLoopBound<SMPPServerHandler>, eventLoop: any EventLoop) {
        let response: PDU
        switch event {
        case .submit(_, let sequence): response = .refusal(of: .submitSM, sequenceNumber: sequence, status: .incorrectBindStatus)
        case .data(_, let sequence): response = .refusal(of: .dataSM, sequenceNumber: sequence, status: .incorrectBindStatus)
        case .query(_, let sequence): response = .refusal(of: .querySM, sequenceNumber: sequence, status: .incorrectBindStatus)
        default: return
        }
        eventLoop.execute { handler.value.finishRequest(response) }
    }

    fileprivate static func serveHost(
        events: AsyncStream<HostEvent>, delegate: any SMPPServerDelegate, info: SMPPConnectionInfo,
        handler: NIOLoopBound<SMPPServerHandler>, eventLoop: any EventLoop
    ) async {
        var session: SMPPServerSession?
        for await event in events {
            switch event {
            case .bind(let kind, let request, let sequence):
                let decision = await delegate.authenticate(request, kind: kind, connection: info)
                let bound = try? await eventLoop.submit {
                    handler.value.finishBind(kind, request, decision: decision, sequence: sequence)
                }.get()
                if let bound {
                    session = bound
                    await delegate.sessionBound(bound)
                }
            case .submit(let message, let sequence):
                guard let session else {
                    Self.refuseUnbound(event, handler: handler, eventLoop: eventLoop)
                    continue
                }
                let decision = await delegate.submit(message, session: session)
                let response: PDU
                switch decision {
                case .accepted(let id): response = PDU(.submitSMResp(SubmitSMResponse(messageID: id)), sequenceNumber: sequence)
                case .rejected(let status): response = .refusal(of: .submitSM, sequenceNumber: sequence, status: status)
                }
                // The event loop runs tasks in order, so whatever the host delivers from `submitAnswered` is queued
                // behind this response and follows it on the wire.
                eventLoop.execute { handler.value.finishRequest(response) }
                await delegate.submitAnswered(message, decision: decision, session: session)
            case .data(let message, let sequence):
                guard let session else {
                    Self.refuseUnbound(event, handler: handler, eventLoop: eventLoop)
                    continue
                }
                let decision = await delegate.dataSM(message, session: session)
                let response: PDU
                switch decision {
                case .accepted(let id): response = PDU(.dataSMResp(SubmitSMResponse(messageID: id)), sequenceNumber: sequence)
                case .rejected(let status): response = .refusal(of: .dataSM, sequenceNumber: sequence, status: status)
                }
                eventLoop.execute { handler.value.finishRequest(response) }
            case .query(let query, let sequence):
                guard let session else {
                    Self.refuseUnbound(event, handler: handler, eventLoop: eventLoop)
                    continue
                }
                let decision = await delegate.query(query, session: session)
                let response: PDU
                switch decision {
                case .found(let found): response = PDU(.querySMResp(found), sequenceNumber: sequence)
                case .rejected(let status): response = .refusal(of: .querySM, sequenceNumber: sequence, status: status)
                }
                eventLoop.execute { handler.value.finishRequest(response) }
            case .ended(let reason):
                if let session { await delegate.sessionEnded(session, reason: reason) }
                await delegate.connectionClosed(info)
            }
        }
    }
}

/// Runs a connection's host calls in order (a free function: the isolation checker rejects the same code as a static
/// method of the non-Sendable handler class).
private func serveServerHost(
    events: AsyncStream<SMPPServerHandler.HostEvent>, delegate: any SMPPServerDelegate, info: SMPPConnectionInfo,
    handler: NIOLoopBound<SMPPServerHandler>, eventLoop: any EventLoop
) async {
    await SMPPServerHandler.serveHost(events: events, delegate: delegate, info: info, handler: handler, eventLoop: eventLoop)
}
