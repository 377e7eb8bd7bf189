/// Formats amounts the way Togolese receipts write them: `5 000 FCFA`.
public enum MoneyFormat {
    /// `value` (an integer amount as text) with thousands separated by spaces and the currency
    /// label after it; text that is not an integer is returned unchanged.
    public static func format(_ value: String, currency: String = "FCFA") -> String {
        guard let amount = Int64(value) else { return value }
        return format(amount, currency: currency)
    }

    /// `amount` with thousands separated by spaces and the currency label after it.
    public static func format(_ amount: Int64, currency: String = "FCFA") -> String {
        let digits = String(amount.magnitude)
        var grouped = ""
        grouped.reserveCapacity(digits.count + digits.count / 3 + currency.count + 2)
        if amount < 0 { grouped.append("-") }
        for (index, digit) in digits.enumerated() {
            if index > 0, (digits.count - index) % 3 == 0 { grouped.append(" ") }
            grouped.append(digit)
        }
        return currency.isEmpty ? grouped : grouped + " " + currency
    }
}
