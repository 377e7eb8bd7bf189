import NIOCore

/// A bound ESME session, as the host sees it: who it is, and how to push messages to it.
public final class SMPPServerSession: Sendable, Hashable, CustomStringConvertible {
    /// Unique per server process (the connection's id).
    public let id: UInt64
    public let systemID: String
    public let bindKind: BindKind
    public let remoteAddress: String?
    private let handler: NIOLoopBound<SMPPServerHandler>

    init(id: UInt64, systemID: String, bindKind: BindKind, remoteAddress: String?, handler: NIOLoopBound<SMPPServerHandler>) {
        self.id = id
        self.systemID = systemID
        self.bindKind = bindKind
        self.remoteAddress = remoteAddress
        self.handler = handler
    }

    /// Sends a deliver_sm (an MO message, a delivery receipt, a USSD dialogue step) and returns the ESME's
    /// deliver_sm_resp. Waits while the window is full or the channel is not writable. Throws `.rejected` with the
    /// ESME's status (ESME_RX_T_APPN: try again later), `.timeout`, `.queueFull`, `.wrongBindKind` for a transmitter
    /// bind, `.invalidMessage` when a field breaks its limit, `.connectionClosed`.
    @discardableResult
    public func deliver(_ message: DeliverSM) async throws(SMPPError) -> SubmitSMResponse {
        let response = try await send(.deliverSM(message), what: "deliver_sm")
        if case .deliverSMResp(let body) = response.body { return body }
        return SubmitSMResponse()
    }

    /// Sends a data_sm to the ESME and returns its data_sm_resp.
    @discardableResult
    public func dataSM(_ message: DataSM) async throws(SMPPError) -> SubmitSMResponse {
        let response = try await send(.dataSM(message), what: "data_sm")
        if case .dataSMResp(let body) = response.body { return body }
        return SubmitSMResponse()
    }

    private func send(_ body: PDU.Body, what: String) async throws(SMPPError) -> PDU {
        do {
            _ = try PDU(body, sequenceNumber: 1).encoded()
        } catch {
            throw SMPPError(.invalidMessage, "\(error)")
        }
        let handler = self.handler
        let promise = handler.eventLoop.makePromise(of: PDU.self)
        handler.eventLoop.execute { handler.value.enqueueDelivery(body, promise: promise) }
        let response: PDU
        do {
            response = try await promise.futureResult.get()
        } catch let error as SMPPError {
            throw error
        } catch {
            throw SMPPError(.connectionClosed, "\(error)")
        }
        guard response.status == .ok else { throw .rejected(response.status, what) }
        return response
    }

    /// deliver_sm / data_sm in flight and waiting for a window slot, for metrics and tests.
    public func deliveryQueue() async -> (inFlight: Int, waiting: Int) {
        let handler = self.handler
        return (try? await handler.eventLoop.submit { handler.value.deliveryQueue }.get()) ?? (0, 0)
    }

    /// Ends the session gracefully: unbind, then close on unbind_resp or after the unbind timeout.
    public func unbind() async {
        let handler = self.handler
        let closed = handler.eventLoop.makePromise(of: Void.self)
        handler.eventLoop.execute { handler.value.beginUnbind(closed: closed) }
        try? await closed.futureResult.get()
    }

    /// Closes the connection at once.
    public func close() async {
        let handler = self.handler
        let closed = handler.eventLoop.makePromise(of: Void.self)
        handler.eventLoop.execute { handler.value.close(closed: closed) }
        try? await closed.futureResult.get()
    }

    public static func == (lhs: SMPPServerSession, rhs: SMPPServerSession) -> Bool { lhs.id == rhs.id }
    public func hash(into hasher: inout Hasher) { hasher.combine(id) }
    public var description: String { "SMPP session \(id) \(systemID) (\(bindKind))" }
}
