/// The data_coding values this library writes and reads text for (section 5.2.19).
public enum DataCoding: UInt8, Hashable, Sendable, CaseIterable {
    /// 0x00, the SMSC default alphabet, taken to be GSM 03.38 unpacked (see `GSM7`).
    case gsm7 = 0x00
    /// 0x03, ISO-8859-1.
    case latin1 = 0x03
    /// 0x08, UCS2, written as UTF-16BE (so characters outside the BMP travel as surrogate pairs).
    case ucs2 = 0x08

    /// Characters (septets, octets or UTF-16 code units) that fit one short message of 140 octets.
    public var singleMessageCapacity: Int {
        switch self {
        case .gsm7: 160
        case .latin1: 140
        case .ucs2: 70
        }
    }

    /// Units per part when a 6-octet concatenation UDH takes room: 153 septets, 134 octets, 67 UTF-16 code units.
    public var concatenatedPartCapacity: Int {
        switch self {
        case .gsm7: 153
        case .latin1: 134
        case .ucs2: 67
        }
    }

    /// GSM 7-bit when every character fits, else UCS2.
    public static func best(for text: String) -> DataCoding { GSM7.canEncode(text) ? .gsm7 : .ucs2 }
}
