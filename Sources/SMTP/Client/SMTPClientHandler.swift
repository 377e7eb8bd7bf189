import NIOCore
import NIOSSL
import NIOTLS

/// The channel end of a connection: frames the server's bytes into replies, hands each to the command waiting for
/// it, runs the timers, and inserts TLS after STARTTLS. It lives on the channel's event loop; ``SMTPConnection``
/// drives it through `NIOLoopBound`.
///
/// One command is outstanding at a time (no PIPELINING). A failure (connection closed, timeout, TLS error, a
/// malformed reply) is sticky: the waiting command and every later one get it, and the channel is closed, since
/// after a timeout a late reply could not be told apart from the next command's.
final class SMTPClientHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private struct Waiter {
        let promise: EventLoopPromise<SMTPReply>
        let stage: SMTPStage
        let timer: Scheduled<Void>?
    }

    private enum TLSState {
        case none
        /// The promise is nil for implicit TLS: nobody waits for the handshake, the greeting follows it.
        case handshaking(EventLoopPromise<Void>?, Scheduled<Void>?)
        case established
    }

    private var parser: SMTPReplyParser
    private var buffer = ByteBuffer()
    private var waiter: Waiter?
    /// Replies that arrived with no command waiting (the greeting, or an unsolicited 421).
    private var unclaimed = CircularBuffer<SMTPReply>()
    private var failure: SMTPError?
    private var context: ChannelHandlerContext?
    private var removed = false
    private let timeouts: SMTPTimeouts
    private let implicitTLS: Bool
    private var greetingTimer: Scheduled<Void>?
    private var timersArmed = false
    private var greetingReceived = false
    private var tls = TLSState.none

    init(limits: SMTPLimits, timeouts: SMTPTimeouts, implicitTLS: Bool) {
        self.parser = SMTPReplyParser(maxLineLength: limits.maximumReplyLineLength, maxLines: limits.maximumReplyLines)
        self.timeouts = timeouts
        self.implicitTLS = implicitTLS
    }

    /// Whether TLS has been established on this connection.
    var isEncrypted: Bool {
        if case .established = tls { return true }
        return false
    }

    // MARK: Channel events

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        if context.channel.isActive { armConnectionTimers(context: context) }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        fail(SMTPError(.connectionLost, "the SMTP handler was removed"))
        removed = true
    }

    func channelActive(context: ChannelHandlerContext) {
        armConnectionTimers(context: context)
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        fail(SMTPError(.connectionLost, "the server closed the connection"))
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var incoming = unwrapInboundIn(data)
        guard failure == nil else { return }
        buffer.writeBuffer(&incoming)
        while failure == nil {
            let reply: SMTPReply?
            do {
                reply = try parser.next(from: &buffer)
            } catch {
                fail(error)
                return
            }
            guard let reply else { break }
            deliver(reply)
        }
        buffer.discardReadBytes()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let event = event as? TLSUserEvent, case .handshakeCompleted = event,
            case .handshaking(let promise, let timer) = tls
        {
            timer?.cancel()
            tls = .established
            if let promise {
                promise.succeed()
            } else {
                armGreetingTimer(context: context)
            }
        }
        context.fireUserInboundEventTriggered(event)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if case .handshaking = tls {
            fail(SMTPError(.tlsHandshakeFailed, "TLS handshake failed: \(error)", stage: .tlsHandshake))
        } else if let error = error as? SMTPError {
            fail(error)
        } else {
            fail(SMTPError(.connectionLost, "connection error: \(error)"))
        }
    }

    // MARK: Operations (on the event loop)

    /// Sends `command` (when given) and returns the next reply, failing with a timeout after `timeout`.
    /// Without a command it returns the next reply that arrives (the greeting, whose timer runs from connection).
    func request(_ command: ByteBuffer?, stage: SMTPStage, timeout: TimeAmount?) -> EventLoopFuture<SMTPReply> {
        // A connection gets this handler only once it is in a pipeline, so handlerAdded has run.
        guard let context else { preconditionFailure("SMTPClientHandler used before it was added to a pipeline") }
        let loop = context.eventLoop
        guard waiter == nil else {
            return loop.makeFailedFuture(SMTPError(.misuse, "a command is already waiting for its reply", stage: stage))
        }
        if let reply = unclaimed.popFirst() {
            guard command != nil else { return loop.makeSucceededFuture(reply) }
            // A reply before the command was sent: only 421 ("closing") may come unasked (RFC 5321 §3.8).
            let error =
                reply.code == 421
                ? SMTPError(.transientReply, "the server is closing the connection", stage: stage, reply: reply)
                : SMTPError(.protocolViolation, "the server sent a reply nobody asked for", stage: stage, reply: reply)
            fail(error)
            return loop.makeFailedFuture(error)
        }
        if let failure {
            return loop.makeFailedFuture(failure.at(stage))
        }
        let promise = loop.makePromise(of: SMTPReply.self)
        let timer = timeout.map { timeout in
            loop.assumeIsolated().scheduleTask(in: timeout) {
                self.fail(SMTPError(.timeout, "no reply within \(Self.describe(timeout))", stage: stage))
            }
        }
        waiter = Waiter(promise: promise, stage: stage, timer: timer)
        if let command {
            let written = loop.makePromise(of: Void.self)
            written.futureResult.assumeIsolated().whenFailure { error in
                self.fail(SMTPError(.connectionLost, "could not send: \(error)", stage: stage))
            }
            context.writeAndFlush(wrapOutboundOut(command), promise: written)
        }
        return promise.futureResult
    }

    /// Puts TLS in front of this handler after the server's 220 to STARTTLS, and completes when the handshake does.
    func startTLS(context sslContext: NIOSSLContext, serverHostname: String?) -> EventLoopFuture<Void> {
        guard let context else { preconditionFailure("SMTPClientHandler used before it was added to a pipeline") }
        if let failure { return context.eventLoop.makeFailedFuture(failure.at(.tlsHandshake)) }
        // Bytes already received after the 220 were sent in plaintext before the handshake: whoever sent them
        // (a man in the middle, typically) must not have them read as if they came over TLS (CVE-2011-0411 class).
        guard buffer.readableBytes == 0, !parser.isInsideReply, unclaimed.isEmpty else {
            let error = SMTPError(.protocolViolation, "the server sent data after its STARTTLS reply", stage: .startTLS)
            fail(error)
            return context.eventLoop.makeFailedFuture(error)
        }
        let promise = context.eventLoop.makePromise(of: Void.self)
        let timeout = timeouts.tlsHandshake
        let timer = context.eventLoop.assumeIsolated().scheduleTask(in: timeout) {
            self.fail(SMTPError(.timeout, "TLS handshake not done within \(Self.describe(timeout))", stage: .tlsHandshake))
        }
        tls = .handshaking(promise, timer)
        do {
            let tlsHandler = try NIOSSLClientHandler(context: sslContext, serverHostname: serverHostname)
            try context.pipeline.syncOperations.addHandler(tlsHandler, position: .first)
        } catch {
            fail(SMTPError(.tlsHandshakeFailed, "could not start TLS: \(error)", stage: .tlsHandshake))
        }
        return promise.futureResult
    }

    // MARK: Internals

    private func armConnectionTimers(context: ChannelHandlerContext) {
        guard !timersArmed else { return }
        timersArmed = true
        if implicitTLS {
            let timeout = timeouts.tlsHandshake
            let timer = context.eventLoop.assumeIsolated().scheduleTask(in: timeout) {
                self.fail(SMTPError(.timeout, "TLS handshake not done within \(Self.describe(timeout))", stage: .tlsHandshake))
            }
            tls = .handshaking(nil, timer)
        } else {
            armGreetingTimer(context: context)
        }
    }

    private func armGreetingTimer(context: ChannelHandlerContext) {
        let timeout = timeouts.greeting
        greetingTimer = context.eventLoop.assumeIsolated().scheduleTask(in: timeout) {
            guard !self.greetingReceived else { return }
            self.fail(SMTPError(.timeout, "no greeting within \(Self.describe(timeout))", stage: .greeting))
        }
    }

    private func deliver(_ reply: SMTPReply) {
        if !greetingReceived {
            greetingReceived = true
            greetingTimer?.cancel()
        }
        if let waiter {
            self.waiter = nil
            waiter.timer?.cancel()
            waiter.promise.succeed(reply)
        } else {
            unclaimed.append(reply)
            if unclaimed.count > 4 {
                fail(SMTPError(.protocolViolation, "the server keeps sending replies nobody asked for", reply: reply))
            }
        }
    }

    /// Records the first failure, fails whoever waits, and closes the channel.
    private func fail(_ error: SMTPError) {
        guard failure == nil else { return }
        failure = error
        greetingTimer?.cancel()
        if let waiter {
            self.waiter = nil
            waiter.timer?.cancel()
            waiter.promise.fail(error.at(waiter.stage))
        }
        if case .handshaking(let promise, let timer) = tls {
            timer?.cancel()
            tls = .none
            promise?.fail(error.at(.tlsHandshake))
        }
        if !removed { context?.close(promise: nil) }
    }

    private static func describe(_ amount: TimeAmount) -> String {
        let milliseconds = amount.nanoseconds / 1_000_000
        return milliseconds % 1000 == 0 ? "\(milliseconds / 1000) s" : "\(milliseconds) ms"
    }
}
