/// The concatenation information element of a user data header (3GPP TS 23.040 §9.2.3.24.1 and .8).
public struct ConcatenationInfo: Hashable, Sendable {
    /// The reference shared by all parts of one message (8-bit with IEI 0x00, 16-bit with IEI 0x08).
    public var reference: UInt16
    /// How many parts the message has, 1…255.
    public var total: UInt8
    /// This part's 1-based index.
    public var index: UInt8

    public init(reference: UInt16, total: UInt8, index: UInt8) {
        self.reference = reference
        self.total = total
        self.index = index
    }

    /// Both counts make sense: total ≥ 1 and 1 ≤ index ≤ total.
    public var isValid: Bool { total >= 1 && index >= 1 && index <= total }
}
