/// One SMPP 3.4 protocol data unit: the header's status and sequence number, and a typed body that also fixes the
/// command_id. command_length is computed when encoding.
public struct PDU: Hashable, Sendable {
    /// command_status: meaningful in responses, 0 in requests.
    public var status: CommandStatus
    /// sequence_number: 1…0x7FFFFFFF, echoed by the response.
    public var sequenceNumber: UInt32
    public var body: Body

    public init(_ body: Body, sequenceNumber: UInt32, status: CommandStatus = .ok) {
        self.body = body
        self.sequenceNumber = sequenceNumber
        self.status = status
    }

    /// The bodies this library encodes and decodes.
    public enum Body: Hashable, Sendable {
        case bind(BindKind, BindRequest)
        case bindResp(BindKind, BindResponse)
        case submitSM(SubmitSM)
        case submitSMResp(SubmitSMResponse)
        case deliverSM(DeliverSM)
        case deliverSMResp(SubmitSMResponse)
        case dataSM(DataSM)
        case dataSMResp(SubmitSMResponse)
        case querySM(QuerySM)
        case querySMResp(QuerySMResponse)
        case unbind
        case unbindResp
        case enquireLink
        case enquireLinkResp
        case genericNack
    }

    /// The command_id this body is sent under.
    public var commandID: CommandID {
        switch body {
        case .bind(let kind, _): kind.commandID
        case .bindResp(let kind, _): kind.commandID.responseID
        case .submitSM: .submitSM
        case .submitSMResp: .submitSMResp
        case .deliverSM: .deliverSM
        case .deliverSMResp: .deliverSMResp
        case .dataSM: .dataSM
        case .dataSMResp: .dataSMResp
        case .querySM: .querySM
        case .querySMResp: .querySMResp
        case .unbind: .unbind
        case .unbindResp: .unbindResp
        case .enquireLink: .enquireLink
        case .enquireLinkResp: .enquireLinkResp
        case .genericNack: .genericNack
        }
    }

    /// A generic_nack carrying `status` for the PDU with this sequence number (0 when it could not be read).
    public static func genericNack(_ status: CommandStatus, sequenceNumber: UInt32) -> PDU {
        PDU(.genericNack, sequenceNumber: sequenceNumber, status: status)
    }

    /// The response that refuses a request with `commandID` and `status`: the request's own response when this library
    /// can encode it, else a generic_nack.
    public static func refusal(of commandID: CommandID, sequenceNumber: UInt32, status: CommandStatus) -> PDU {
        let body: Body
        switch commandID {
        case .bindTransmitter: body = .bindResp(.transmitter, BindResponse())
        case .bindReceiver: body = .bindResp(.receiver, BindResponse())
        case .bindTransceiver: body = .bindResp(.transceiver, BindResponse())
        case .submitSM: body = .submitSMResp(SubmitSMResponse())
        case .deliverSM: body = .deliverSMResp(SubmitSMResponse())
        case .dataSM: body = .dataSMResp(SubmitSMResponse())
        case .querySM: body = .querySMResp(QuerySMResponse())
        case .unbind: body = .unbindResp
        case .enquireLink: body = .enquireLinkResp
        default: body = .genericNack
        }
        return PDU(body, sequenceNumber: sequenceNumber, status: status)
    }
}
