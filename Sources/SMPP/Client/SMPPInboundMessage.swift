import NIOCore

/// A deliver_sm or data_sm from the SMSC, waiting for the host's answer. Answer each one exactly once with `respond`
/// (later calls are ignored); until then it holds one of `maximumPendingInbound` slots.
public struct SMPPInboundMessage: Sendable {
    public enum Body: Hashable, Sendable {
        case deliverSM(DeliverSM)
        case dataSM(DataSM)
    }

    public let body: Body
    public let sequenceNumber: UInt32
    private let handler: NIOLoopBound<SMPPClientHandler>

    init(body: Body, sequenceNumber: UInt32, handler: NIOLoopBound<SMPPClientHandler>) {
        self.body = body
        self.sequenceNumber = sequenceNumber
        self.handler = handler
    }

    /// The deliver_sm, if this is one.
    public var deliverSM: DeliverSM? {
        if case .deliverSM(let message) = body { return message }
        return nil
    }

    /// The delivery receipt this deliver_sm carries, if it is one.
    public var receipt: DeliveryReceipt? { deliverSM.flatMap(DeliveryReceipt.init(deliverSM:)) }

    /// Sends deliver_sm_resp (or data_sm_resp) with `status`: ESME_ROK when taken, ESME_RX_T_APPN to have the SMSC
    /// retry later, ESME_RX_P_APPN to refuse for good.
    public func respond(_ status: CommandStatus = .ok, messageID: String = "") {
        let handler = self.handler
        let sequence = sequenceNumber
        let id: CommandID = if case .dataSM = body { .dataSM } else { .deliverSM }
        handler.eventLoop.execute { handler.value.respond(to: id, sequenceNumber: sequence, status: status, messageID: messageID) }
    }
}
