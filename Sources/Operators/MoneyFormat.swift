/// How amounts and instants read on a phone and in receipts: `5 000 FCFA`, `27/11/2026 10:32`.
///
/// The one formatter of the code base: screens (through the menu engine's host rules), SMS receipts,
/// statements and reports all write money through it, so a screen and its receipt never disagree.
public enum MoneyFormat {
    /// The label written after XOF amounts.
    public static let defaultCurrency = "FCFA"

    /// Thousands grouped with spaces, as in Togo in both languages, then the currency label (none if empty).
    ///
    /// Written byte by byte: every receipt formats two or three amounts inside the ledger's write lock, where
    /// walking the digits as Characters (and counting them again for each one) showed in the profile.
    public static func amount(_ value: Int64, currency: String = defaultCurrency) -> String {
        // At most 19 digits, 6 spaces and a sign.
        let grouped = String(unsafeUninitializedCapacity: 26) { buffer in
            var magnitude = value.magnitude
            var start = buffer.count
            var digits = 0
            repeat {
                if digits > 0 && digits % 3 == 0 {
                    start -= 1
                    buffer[start] = UInt8(ascii: " ")
                }
                start -= 1
                buffer[start] = UInt8(ascii: "0") + UInt8(magnitude % 10)
                magnitude /= 10
                digits += 1
            } while magnitude > 0
            if value < 0 {
                start -= 1
                buffer[start] = UInt8(ascii: "-")
            }
            // Written from the right end: move it to the start.
            let count = buffer.count - start
            for index in 0..<count { buffer[index] = buffer[start + index] }
            return count
        }
        return currency.isEmpty ? grouped : grouped + " " + currency
    }

    /// `dd/MM/yyyy HH:mm`, UTC (Lomé's time zone).
    public static func dateTime(_ millis: Int64) -> String {
        let date = CivilDate(epochMillis: millis)
        let minutes = Int((millis / 60_000) % 1440)
        guard (1000...9999).contains(date.year), minutes >= 0 else {
            return date.display + " " + CivilDate.two(minutes / 60) + ":" + CivilDate.two(minutes % 60)
        }
        return String(unsafeUninitializedCapacity: 16) { buffer in
            func put(_ number: Int, digits: Int, at offset: Int) {
                var number = number
                for index in (0..<digits).reversed() {
                    buffer[offset + index] = UInt8(ascii: "0") + UInt8(number % 10)
                    number /= 10
                }
            }
            put(date.day, digits: 2, at: 0)
            buffer[2] = UInt8(ascii: "/")
            put(date.month, digits: 2, at: 3)
            buffer[5] = UInt8(ascii: "/")
            put(date.year, digits: 4, at: 6)
            buffer[10] = UInt8(ascii: " ")
            put(minutes / 60, digits: 2, at: 11)
            buffer[13] = UInt8(ascii: ":")
            put(minutes % 60, digits: 2, at: 14)
            return 16
        }
    }

    /// `dd/MM`, for statement lines.
    public static func dayMonth(_ millis: Int64) -> String {
        let date = CivilDate(epochMillis: millis)
        return CivilDate.two(date.day) + "/" + CivilDate.two(date.month)
    }
}
