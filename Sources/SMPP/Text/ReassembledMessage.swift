/// A whole message put back together from its parts (or a message that was never split).
public struct ReassembledMessage: Hashable, Sendable {
    public var source: Address
    public var destination: Address
    /// The raw data_coding of the parts.
    public var dataCoding: UInt8
    /// The text octets of every part, in order, headers removed.
    public var userData: [UInt8]
    /// How many short messages carried it.
    public var parts: Int

    /// The text, decoded under `dataCoding`.
    public var text: String { TextCodec.decode(userData, dataCoding: dataCoding) }
}
