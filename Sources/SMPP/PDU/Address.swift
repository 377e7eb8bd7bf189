/// An SMPP address: type of number, numbering plan indicator, and the address digits (section 5.2.5–5.2.8).
public struct Address: Hashable, Sendable {
    /// Type of number (0 unknown, 1 international, 2 national, 3 network specific, 4 subscriber, 5 alphanumeric, 6 abbreviated).
    public var ton: UInt8
    /// Numbering plan indicator (0 unknown, 1 ISDN E.163/E.164, …).
    public var npi: UInt8
    /// The address itself, e.g. `22890112233` or a short code `145`.
    public var address: String

    public init(ton: UInt8 = 0, npi: UInt8 = 0, _ address: String = "") {
        self.ton = ton
        self.npi = npi
        self.address = address
    }

    /// An international E.164 number (TON 1, NPI 1).
    public static func international(_ digits: String) -> Address { Address(ton: 1, npi: 1, digits) }
    /// A short code or service code (TON 3 network specific, NPI 0), e.g. `145`.
    public static func shortCode(_ code: String) -> Address { Address(ton: 3, npi: 0, code) }
}
