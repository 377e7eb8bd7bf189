/// One short message of a (possibly split) text: the short_message octets, UDH included, and the esm_class bit to set.
public struct MessagePart: Hashable, Sendable {
    public var shortMessage: [UInt8]
    /// 0x40 (UDHI) when `shortMessage` starts with a concatenation UDH, else 0.
    public var esmClass: UInt8
    public var dataCoding: DataCoding
}
