/// Togolese phone numbers: `228` followed by 8 digits, written without `+`.
public enum MSISDN {
    /// The country code every normalised number starts with.
    public static let countryCode = "228"

    /// `input` as `228XXXXXXXX`, or `nil` when it is not a Togolese number. Accepts the 8-digit
    /// local form (`90112233`), the full form (`22890112233`), and a leading `+` or `00`.
    public static func normalise(_ input: String) -> String? {
        var digits = Substring(input)
        if digits.hasPrefix("+") {
            digits = digits.dropFirst()
        } else if digits.hasPrefix("00"), digits.count == 13 {
            digits = digits.dropFirst(2)
        }
        guard digits.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        switch digits.count {
        case 8: return countryCode + digits
        case 11 where digits.hasPrefix(countryCode): return String(digits)
        default: return nil
        }
    }

    /// The 8-digit local part of a `228XXXXXXXX` number; other text unchanged.
    public static func localPart(of msisdn: String) -> String {
        if msisdn.count == 11, msisdn.hasPrefix(countryCode) { return String(msisdn.dropFirst(3)) }
        return msisdn
    }
}
