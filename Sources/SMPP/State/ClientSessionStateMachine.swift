/// The ESME side of one SMPP session, as a value: open → binding → bound → unbinding → closed.
///
/// Inbound requests: deliver_sm and data_sm are for the host on a receiver or transceiver bind and get
/// ESME_RINVBNDSTS otherwise; enquire_link is always answered; an unbind from the SMSC is answered and closes; requests
/// only an ESME sends (bind_*, submit_sm, query_sm) get a generic_nack ESME_RINVCMDID.
public struct ClientSessionStateMachine: Sendable {
    public enum State: Hashable, Sendable {
        case open
        case binding(BindKind)
        case bound(BindKind)
        case unbinding
        case closed
    }

    /// Why a request cannot be sent in the current state.
    public enum Refusal: Error, Hashable, Sendable {
        case notOpen
        case notBound
        case wrongBindKind
        case closed
    }

    public enum InboundAction: Hashable, Sendable {
        case forwardRequest
        case forwardResponse
        case answerEnquireLink
        case answerUnbindAndClose
        case refuse(CommandStatus)
        case genericNack(CommandStatus)
        case ignore
    }

    public private(set) var state: State = .open

    public init() {}

    public var bindKind: BindKind? {
        if case .bound(let kind) = state { return kind }
        return nil
    }

    public mutating func bindRequested(_ kind: BindKind) throws(Refusal) {
        switch state {
        case .open: state = .binding(kind)
        case .closed: throw .closed
        default: throw .notOpen
        }
    }

    /// The bind response arrived: bound on ESME_ROK, open again otherwise (the host may retry).
    public mutating func bindResponded(_ status: CommandStatus) {
        guard case .binding(let kind) = state else { return }
        state = status == .ok ? .bound(kind) : .open
    }

    /// May the ESME send this request now (submit_sm and data_sm need a transmitting bind)?
    public func check(_ id: CommandID) throws(Refusal) {
        switch state {
        case .closed: throw .closed
        case .bound(let kind):
            if [.submitSM, .dataSM, .querySM].contains(id), !kind.canTransmit { throw .wrongBindKind }
        case .unbinding where id == .enquireLink:
            return
        default:
            if id != .enquireLink { throw .notBound }
        }
    }

    public mutating func unbindRequested() throws(Refusal) {
        switch state {
        case .bound: state = .unbinding
        case .closed: throw .closed
        default: throw .notBound
        }
    }

    public mutating func unbindResponded() { state = .closed }

    public mutating func received(_ pdu: PDU) -> InboundAction {
        if case .closed = state { return .ignore }
        let id = pdu.commandID
        if id.isResponse { return .forwardResponse }
        switch id {
        case .enquireLink: return .answerEnquireLink
        case .unbind:
            state = .closed
            return .answerUnbindAndClose
        case .deliverSM, .dataSM:
            if case .bound(let kind) = state, kind.canReceive { return .forwardRequest }
            if case .unbinding = state { return .refuse(.incorrectBindStatus) }
            return .refuse(.incorrectBindStatus)
        default:
            return .genericNack(.invalidCommandID)
        }
    }

    public mutating func connectionClosed() { state = .closed }
}
