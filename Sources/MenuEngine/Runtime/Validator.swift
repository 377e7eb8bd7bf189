import Foundation

/// A compiled input check: turns an answer into the value stored, or refuses it.
struct Validator: Sendable {
    enum Kind: Sendable {
        case digits(min: Int, max: Int)
        case amount(min: Int64, max: Int64)
        case msisdn
        case pin
        /// Anchored to the whole answer at compile time.
        case regex(NSRegularExpression)
        case choice([String: String])
    }

    static let pinLength = 4

    let kind: Kind
    /// The reason shown above the screen when an answer is refused, per language index.
    let reason: [Template]
    /// Values the reason may show: `min` and `max` of an amount or digits validator.
    let reasonValues: [String: String]

    var isPin: Bool {
        if case .pin = kind { true } else { false }
    }

    /// The value to store for `input`, or `nil` when the answer is refused.
    func validate(_ input: String, rules: HostRules) -> String? {
        switch kind {
        case .digits(let min, let max):
            return input.count >= min && input.count <= max && input.allDigits ? input : nil
        case .amount(let min, let max):
            // Leading zeros are harmless ("05000"), anything else but digits is not an amount.
            guard input.allDigits, input.count <= 15, let amount = Int64(input), amount >= min, amount <= max else { return nil }
            return String(amount)
        case .msisdn:
            return rules.phoneNumber(input)
        case .pin:
            return input.count == Self.pinLength && input.allDigits ? input : nil
        case .regex(let regex):
            return regex.firstMatch(in: input, range: NSRange(input.startIndex..., in: input)) != nil ? input : nil
        case .choice(let choices):
            return choices[input]
        }
    }
}

extension StringProtocol {
    /// Non-empty and only ASCII digits.
    var allDigits: Bool {
        !isEmpty && utf8.allSatisfy { $0 >= 0x30 && $0 <= 0x39 }
    }
}

extension Validator {
    /// `pattern` compiled to match a whole answer.
    static func anchored(_ pattern: String) throws -> NSRegularExpression {
        try NSRegularExpression(pattern: "^(?:" + pattern + ")$")
    }
}
