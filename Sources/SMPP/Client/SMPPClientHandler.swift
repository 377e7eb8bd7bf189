import Logging
import NIOCore

/// The ESME side of one connection: the client state machine, the request window, the link monitor, and the inbound
/// deliver_sm stream. `SMPPClient` drives it from async code.
public final class SMPPClientHandler: ChannelDuplexHandler {
    public typealias InboundIn = SMPPFrame
    public typealias OutboundIn = PDU
    public typealias OutboundOut = PDU

    struct Request: Sendable {
        var body: PDU.Body
        var promise: EventLoopPromise<PDU>
    }

    private enum Control {
        case bind
        case unbind
        case enquireLink
    }

    private struct ControlRequest {
        var kind: Control
        var promise: EventLoopPromise<PDU>
        var deadline: NIODeadline
    }

    private let configuration: SMPPClientConfiguration
    private let logger: Logger
    private var machine = ClientSessionStateMachine()
    private var window: RequestWindow<Request>
    private var control: [UInt32: ControlRequest] = [:]
    private var monitor: LinkMonitor?
    private var pendingInbound: Set<UInt32> = []
    private var inbound: AsyncStream<SMPPInboundMessage>.Continuation
    private var context: ChannelHandlerContext?
    private var timer: RepeatedTask?
    private var closeReason: SMPPError?
    private var readHeld = false

    init(configuration: SMPPClientConfiguration, inbound: AsyncStream<SMPPInboundMessage>.Continuation) {
        self.configuration = configuration
        self.logger = configuration.logger
        self.inbound = inbound
        self.window = RequestWindow(
            capacity: configuration.windowSize, timeout: configuration.requestTimeout,
            maximumWaiting: configuration.maximumWaitingRequests)
    }

