import Ledger
import Operators
import Testing

/// Amounts and times as receipts print them, byte-built, against plain references written the obvious way.
@Suite struct MoneyFormatTests {
    /// Groups of three from the right, joined by spaces.
    private func grouped(_ value: Int64) -> String {
        let digits = Array(String(value.magnitude))
        var groups: [String] = []
        var end = digits.count
        while end > 0 {
            groups.insert(String(digits[max(0, end - 3)..<end]), at: 0)
            end -= 3
        }
        return (value < 0 ? "-" : "") + groups.joined(separator: " ")
    }

    @Test func amountsAreGroupedByThreesWithTheirCurrency() {
        #expect(MoneyFormat.amount(0) == "0 FCFA")
        #expect(MoneyFormat.amount(999) == "999 FCFA")
        #expect(MoneyFormat.amount(1000) == "1 000 FCFA")
        #expect(MoneyFormat.amount(3_999_890) == "3 999 890 FCFA")
        #expect(MoneyFormat.amount(-1_500, currency: "") == "-1 500")
        #expect(MoneyFormat.amount(.max, currency: "") == "9 223 372 036 854 775 807")
        #expect(MoneyFormat.amount(.min, currency: "") == "-9 223 372 036 854 775 808")
        var random = SplitMix64(seed: 7)
        for _ in 0..<5000 {
            let value = Int64(bitPattern: random.next()) >> (random.next() % 63)
            #expect(MoneyFormat.amount(value, currency: "XOF") == grouped(value) + " XOF", "\(value)")
        }
    }

    @Test func timesAreDayMonthYearHoursMinutesInUTC() {
        #expect(MoneyFormat.dateTime(0) == "01/01/1970 00:00")
        #expect(MoneyFormat.dateTime(1_796_596_200_000) == "06/12/2026 22:30")
        var random = SplitMix64(seed: 11)
        for _ in 0..<5000 {
            let millis = Int64(random.next() % 253_402_300_799_000)  // up to 9999-12-31
            let date = CivilDate(epochMillis: millis)
            let minutes = Int((millis / 60_000) % 1440)
            let reference = date.display + " " + CivilDate.two(minutes / 60) + ":" + CivilDate.two(minutes % 60)
            #expect(MoneyFormat.dateTime(millis) == reference, "\(millis)")
        }
    }
}
