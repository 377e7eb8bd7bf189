/// A date as delivery receipts write it: `YYMMDDhhmm` (UTC by convention; the receipt text carries no zone).
public struct ReceiptDate: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// Four-digit year (2000–2099 when parsed from two digits).
    public var year: Int
    public var month: Int
    public var day: Int
    public var hour: Int
    public var minute: Int

    public init(year: Int, month: Int, day: Int, hour: Int, minute: Int) {
        self.year = year
        self.month = month
        self.day = day
        self.hour = hour
        self.minute = minute
    }

    /// The UTC calendar minute of a Unix time (seconds since 1970-01-01T00:00Z).
    public init(unixSeconds: Int64) {
        let days = Int(unixSeconds.floorDivided(by: 86_400))
        let secondsOfDay = Int(unixSeconds - Int64(days) * 86_400)
        // Howard Hinnant's civil_from_days.
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        self.init(
            year: yoe + era * 400 + (month <= 2 ? 1 : 0), month: month, day: day, hour: secondsOfDay / 3600,
            minute: secondsOfDay % 3600 / 60)
    }

    /// Parses `YYMMDDhhmm`, also accepting the `YYMMDDhhmmss` some SMSCs write (seconds are dropped).
    public init?(_ text: some StringProtocol) {
        let digits = Array(text.utf8)
        guard digits.count == 10 || digits.count == 12, digits.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return nil }
        func field(_ offset: Int) -> Int { Int(digits[offset] - 0x30) * 10 + Int(digits[offset + 1] - 0x30) }
        let (month, day, hour, minute) = (field(2), field(4), field(6), field(8))
        guard (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60 else { return nil }
        self.init(year: 2000 + field(0), month: month, day: day, hour: hour, minute: minute)
    }

    /// `YYMMDDhhmm`.
    public var description: String {
        func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value % 100)" }
        return two(year % 100) + two(month) + two(day) + two(hour) + two(minute)
    }

    public static func < (lhs: ReceiptDate, rhs: ReceiptDate) -> Bool {
        (lhs.year, lhs.month, lhs.day, lhs.hour, lhs.minute) < (rhs.year, rhs.month, rhs.day, rhs.hour, rhs.minute)
    }
}

extension Int64 {
    fileprivate func floorDivided(by divisor: Int64) -> Int64 {
        let quotient = self / divisor
        return (self % divisor != 0 && (self < 0) != (divisor < 0)) ? quotient - 1 : quotient
    }
}
