/// The command_id of an SMPP 3.4 PDU (section 5.1.2.1). Open: any 32-bit value can be represented, so a decoder can
/// name the id it refused.
public struct CommandID: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public var rawValue: UInt32

    public init(rawValue: UInt32) { self.rawValue = rawValue }

    public static let genericNack = CommandID(rawValue: 0x8000_0000)
    public static let bindReceiver = CommandID(rawValue: 0x0000_0001)
    public static let bindReceiverResp = CommandID(rawValue: 0x8000_0001)
    public static let bindTransmitter = CommandID(rawValue: 0x0000_0002)
    public static let bindTransmitterResp = CommandID(rawValue: 0x8000_0002)
    public static let querySM = CommandID(rawValue: 0x0000_0003)
    public static let querySMResp = CommandID(rawValue: 0x8000_0003)
    public static let submitSM = CommandID(rawValue: 0x0000_0004)
    public static let submitSMResp = CommandID(rawValue: 0x8000_0004)
    public static let deliverSM = CommandID(rawValue: 0x0000_0005)
    public static let deliverSMResp = CommandID(rawValue: 0x8000_0005)
    public static let unbind = CommandID(rawValue: 0x0000_0006)
    public static let unbindResp = CommandID(rawValue: 0x8000_0006)
    public static let replaceSM = CommandID(rawValue: 0x0000_0007)
    public static let replaceSMResp = CommandID(rawValue: 0x8000_0007)
    public static let cancelSM = CommandID(rawValue: 0x0000_0008)
    public static let cancelSMResp = CommandID(rawValue: 0x8000_0008)
    public static let bindTransceiver = CommandID(rawValue: 0x0000_0009)
    public static let bindTransceiverResp = CommandID(rawValue: 0x8000_0009)
    public static let outbind = CommandID(rawValue: 0x0000_000B)
    public static let enquireLink = CommandID(rawValue: 0x0000_0015)
    public static let enquireLinkResp = CommandID(rawValue: 0x8000_0015)
    public static let submitMulti = CommandID(rawValue: 0x0000_0021)
    public static let submitMultiResp = CommandID(rawValue: 0x8000_0021)
    public static let alertNotification = CommandID(rawValue: 0x0000_0102)
    public static let dataSM = CommandID(rawValue: 0x0000_0103)
    public static let dataSMResp = CommandID(rawValue: 0x8000_0103)

    /// Every command id the SMPP 3.4 specification defines, including those this library does not decode.
    public static let specified: Set<CommandID> = [
        .genericNack, .bindReceiver, .bindReceiverResp, .bindTransmitter, .bindTransmitterResp, .querySM, .querySMResp,
        .submitSM, .submitSMResp, .deliverSM, .deliverSMResp, .unbind, .unbindResp, .replaceSM, .replaceSMResp, .cancelSM,
        .cancelSMResp, .bindTransceiver, .bindTransceiverResp, .outbind, .enquireLink, .enquireLinkResp, .submitMulti,
        .submitMultiResp, .alertNotification, .dataSM, .dataSMResp,
    ]

    /// Bit 31 set: this is a response (generic_nack included).
    public var isResponse: Bool { rawValue & 0x8000_0000 != 0 }

    /// The response id that answers this request id (`submit_sm` → `submit_sm_resp`). Meaningless for responses.
    public var responseID: CommandID { CommandID(rawValue: rawValue | 0x8000_0000) }

    /// The spec's name, e.g. `submit_sm_resp`, or the hex value for an id the spec does not define.
    public var name: String {
        switch self {
        case .genericNack: "generic_nack"
        case .bindReceiver: "bind_receiver"
        case .bindReceiverResp: "bind_receiver_resp"
        case .bindTransmitter: "bind_transmitter"
        case .bindTransmitterResp: "bind_transmitter_resp"
        case .querySM: "query_sm"
        case .querySMResp: "query_sm_resp"
        case .submitSM: "submit_sm"
        case .submitSMResp: "submit_sm_resp"
        case .deliverSM: "deliver_sm"
        case .deliverSMResp: "deliver_sm_resp"
        case .unbind: "unbind"
        case .unbindResp: "unbind_resp"
        case .replaceSM: "replace_sm"
        case .replaceSMResp: "replace_sm_resp"
        case .cancelSM: "cancel_sm"
        case .cancelSMResp: "cancel_sm_resp"
        case .bindTransceiver: "bind_transceiver"
        case .bindTransceiverResp: "bind_transceiver_resp"
        case .outbind: "outbind"
        case .enquireLink: "enquire_link"
        case .enquireLinkResp: "enquire_link_resp"
        case .submitMulti: "submit_multi"
        case .submitMultiResp: "submit_multi_resp"
        case .alertNotification: "alert_notification"
        case .dataSM: "data_sm"
        case .dataSMResp: "data_sm_resp"
        default: "0x" + String(rawValue, radix: 16, uppercase: true)
        }
    }

    public var description: String { name }
}
