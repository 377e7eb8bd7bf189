/// ussd_service_op (TLV 0x0501, section 5.3.2.44): which USSD operation a submit_sm or deliver_sm carries.
public enum USSDServiceOp: UInt8, Hashable, Sendable, CaseIterable {
    /// PSSD indication: the network passes a mobile-initiated supplementary service data string.
    case pssdIndication = 0
    /// PSSR indication: the subscriber dialed a code (`*145#`); opens a dialogue.
    case pssrIndication = 1
    /// USSR request: a screen that expects an answer (network → phone).
    case ussrRequest = 2
    /// USSN request: a notification, no answer expected.
    case ussnRequest = 3
    /// PSSD response.
    case pssdResponse = 16
    /// PSSR response: the last screen; ends the dialogue.
    case pssrResponse = 17
    /// USSR confirm: the subscriber's answer to a USSR request.
    case ussrConfirm = 18
    /// USSN confirm: the phone acknowledged a notification.
    case ussnConfirm = 19
}
