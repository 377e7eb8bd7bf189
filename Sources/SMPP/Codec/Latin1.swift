/// C-octet strings are carried as ISO-8859-1 here: each octet is one Unicode scalar U+0000–U+00FF, so any octets
/// decode and re-encode unchanged (SMPP only expects ASCII in them).
enum Latin1 {
    static func decode<C: Collection<UInt8>>(_ bytes: C) -> String {
        var scalars = String.UnicodeScalarView()
        for byte in bytes { scalars.append(Unicode.Scalar(byte)) }
        return String(scalars)
    }

    /// The octets of `string`, or nil when a scalar is above U+00FF.
    static func encode(_ string: String) -> [UInt8]? {
        var out: [UInt8] = []
        out.reserveCapacity(string.unicodeScalars.count)
        for scalar in string.unicodeScalars {
            guard scalar.value <= 0xFF else { return nil }
            out.append(UInt8(scalar.value))
        }
        return out
    }
}

extension String {
    init(decoding bytes: [UInt8], as _: Latin1.Type) { self = Latin1.decode(bytes) }
}
