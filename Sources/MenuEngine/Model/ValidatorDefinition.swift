/// The check an `input` screen applies to an answer, as written in the menu file.
///
/// In YAML: a bare name (`validate: msisdn`) or a mapping with `type:` and options:
/// `{ type: digits, length: 6 }`, `{ type: digits, min: 1, max: 3 }`, `{ type: amount, min: 500 }`,
/// `{ type: regex, pattern: "^[A-Za-z ]{2,30}$", reason: {...} }`,
/// `{ type: choice, choices: ["1", "2"] }` or `{ type: choice, choices: { "1": fr, "2": en } }`.
/// Every validator may carry a `reason:` text shown above the screen when an answer is refused;
/// otherwise the service text named after the validator is used (`invalid_msisdn`, `invalid_pin`…).
struct ValidatorDefinition: Sendable {
    enum Kind: Sendable {
        /// Only digits, between `min` and `max` of them.
        case digits(min: Int, max: Int)
        /// A whole amount; limits default to the service's `limits.amount` (or the host's).
        case amount(min: Int64?, max: Int64?)
        /// A Togolese number, stored as `228XXXXXXXX`.
        case msisdn
        /// A 4-digit PIN: masked, never taken from a dial string, dropped after the action using it.
        case pin
        /// Matches a regular expression (whole answer).
        case regex(pattern: String)
        /// One of a fixed list of answers, each stored as its value.
        case choice([(answer: String, value: String)])

        var name: String {
            switch self {
            case .digits: "digits"
            case .amount: "amount"
            case .msisdn: "msisdn"
            case .pin: "pin"
            case .regex: "regex"
            case .choice: "choice"
            }
        }
    }

    /// The validator names a menu may use.
    static let names = ["digits", "amount", "msisdn", "pin", "regex", "choice"]

    var kind: Kind
    var reason: LocalizedText?
    var location: SourceLocation

    /// The service text used as reason when the screen gives none.
    var defaultReasonKey: String { "invalid_" + kind.name }
}
