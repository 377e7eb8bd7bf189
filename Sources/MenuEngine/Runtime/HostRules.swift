/// The rules the engine takes from its host instead of owning them: what a phone number is and how
/// money reads. The engine knows no country and no currency; Sika's host gives it Togo's numbering
/// and the one money format its receipts use, so a number a screen accepts is a number the
/// operations accept, and an amount reads the same on a screen and in its SMS.
public struct HostRules: Sendable {
    /// A number as a person typed it → the normalised number to store, or `nil` to refuse the answer.
    public var phoneNumber: @Sendable (String) -> String?
    /// A stored number → the short form the `local` filter shows.
    public var localNumber: @Sendable (String) -> String
    /// An amount in minor units and the service's currency label → the text the `money` filter shows.
    public var money: @Sendable (Int64, String) -> String

    public init(
        phoneNumber: @escaping @Sendable (String) -> String?, localNumber: @escaping @Sendable (String) -> String,
        money: @escaping @Sendable (Int64, String) -> String
    ) {
        self.phoneNumber = phoneNumber
        self.localNumber = localNumber
        self.money = money
    }

    /// No numbering plan: a number is 6 to 15 digits (a leading `+` dropped), shown as typed; amounts
    /// are grouped by thousands with spaces. For hosts without one, and for the engine's own tests.
    public static let plain = HostRules(
        phoneNumber: { text in
            let digits = text.hasPrefix("+") ? Substring(text.dropFirst()) : Substring(text)
            return (6...15).contains(digits.count) && digits.allDigits ? String(digits) : nil
        },
        localNumber: { $0 },
        money: { amount, currency in
            let digits = String(amount.magnitude)
            var grouped = amount < 0 ? "-" : ""
            for (index, digit) in digits.enumerated() {
                if index > 0, (digits.count - index) % 3 == 0 { grouped.append(" ") }
                grouped.append(digit)
            }
            return currency.isEmpty ? grouped : grouped + " " + currency
        })
}
