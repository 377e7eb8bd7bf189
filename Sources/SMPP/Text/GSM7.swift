/// The GSM 03.38 (3GPP TS 23.038) default alphabet and its extension table, one septet per octet ("unpacked"), as SMPP
/// carries data_coding 0 on most SMSCs: this library takes data_coding 0 to mean this alphabet (the SMSC default
/// alphabet is SMSC-specific in SMPP 3.4; Kannel's `alt-charset`, Jasmin and most SMSCs treat it so).
///
/// An extension character is two septets: the escape 0x1B, then its code (`€` is 0x1B 0x65).
public enum GSM7 {
    /// The escape septet that introduces an extension-table character.
    public static let escape: UInt8 = 0x1B

    /// The basic table: the Unicode scalar of each septet 0x00–0x7F (0x1B, the escape, maps to U+00A0 as a placeholder
    /// and is never produced for text).
    static let basic: [Unicode.Scalar] = [
        "@", "£", "$", "¥", "è", "é", "ù", "ì", "ò", "Ç", "\n", "Ø", "ø", "\r", "Å", "å",
        "Δ", "_", "Φ", "Γ", "Λ", "Ω", "Π", "Ψ", "Σ", "Θ", "Ξ", "\u{A0}", "Æ", "æ", "ß", "É",
        " ", "!", "\"", "#", "¤", "%", "&", "'", "(", ")", "*", "+", ",", "-", ".", "/",
        "0", "1", "2", "3", "4", "5", "6", "7", "8", "9", ":", ";", "<", "=", ">", "?",
        "¡", "A", "B", "C", "D", "E", "F", "G", "H", "I", "J", "K", "L", "M", "N", "O",
        "P", "Q", "R", "S", "T", "U", "V", "W", "X", "Y", "Z", "Ä", "Ö", "Ñ", "Ü", "§",
        "¿", "a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "l", "m", "n", "o",
        "p", "q", "r", "s", "t", "u", "v", "w", "x", "y", "z", "ä", "ö", "ñ", "ü", "à",
    ]

    /// The extension table: code after the escape → scalar.
    static let extensionTable: [UInt8: Unicode.Scalar] = [
        0x0A: "\u{0C}", 0x14: "^", 0x28: "{", 0x29: "}", 0x2F: "\\", 0x3C: "[", 0x3D: "~", 0x3E: "]", 0x40: "|", 0x65: "€",
    ]

    static let basicIndex: [Unicode.Scalar: UInt8] = {
        var index: [Unicode.Scalar: UInt8] = [:]
        for (septet, scalar) in basic.enumerated() where septet != Int(escape) { index[scalar] = UInt8(septet) }
        return index
    }()

    static let extensionIndex: [Unicode.Scalar: UInt8] = {
        var index: [Unicode.Scalar: UInt8] = [:]
        for (code, scalar) in extensionTable { index[scalar] = code }
        return index
    }()

    /// The septets for one scalar: one for the basic table, two (escape + code) for the extension table, nil when the
    /// alphabet lacks it.
    public static func septets(for scalar: Unicode.Scalar) -> [UInt8]? {
        if let septet = basicIndex[scalar] { return [septet] }
        if let code = extensionIndex[scalar] { return [escape, code] }
        return nil
    }

    /// Can `text` be written in the GSM 7-bit alphabet?
    public static func canEncode(_ text: String) -> Bool {
        text.unicodeScalars.allSatisfy { basicIndex[$0] != nil || extensionIndex[$0] != nil }
    }

    /// The unpacked septets of `text`, or nil if a character is outside the alphabet.
    public static func encode(_ text: String) -> [UInt8]? {
        var out: [UInt8] = []
        out.reserveCapacity(text.unicodeScalars.count)
        for scalar in text.unicodeScalars {
            guard let septets = septets(for: scalar) else { return nil }
            out.append(contentsOf: septets)
        }
        return out
    }

    /// The text of unpacked septets. Total: the high bit of each octet is ignored, an escape followed by a code the
    /// extension table lacks reads as the basic character of that code (TS 23.038 §6.2.1.1), and a trailing lone escape
    /// reads as a space.
    public static func decode<C: Collection<UInt8>>(_ septets: C) -> String {
        var scalars = String.UnicodeScalarView()
        var iterator = septets.makeIterator()
        while let octet = iterator.next() {
            let septet = octet & 0x7F
            if septet == escape {
                guard let code = iterator.next().map({ $0 & 0x7F }) else {
                    scalars.append(" ")
                    break
                }
                if let scalar = extensionTable[code] {
                    scalars.append(scalar)
                } else if code == escape {
                    scalars.append(" ")
                } else {
                    scalars.append(basic[Int(code)])
                }
            } else {
                scalars.append(basic[Int(septet)])
            }
        }
        return String(scalars)
    }
}
