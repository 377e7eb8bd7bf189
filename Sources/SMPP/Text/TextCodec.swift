/// Turns text into short_message octets and back, for the data_coding values of `DataCoding`.
public enum TextCodec {
    /// The octets of `text` in `coding`, or nil when the coding cannot carry a character (GSM 7-bit lacks it, or
    /// Latin-1 stops at U+00FF). UCS2 can carry anything.
    public static func encode(_ text: String, as coding: DataCoding) -> [UInt8]? {
        switch coding {
        case .gsm7: return GSM7.encode(text)
        case .latin1: return Latin1.encode(text)
        case .ucs2:
            var out: [UInt8] = []
            out.reserveCapacity(text.utf16.count * 2)
            for unit in text.utf16 { out.append(contentsOf: [UInt8(unit >> 8), UInt8(unit & 0xFF)]) }
            return out
        }
    }

    /// The text of `octets` in `coding`. Total: a trailing odd octet in UCS2 is dropped, and a lone surrogate becomes
    /// U+FFFD.
    public static func decode<C: Collection<UInt8>>(_ octets: C, as coding: DataCoding) -> String {
        switch coding {
        case .gsm7: return GSM7.decode(octets)
        case .latin1: return Latin1.decode(octets)
        case .ucs2:
            var units: [UInt16] = []
            units.reserveCapacity(octets.count / 2)
            var iterator = octets.makeIterator()
            while let high = iterator.next(), let low = iterator.next() { units.append(UInt16(high) << 8 | UInt16(low)) }
            return String(decoding: units, as: UTF16.self)
        }
    }

    /// The text of `octets` under a raw data_coding octet: 0 GSM, 3 Latin-1, 8 UCS2; anything else is read as Latin-1,
    /// which keeps every octet visible.
    public static func decode<C: Collection<UInt8>>(_ octets: C, dataCoding: UInt8) -> String {
        decode(octets, as: DataCoding(rawValue: dataCoding) ?? .latin1)
    }
}
