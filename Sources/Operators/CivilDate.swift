/// A calendar day in UTC (Lomé's time zone), computed without Foundation's formatters because it sits on
/// the hot path of every transfer (daily caps, references).
public struct CivilDate: Sendable, Hashable, Comparable {
    public let year: Int
    public let month: Int
    public let day: Int

    public init(year: Int, month: Int, day: Int) {
        self.year = year
        self.month = month
        self.day = day
    }

    /// The day holding this instant (milliseconds since 1970, UTC).
    public init(epochMillis: Int64) {
        self.init(epochDay: Self.epochDay(millis: epochMillis))
    }

    /// Days since 1970-01-01 for an instant; the key of daily limits.
    public static func epochDay(millis: Int64) -> Int64 {
        millis >= 0 ? millis / 86_400_000 : (millis - 86_399_999) / 86_400_000
    }

    /// From days since 1970-01-01 (Howard Hinnant's civil-from-days).
    public init(epochDay: Int64) {
        let z = epochDay + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        self.init(year: Int(yoe + era * 400 + (m <= 2 ? 1 : 0)), month: Int(m), day: Int(d))
    }

    /// `yyMMdd`, as in references.
    public var compact: String { Self.two(year % 100) + Self.two(month) + Self.two(day) }

    /// `dd/MM/yyyy`, as on receipts.
    public var display: String { Self.two(day) + "/" + Self.two(month) + "/" + String(year) }

    public static func < (a: CivilDate, b: CivilDate) -> Bool {
        (a.year, a.month, a.day) < (b.year, b.month, b.day)
    }

    public static func two(_ n: Int) -> String { n < 10 ? "0" + String(n) : String(n) }
}
