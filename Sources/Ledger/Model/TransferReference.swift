import Operators

/// A receipt reference, `TM261127.000123`: two letters, the UTC day `yyMMdd`, a dot, the transfer id.
public struct TransferReference: Sendable, Hashable, CustomStringConvertible {
    public let prefix: String
    public let day: CivilDate
    public let id: Transfer.ID

    public init(prefix: String, createdAt: Int64, id: Transfer.ID) {
        self.prefix = prefix
        self.day = CivilDate(epochMillis: createdAt)
        self.id = id
    }

    /// Parses a reference typed by a person; only the id part identifies the transfer.
    public init?(_ text: String) {
        let parts = text.uppercased().split(separator: ".")
        guard parts.count == 2, parts[0].count == 8, let id = Int64(parts[1]), id > 0 else { return nil }
        let head = parts[0]
        let prefix = String(head.prefix(2))
        guard prefix.allSatisfy({ $0.isLetter }), let yymmdd = Int(head.dropFirst(2)) else { return nil }
        self.prefix = prefix
        self.day = CivilDate(year: 2000 + yymmdd / 10_000, month: yymmdd / 100 % 100, day: yymmdd % 100)
        self.id = id
    }

    public var description: String {
        let digits = String(id)
        let padded = digits.count >= 6 ? digits : String(repeating: "0", count: 6 - digits.count) + digits
        return prefix + day.compact + "." + padded
    }
}
