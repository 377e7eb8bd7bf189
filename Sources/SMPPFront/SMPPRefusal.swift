import GatewayCore
import SMPP

/// One vocabulary for refusals on SMPP: the gateway's codes (the line protocol's, `docs/PROTOCOL.md`) as SMPP 3.4
/// command statuses, in the `deliver_sm_resp` Sika answers an operator's USSD gateway with (client role) and in what
/// the simulated network reports to a phone when an ESME refuses (server role). `docs/SMPP.md` shows the table.
///
/// | code | status | why this one |
/// | --- | --- | --- |
/// | 400 malformed | ESME_RX_R_APPN (0x66) | the application rejects the message as it stands |
/// | 401 not authenticated | ESME_RINVBNDSTS (0x04) | traffic outside a bound session |
/// | 403 a number outside the bind's operator | ESME_RINVSRCADR (0x0A) | the source address is not the bind's |
/// | 403 another operator's service code | ESME_RINVDSTADR (0x0B) | the destination is not the bind's |
/// | 404 unknown or expired dialogue | ESME_RX_P_APPN (0x65) | permanent: this dialogue will never be served |
/// | 409 dialogue already open | ESME_RINVMSGID (0x0C) | the dialogue number is in use |
/// | 413 a PDU over the size limit | ESME_RINVCMDLEN (0x02), in a generic_nack | the codec's own answer; framing is lost, the connection closes |
/// | 429 rate limited | ESME_RTHROTTLED (0x58) | |
/// | 503 shutting down or overloaded | ESME_RX_T_APPN (0x64) | temporary: the gateway may try again later |
public enum SMPPRefusal {
    /// The status that carries `code`; `sourceRefused` picks ESME_RINVSRCADR over ESME_RINVDSTADR for a 403.
    public static func status(for code: GatewayError.Code, sourceRefused: Bool = false) -> CommandStatus {
        switch code {
        case .malformed: .receiverRejectMessage
        case .notAuthenticated: .incorrectBindStatus
        case .forbidden: sourceRefused ? .invalidSourceAddress : .invalidDestinationAddress
        case .unknownSession: .receiverPermanentAppError
        case .conflict: .invalidMessageID
        case .lineTooLong: .invalidCommandLength
        case .rateLimited: .throttled
        case .unavailable: .receiverTemporaryAppError
        }
    }

    /// The code a status stands for, or nil for a status outside the table. The codec's own statuses for a PDU that
    /// does not parse (a body shorter than its fields, broken TLVs, an unknown command) read as 400.
    public static func code(for status: CommandStatus) -> GatewayError.Code? {
        switch status {
        case .receiverRejectMessage, .invalidMessageLength, .invalidOptionalParameterStream, .invalidParameterLength, .invalidCommandID: .malformed
        case .incorrectBindStatus: .notAuthenticated
        case .invalidSourceAddress, .invalidDestinationAddress: .forbidden
        case .receiverPermanentAppError: .unknownSession
        case .invalidMessageID: .conflict
        case .invalidCommandLength: .lineTooLong
        case .throttled: .rateLimited
        case .receiverTemporaryAppError: .unavailable
        default: nil
        }
    }
}
