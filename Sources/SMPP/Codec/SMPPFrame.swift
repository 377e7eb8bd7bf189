/// What the decoder yields for each PDU-sized piece of the byte stream: a PDU, or the reason it is not one.
public enum SMPPFrame: Hashable, Sendable {
    case pdu(PDU)
    case invalid(PDUDecodeError)
}
