/// The SMSC side of one SMPP session, as a value: open → binding → bound (transmitter, receiver or transceiver) →
/// unbinding → closed. It decides what every inbound PDU gets; the channel handler does what it says.
///
/// | state | bind_* | submit_sm, data_sm, query_sm | deliver_sm_resp, data_sm_resp | enquire_link | unbind |
/// | --- | --- | --- | --- | --- | --- |
/// | open | authenticate | ESME_RINVBNDSTS | ignored | answered | ESME_RINVBNDSTS |
/// | binding | ESME_RALYBND | ESME_RINVBNDSTS | ignored | answered | ESME_RINVBNDSTS |
/// | bound TX | ESME_RALYBND | to the host | ignored | answered | unbind_resp, close |
/// | bound RX | ESME_RALYBND | ESME_RINVBNDSTS | to the host | answered | unbind_resp, close |
/// | bound TRX | ESME_RALYBND | to the host | to the host | answered | unbind_resp, close |
/// | unbinding | ESME_RINVBNDSTS | ESME_RINVBNDSTS | to the host | answered | unbind_resp, close |
/// | closed | ignored | ignored | ignored | ignored | ignored |
///
/// PDUs only an SMSC sends (deliver_sm, outbind, alert_notification) get a generic_nack ESME_RINVCMDID in every state;
/// enquire_link is answered even before a bind (SMPP 5.0 allows it, and it costs nothing).
public struct ServerSessionStateMachine: Sendable {
    public enum State: Hashable, Sendable {
        case open
        case binding(BindKind)
        case bound(BindKind)
        /// We sent unbind and wait for unbind_resp.
        case unbinding(BindKind)
        case closed
    }

    /// What to do with one inbound PDU.
    public enum InboundAction: Hashable, Sendable {
        /// Ask the host to authenticate this bind; answer when it decides (`bindSucceeded` / `bindFailed`).
        case authenticate(BindKind, BindRequest)
        /// Hand the request to the host, which answers it.
        case forwardRequest
        /// A response to one of our requests: match it by sequence number.
        case forwardResponse
        /// Answer enquire_link_resp.
        case answerEnquireLink
        /// Answer unbind_resp, then close the connection.
        case answerUnbindAndClose
        /// Our unbind was answered: close the connection.
        case close
        /// Refuse the request with its own response and this status.
        case refuse(CommandStatus)
        /// Answer with a generic_nack carrying this status.
        case genericNack(CommandStatus)
        /// Do nothing.
        case ignore
    }

    public private(set) var state: State = .open

    public init() {}

    /// The bind in force, if the session is bound (or unbinding from it).
    public var bindKind: BindKind? {
        switch state {
        case .bound(let kind), .unbinding(let kind): kind
        default: nil
        }
    }

    /// May the SMSC push deliver_sm / data_sm to the ESME now?
    public var canDeliver: Bool {
        if case .bound(let kind) = state { return kind.canReceive }
        return false
    }

    public mutating func received(_ pdu: PDU) -> InboundAction {
        let id = pdu.commandID
        if case .closed = state { return .ignore }
        switch id {
        case .enquireLink: return .answerEnquireLink
        case .genericNack, .enquireLinkResp, .deliverSMResp, .dataSMResp:
            return forwardableResponse(id)
        case .unbindResp:
            if case .unbinding = state {
                state = .closed
                return .close
            }
            return .ignore
        case .deliverSM, .outbind, .alertNotification:
            return .genericNack(.invalidCommandID)
        default: break
        }
        if id.isResponse { return .ignore }
        switch (state, pdu.body) {
        case (.open, .bind(let kind, let request)):
            state = .binding(kind)
            return .authenticate(kind, request)
        case (.binding, .bind), (.bound, .bind):
            return .refuse(.alreadyBound)
        case (.unbinding, .bind):
            return .refuse(.incorrectBindStatus)
        case (.bound, .unbind), (.unbinding, .unbind):
            state = .closed
            return .answerUnbindAndClose
        case (.bound(let kind), .submitSM), (.bound(let kind), .dataSM), (.bound(let kind), .querySM):
            return kind.canTransmit ? .forwardRequest : .refuse(.incorrectBindStatus)
        default:
            return .refuse(.incorrectBindStatus)
        }
    }

    private func forwardableResponse(_ id: CommandID) -> InboundAction {
        switch state {
        case .bound(let kind), .unbinding(let kind):
            if id == .deliverSMResp || id == .dataSMResp { return kind.canReceive ? .forwardResponse : .ignore }
            return .forwardResponse
        default:
            return id == .enquireLinkResp || id == .genericNack ? .forwardResponse : .ignore
        }
    }

    /// The host accepted the bind in progress.
    public mutating func bindSucceeded() {
        guard case .binding(let kind) = state else { return }
        state = .bound(kind)
    }

    /// The host refused the bind in progress: the session is open again, and the ESME may retry.
    public mutating func bindFailed() {
        guard case .binding = state else { return }
        state = .open
    }

    /// We want to end the session (shutdown). True when an unbind should be sent; an unbound session just closes.
    public mutating func unbindRequested() -> Bool {
        switch state {
        case .bound(let kind):
            state = .unbinding(kind)
            return true
        case .unbinding:
            return false
        default:
            state = .closed
            return false
        }
    }

    public mutating func connectionClosed() { state = .closed }
}
