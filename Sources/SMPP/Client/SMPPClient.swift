import NIOCore
import NIOPosix

/// An async SMPP 3.4 client (the ESME role): connect, bind, submit through the window, answer the SMSC's deliver_sm
/// from `inbound`, unbind. Reconnecting is the host's job: after the connection closes every call fails with
/// `.connectionClosed` and `inbound` ends.
public final class SMPPClient: Sendable {
    private let channel: any Channel
    private let handler: NIOLoopBound<SMPPClientHandler>
    /// The SMSC's deliver_sm and data_sm, each to be answered with `respond`. Ends when the connection closes.
    public let inbound: AsyncStream<SMPPInboundMessage>

    private init(channel: any Channel, handler: NIOLoopBound<SMPPClientHandler>, inbound: AsyncStream<SMPPInboundMessage>) {
        self.channel = channel
        self.handler = handler
        self.inbound = inbound
    }

    /// Opens a TCP connection to an SMSC.
    public static func connect(
        host: String, port: Int, configuration: SMPPClientConfiguration = SMPPClientConfiguration(),
        group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    ) async throws(SMPPError) -> SMPPClient {
        let (stream, continuation) = AsyncStream.makeStream(of: SMPPInboundMessage.self)
        do {
            let channel = try await ClientBootstrap(group: group)
                .connectTimeout(configuration.connectTimeout)
                .channelOption(.socketOption(.tcp_nodelay), value: 1)
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHandlers([
                            ByteToMessageHandler(SMPPFrameDecoder(maximumPDUSize: configuration.maximumPDUSize)),
                            MessageToByteHandler(SMPPFrameEncoder()),
                            SMPPClientHandler(configuration: configuration, inbound: continuation),
                        ])
                    }
                }
                .connect(host: host, port: port)
                .get()
            do {
                return try await make(channel: channel, inbound: stream)
            } catch {
                // Connected, but the handlers are gone already: the peer closed the connection as it opened (a server
                // over its connection cap does).
                continuation.finish()
                throw SMPPError(.connectionClosed, "\(host):\(port) closed the connection as it opened")
            }
        } catch let error as SMPPError {
            throw error
        } catch {
            continuation.finish()
            throw SMPPError(.connectFailed, "cannot connect to \(host):\(port): \(error)")
        }
    }

    /// A client over a channel whose pipeline already has the SMPP handlers (see `configure(_:configuration:)`).
    static func make(channel: any Channel, inbound: AsyncStream<SMPPInboundMessage>) async throws -> SMPPClient {
        let handler = try await channel.eventLoop.submit {
            NIOLoopBound(try channel.pipeline.syncOperations.handler(type: SMPPClientHandler.self), eventLoop: channel.eventLoop)
        }.get()
        return SMPPClient(channel: channel, handler: handler, inbound: inbound)
    }

    /// Binds; returns the SMSC's bind response. Throws `.rejected` with ESME_RINVPASWD, ESME_RINVSYSID, … (the client
    /// stays connected and may bind again), `.invalidState` when already bound or binding, `.connectionClosed` when the
    /// connection is gone (the SMSC closed it, e.g. over its connection cap).
    @discardableResult
    public func bind(
        _ kind: BindKind, systemID: String, password: String, systemType: String = "", addressRange: Address = Address()
    ) async throws(SMPPError) -> BindResponse {
        let request = BindRequest(systemID: systemID, password: password, systemType: systemType, addressRange: addressRange)
        try Self.validate(.bind(kind, request))
        let response = try await call { handler, promise in handler.bind(kind, request, promise: promise) }
        guard response.status == .ok else { throw .rejected(response.status, "bind_\(kind)") }
        if case .bindResp(_, let body) = response.body { return body }
        return BindResponse()
    }

    /// Submits a message through the window; returns the SMSC's submit_sm_resp (its message id). Waits while the window
    /// is full. Throws `.rejected` with the SMSC's status (ESME_RTHROTTLED, ESME_RINVDSTADR…), `.timeout`, `.queueFull`,
    /// `.invalidState` before a bind, `.wrongBindKind` on a receiver bind, `.invalidMessage`.
    @discardableResult
    public func submit(_ message: SubmitSM) async throws(SMPPError) -> SubmitSMResponse {
        try Self.validate(.submitSM(message))
        let response = try await call { handler, promise in handler.submit(.submitSM(message), promise: promise) }
        guard response.status == .ok else { throw .rejected(response.status, "submit_sm") }
        if case .submitSMResp(let body) = response.body { return body }
        return SubmitSMResponse()
    }

    /// Sends a data_sm through the window; returns the data_sm_resp.
    @discardableResult
    public func dataSM(_ message: DataSM) async throws(SMPPError) -> SubmitSMResponse {
        try Self.validate(.dataSM(message))
        let response = try await call { handler, promise in handler.submit(.dataSM(message), promise: promise) }
        guard response.status == .ok else { throw .rejected(response.status, "data_sm") }
        if case .dataSMResp(let body) = response.body { return body }
        return SubmitSMResponse()
    }

    /// Sends enquire_link and waits for enquire_link_resp.
    public func enquireLink() async throws(SMPPError) {
        let response = try await call { handler, promise in handler.enquireLink(promise: promise) }
        guard response.status == .ok else { throw .rejected(response.status, "enquire_link") }
    }

    /// Unbinds and closes the connection once unbind_resp arrives (or the request times out).
    public func unbind() async throws(SMPPError) {
        let response = try await call { handler, promise in handler.unbind(promise: promise) }
        try? await channel.closeFuture.get()
        guard response.status == .ok else { throw .rejected(response.status, "unbind") }
    }

    /// Closes the connection at once; pending requests fail with `.connectionClosed`.
    public func close() async {
        let handler = self.handler
        handler.eventLoop.execute { handler.value.close() }
        try? await channel.closeFuture.get()
    }

    /// Completes when the connection has closed.
    public func waitUntilClosed() async {
        try? await channel.closeFuture.get()
    }

    private static func validate(_ body: PDU.Body) throws(SMPPError) {
        do {
            _ = try PDU(body, sequenceNumber: 1).encoded()
        } catch {
            throw SMPPError(.invalidMessage, "\(error)")
        }
    }

    private func call(
        _ body: @escaping @Sendable (SMPPClientHandler, EventLoopPromise<PDU>) -> Void
    ) async throws(SMPPError) -> PDU {
        let handler = self.handler
        let promise = handler.eventLoop.makePromise(of: PDU.self)
        handler.eventLoop.execute { body(handler.value, promise) }
        do {
            return try await promise.futureResult.get()
        } catch let error as SMPPError {
            throw error
        } catch {
            throw SMPPError(.connectionClosed, "\(error)")
        }
    }
}
