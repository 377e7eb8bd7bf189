/// A phone number as E.164 digits without `+` (`22890112233`).
public struct MSISDN: Sendable, Hashable, Codable, CustomStringConvertible {
    public let digits: String

    /// Country code of Togo, the only country served today.
    public static let countryCode = "228"

    /// Accepts what people type: `90112233`, `22890112233`, `+22890112233`, `0022890112233`, with spaces.
    public init?(_ text: String) {
        var digits = text.filter { $0 != " " && $0 != "-" && $0 != "." }
        // An 8-digit local number may itself start with 00; only a longer one carries an international prefix.
        if digits.hasPrefix("+") { digits.removeFirst() } else if digits.hasPrefix("00") && digits.count > 8 { digits.removeFirst(2) }
        guard digits.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        if digits.count == 8 { digits = Self.countryCode + digits }
        guard digits.count == 11, digits.hasPrefix(Self.countryCode) else { return nil }
        self.digits = digits
    }

    /// The 8-digit local number.
    public var local: String { String(digits.dropFirst(Self.countryCode.count)) }

    /// The local part of a normalised number (`22890112233` → `90112233`); any other text unchanged.
    public static func localPart(of text: String) -> String {
        MSISDN(text).map { $0.digits == text ? $0.local : text } ?? text
    }
    public var description: String { digits }
}