    var state: ClientSessionStateMachine.State { machine.state }

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
        guard monitor == nil else { return }
        monitor = LinkMonitor(
            enquireInterval: configuration.enquireLinkInterval, responseTimeout: configuration.deadPeerTimeout,
            now: context.eventLoop.now)
        let loopBound = NIOLoopBound(self, eventLoop: context.eventLoop)
        timer = context.eventLoop.scheduleRepeatedTask(
            initialDelay: configuration.tickInterval, delay: configuration.tickInterval
        ) { _ in
            loopBound.value.tick()
        }
    }

    public func channelInactive(context: ChannelHandlerContext) {
        finish()
        context.fireChannelInactive()
    }

    public func handlerRemoved(context: ChannelHandlerContext) {
        finish()
        self.context = nil
    }

    private func finish() {
        machine.connectionClosed()
        timer?.cancel()
        timer = nil
        let error = closeReason ?? SMPPError(.connectionClosed, "the connection closed before the response")
        for request in window.removeAll() { request.promise.fail(error) }
        for request in control.values { request.promise.fail(error) }
        control = [:]
        inbound.finish()
    }

    public func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        monitor?.inboundActivity(now: context.eventLoop.now)
        switch unwrapInboundIn(data) {
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

    public func read(context: ChannelHandlerContext) {
        if context.channel.isWritable { context.read() } else { readHeld = true }
    }

    public func errorCaught(context: ChannelHandlerContext, error: any Error) {
        logger.debug("closing after error", metadata: ["error": "\(error)"])
        context.close(promise: nil)
    }

    // MARK: inbound

    private func handle(_ pdu: PDU, context: ChannelHandlerContext) {
        let sequence = pdu.sequenceNumber
        switch machine.received(pdu) {
        case .forwardRequest:
            guard pendingInbound.count < configuration.maximumPendingInbound else {
                write(.refusal(of: pdu.commandID, sequenceNumber: sequence, status: .receiverTemporaryAppError), context: context)
                return
            }
            let body: SMPPInboundMessage.Body
            switch pdu.body {
            case .deliverSM(let message): body = .deliverSM(message)
            case .dataSM(let message): body = .dataSM(message)
            default: return
            }
            pendingInbound.insert(sequence)
            inbound.yield(
                SMPPInboundMessage(body: body, sequenceNumber: sequence, handler: NIOLoopBound(self, eventLoop: context.eventLoop)))
        case .forwardResponse:
            complete(sequence, with: .success(pdu), context: context)
        case .answerEnquireLink:
            write(PDU(.enquireLinkResp, sequenceNumber: sequence), context: context)
        case .answerUnbindAndClose:
            closeReason = SMPPError(.connectionClosed, "the SMSC unbound")
            write(PDU(.unbindResp, sequenceNumber: sequence), context: context)
            context.close(promise: nil)
        case .refuse(let status):
            write(.refusal(of: pdu.commandID, sequenceNumber: sequence, status: status), context: context)
        case .genericNack(let status):
            write(.genericNack(status, sequenceNumber: sequence), context: context)
        case .ignore:
            break
        }
    }

    private func handle(_ error: PDUDecodeError, context: ChannelHandlerContext) {
        logger.debug("undecodable PDU", metadata: ["error": "\(error)"])
        if error.header.commandID.isResponse, error.header.commandID != .genericNack {
            complete(
                error.header.sequenceNumber,
                with: .failure(SMPPError(.malformedResponse, status: error.status, "\(error)")), context: context)
        }
        if let reply = error.reply { write(reply, context: context) }
        if error.framingLost {
            closeReason = SMPPError(.malformedResponse, status: error.status, "framing lost: \(error)")
            context.close(promise: nil)
        }
    }

    private func complete(_ sequence: UInt32, with result: Result<PDU, SMPPError>, context: ChannelHandlerContext) {
        if let request = control.removeValue(forKey: sequence) {
            switch request.kind {
            case .bind:
                machine.bindResponded((try? result.get())?.status ?? .systemError)
            case .unbind:
                machine.unbindResponded()
                context.close(promise: nil)
            case .enquireLink:
                break
            }
            request.promise.completeWith(result.mapError { $0 as any Error })
            return
        }
        let (request, release) = window.complete(sequenceNumber: sequence)
        request?.promise.completeWith(result.mapError { $0 as any Error })
        send(release, context: context)
    }

    // MARK: requests from SMPPClient (on the event loop)

    func bind(_ kind: BindKind, _ request: BindRequest, promise: EventLoopPromise<PDU>) {
        guard let context else { return promise.fail(SMPPError(.connectionClosed, "not connected")) }
        do {
            try machine.bindRequested(kind)
        } catch {
            // A connection the peer already closed (a server over its cap closes as it accepts) is that, not a
            // bind in the wrong state: the caller may reconnect.
            let code: SMPPError.Code = error == .closed ? .connectionClosed : .invalidState
            return promise.fail(SMPPError(code, "cannot bind in state \(machine.state)"))
        }
        sendControl(.bind, PDU.Body.bind(kind, request), promise: promise, context: context)
    }

    func unbind(promise: EventLoopPromise<PDU>) {
        guard let context else { return promise.fail(SMPPError(.connectionClosed, "not connected")) }
        do {
            try machine.unbindRequested()
        } catch {
            return promise.fail(SMPPError(.invalidState, "cannot unbind in state \(machine.state)"))
        }
        sendControl(.unbind, .unbind, promise: promise, context: context)
    }

    func enquireLink(promise: EventLoopPromise<PDU>) {
        guard let context else { return promise.fail(SMPPError(.connectionClosed, "not connected")) }
        if case .closed = machine.state { return promise.fail(SMPPError(.connectionClosed, "closed")) }
        sendControl(.enquireLink, .enquireLink, promise: promise, context: context)
    }

    private func sendControl(_ kind: Control, _ body: PDU.Body, promise: EventLoopPromise<PDU>, context: ChannelHandlerContext) {
        let sequence = window.nextSequenceNumber()
        control[sequence] = ControlRequest(
            kind: kind, promise: promise, deadline: context.eventLoop.now + configuration.requestTimeout)
        write(PDU(body, sequenceNumber: sequence), context: context)
    }

    func submit(_ body: PDU.Body, promise: EventLoopPromise<PDU>) {
        guard let context else { return promise.fail(SMPPError(.connectionClosed, "not connected")) }
        let id = PDU(body, sequenceNumber: 1).commandID
        do {
            try machine.check(id)
        } catch {
            let code: SMPPError.Code = error == .wrongBindKind ? .wrongBindKind : error == .closed ? .connectionClosed : .invalidState
            return promise.fail(SMPPError(code, "cannot send \(id) in state \(machine.state)"))
        }
        switch window.enqueue(Request(body: body, promise: promise), now: context.eventLoop.now) {
        case .send(let sequence): write(PDU(body, sequenceNumber: sequence), context: context)
        case .queued: break
        case .rejected: promise.fail(SMPPError(.queueFull, "\(window.waitingCount) requests already wait for the window"))
        }
    }

    func respond(to id: CommandID, sequenceNumber: UInt32, status: CommandStatus, messageID: String) {
        guard pendingInbound.remove(sequenceNumber) != nil, let context, context.channel.isActive else { return }
        let body: PDU.Body =
            id == .dataSM
            ? .dataSMResp(SubmitSMResponse(messageID: messageID)) : .deliverSMResp(SubmitSMResponse(messageID: messageID))
        var response = PDU(body, sequenceNumber: sequenceNumber, status: status)
        if (try? response.encoded()) == nil {
            response = .refusal(of: id, sequenceNumber: sequenceNumber, status: .systemError)
        }
        write(response, context: context)
    }

    func close() {
        context?.close(promise: nil)
    }

    // MARK: timers and writing

    private func tick() {
        guard let context else { return }
        let now = context.eventLoop.now
        let (expired, release) = window.expire(now: now)
        for request in expired { request.promise.fail(SMPPError(.timeout, "no response in time")) }
        send(release, context: context)
        for (sequence, request) in control where request.deadline <= now {
            control[sequence] = nil
            if request.kind == .bind { machine.bindResponded(.systemError) }
            request.promise.fail(SMPPError(.timeout, "no response in time"))
            if request.kind == .unbind { context.close(promise: nil) }
        }
        switch monitor?.tick(now: now) {
        case .sendEnquireLink:
            write(PDU(.enquireLink, sequenceNumber: window.nextSequenceNumber()), context: context)
        case .peerDead:
            closeReason = SMPPError(.peerDead, "the SMSC did not answer enquire_link")
            context.close(promise: nil)
        default: break
        }
    }

    private func send(_ requests: [(UInt32, Request)], context: ChannelHandlerContext) {
        guard !requests.isEmpty else { return }
        for (sequence, request) in requests {
            context.write(wrapOutboundOut(PDU(request.body, sequenceNumber: sequence)), promise: nil)
        }
        context.flush()
    }

    private func write(_ pdu: PDU, context: ChannelHandlerContext) {
        context.writeAndFlush(wrapOutboundOut(pdu), promise: nil)
    }
}
