/// How amounts and instants read on a phone and in receipts: `5 000 FCFA`, `27/11/2026 10:32`.
///
/// The one formatter of the code base: screens (through the menu engine's host rules), SMS receipts,
/// statements and reports all write money through it, so a screen and its receipt never disagree.
public enum MoneyFormat {
    /// The label written after XOF amounts.
    public static let defaultCurrency = "FCFA"

    /// Thousands grouped with spaces, as in Togo in both languages, then the currency label (none if empty).
    public static func amount(_ value: Int64, currency: String = defaultCurrency) -> String {
        let digits = String(value.magnitude)
        var grouped = ""
        grouped.reserveCapacity(digits.count + digits.count / 3 + currency.count + 2)
        if value < 0 { grouped.append("-") }
        for (index, char) in digits.enumerated() {
            if index > 0 && (digits.count - index) % 3 == 0 { grouped.append(" ") }
            grouped.append(char)
        }
        return currency.isEmpty ? grouped : grouped + " " + currency
    }

    /// `dd/MM/yyyy HH:mm`, UTC (Lomé's time zone).
    public static func dateTime(_ millis: Int64) -> String {
        let minutes = (millis / 60_000) % 1440
        return CivilDate(epochMillis: millis).display + " " + CivilDate.two(Int(minutes / 60)) + ":" + CivilDate.two(Int(minutes % 60))
    }

    /// `dd/MM`, for statement lines.
    public static func dayMonth(_ millis: Int64) -> String {
        let date = CivilDate(epochMillis: millis)
        return CivilDate.two(date.day) + "/" + CivilDate.two(date.month)
    }
}
