/// One optional parameter: a tag and its raw value (the 2-octet length is implied by `value.count`).
public struct TLV: Hashable, Sendable {
    public var tag: TLVTag
    public var value: [UInt8]

    public init(_ tag: TLVTag, _ value: [UInt8]) {
        self.tag = tag
        self.value = value
    }

    /// A one-octet integer value.
    public static func uint8(_ tag: TLVTag, _ value: UInt8) -> TLV { TLV(tag, [value]) }

    /// A two-octet big-endian integer value.
    public static func uint16(_ tag: TLVTag, _ value: UInt16) -> TLV { TLV(tag, [UInt8(value >> 8), UInt8(value & 0xFF)]) }

    /// A C-octet string value (the terminating NUL is added).
    public static func cString(_ tag: TLVTag, _ value: String) -> TLV {
        TLV(tag, Array(value.unicodeScalars.map { UInt8(truncatingIfNeeded: $0.value) }) + [0])
    }
}
