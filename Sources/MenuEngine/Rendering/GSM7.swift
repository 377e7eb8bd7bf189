/// The GSM 03.38 default alphabet, as a phone counts it on a USSD screen.
///
/// A USSD page holds 182 septets. Characters of the basic table cost one septet, the extension
/// characters `^{}\[~]|€` cost two (escape + character), and anything else cannot be sent as GSM-7
/// at all: menu texts are linted to avoid it, and text that arrives at run time (names) is
/// transliterated with ``sanitize(_:)`` before it is counted.
public enum GSM7 {
    /// Septets per USSD page.
    public static let pageLimit = 182

    /// The basic character table (one septet each), as Unicode scalars.
    static let basic: Set<Unicode.Scalar> = Set(
        ("@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
            + "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà").unicodeScalars
    )

    /// The extension table (two septets each). Form feed is left out on purpose: no menu needs it.
    static let extended: Set<Unicode.Scalar> = Set("^{}\\[~]|€".unicodeScalars)

    /// Cost in septets of each ASCII scalar, 0 when it is not in the alphabet (backtick, controls).
    private static let asciiCost: [UInt8] = (0..<128).map { value in
        let scalar = Unicode.Scalar(UInt8(value))
        if basic.contains(scalar) { return 1 }
        if extended.contains(scalar) { return 2 }
        return 0
    }

    /// The cost of one scalar in septets, or `nil` when it is not GSM-7.
    @inline(__always)
    static func cost(_ scalar: Unicode.Scalar) -> Int? {
        if scalar.value < 128 {
            let cost = asciiCost[Int(scalar.value)]
            return cost == 0 ? nil : Int(cost)
        }
        if basic.contains(scalar) { return 1 }
        if extended.contains(scalar) { return 2 }
        return nil
    }

    /// Whether every character of `text` is in the GSM 03.38 alphabet (basic or extension table).
    public static func isEncodable(_ text: String) -> Bool {
        septets(text) != nil
    }

    /// The length of `text` in septets, or `nil` when it holds a character outside GSM 03.38.
    public static func septets(_ text: String) -> Int? {
        var total = 0
        for scalar in text.unicodeScalars {
            guard let cost = cost(scalar) else { return nil }
            total += cost
        }
        return total
    }

    /// The characters of `text` that GSM-7 cannot carry, each once, in order of appearance.
    public static func unencodableCharacters(in text: String) -> [Character] {
        var seen: [Character] = []
        for character in text where !character.unicodeScalars.allSatisfy({ cost($0) != nil }) {
            if !seen.contains(character) { seen.append(character) }
        }
        return seen
    }

    /// `text` made sendable as GSM-7: characters outside the alphabet are transliterated the way
    /// operators do (ç→c, ô→o, ’→', œ→oe…), and what has no sensible spelling becomes `?`.
    ///
    /// Text that is already GSM-7 is returned unchanged without allocating.
    public static func sanitize(_ text: String) -> String {
        if isEncodable(text) { return text }
        var result = ""
        result.reserveCapacity(text.utf8.count)
        for character in text {
            if character.unicodeScalars.allSatisfy({ cost($0) != nil }) {
                result.append(character)
            } else {
                result += transliterate(character)
            }
        }
        return result
    }

    /// Replacements for common characters outside the alphabet.
    private static let table: [Character: String] = [
        "ç": "c", "â": "a", "á": "a", "ã": "a", "ä": "a", "ê": "e", "ë": "e", "î": "i", "ï": "i", "í": "i",
        "ô": "o", "ó": "o", "õ": "o", "û": "u", "ú": "u", "ü": "u", "ÿ": "y", "ý": "y", "ñ": "n",
        "À": "A", "Â": "A", "Á": "A", "Ã": "A", "È": "E", "Ê": "E", "Ë": "E", "Î": "I", "Ï": "I", "Í": "I",
        "Ô": "O", "Ó": "O", "Õ": "O", "Ù": "U", "Û": "U", "Ú": "U", "Ÿ": "Y", "Ý": "Y",
        "œ": "oe", "Œ": "OE", "ŋ": "n", "Ŋ": "N", "ɔ": "o", "Ɔ": "O", "ɛ": "e", "Ɛ": "E", "ƒ": "f",
        "’": "'", "‘": "'", "‚": ",", "“": "\"", "”": "\"", "„": "\"", "«": "\"", "»": "\"",
        "–": "-", "—": "-", "…": "...", "\u{00A0}": " ", "\u{202F}": " ", "\t": " ", "`": "'", "•": "-",
    ]

    /// One character that GSM-7 cannot carry, spelled with characters it can.
    static func transliterate(_ character: Character) -> String {
        if let replacement = table[character] { return replacement }
        // A decomposed or otherwise accented letter: keep its base letter when that one is GSM-7
        // (é written as e + U+0301 becomes é if precomposed form is GSM, else the bare e).
        let precomposed = String(character).precomposedStringWithCanonicalMapping
        if isEncodable(precomposed) { return precomposed }
        if let replacement = precomposed.first.flatMap({ table[$0] }) { return replacement }
        if let base = character.unicodeScalars.first, cost(base) != nil, base.properties.isAlphabetic {
            return String(base)
        }
        return "?"
    }
}
