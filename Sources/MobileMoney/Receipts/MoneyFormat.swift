import Ledger

/// How amounts and instants read on a phone: `5 000 FCFA`, `27/11/2026 10:32`.
public enum MoneyFormat {
    /// Thousands grouped with spaces, as in Togo in both languages, then the currency.
    public static func amount(_ value: Int64) -> String {
        let digits = String(value.magnitude)
        var grouped = ""
        for (index, char) in digits.enumerated() {
            if index > 0 && (digits.count - index) % 3 == 0 { grouped.append(" ") }
            grouped.append(char)
        }
        return (value < 0 ? "-" : "") + grouped + " FCFA"
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
