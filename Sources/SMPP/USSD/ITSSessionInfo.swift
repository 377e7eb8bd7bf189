/// its_session_info (TLV 0x1383, section 5.3.2.43), two octets: the session number (octet 1), and the dialogue unit's
/// sequence number in bits 7–1 of octet 2 with the end-of-session indicator in bit 0.
public struct ITSSessionInfo: Hashable, Sendable {
    /// The dialogue's number, constant across the dialogue.
    public var sessionNumber: UInt8
    /// The dialogue unit's sequence number, 0…127.
    public var sequenceNumber: UInt8
    /// Set on the message that ends the dialogue.
    public var endOfSession: Bool

    /// `sequenceNumber` has 7 bits on the wire: it is taken modulo 128, so a dialogue's count wraps instead of failing.
    public init(sessionNumber: UInt8, sequenceNumber: UInt8 = 0, endOfSession: Bool = false) {
        self.sessionNumber = sessionNumber
        self.sequenceNumber = sequenceNumber & 0x7F
        self.endOfSession = endOfSession
    }

    /// Reads the two octets of the TLV value; nil for any other length.
    public init?(octets: [UInt8]) {
        guard octets.count == 2 else { return nil }
        self.init(sessionNumber: octets[0], sequenceNumber: octets[1] >> 1, endOfSession: octets[1] & 1 == 1)
    }

    /// The two octets of the TLV value.
    public var octets: [UInt8] { [sessionNumber, sequenceNumber << 1 | (endOfSession ? 1 : 0)] }
}
