import Foundation

/// One table's rows as plain values, in key order: how `sika ledger copy` moves a ledger from one store to
/// another (tables, columns and ids as they are) and proves both sides equal afterwards.
///
/// Values are SQLite's storage classes, the narrowest common ground: a PostgreSQL `BOOLEAN` is an integer
/// 0 or 1 here, `BYTEA` a blob.
public struct TableSnapshot: Sendable, Hashable {
    public enum Value: Sendable, Hashable, CustomStringConvertible {
        case null
        case integer(Int64)
        case real(Double)
        case text(String)
        case blob(Data)

        public var description: String {
            switch self {
            case .null: "NULL"
            case .integer(let value): "\(value)"
            case .real(let value): "\(value)"
            case .text(let value): "'\(value)'"
            case .blob(let value): "<\(value.count) bytes>"
            }
        }
    }

    public let name: String
    public let columns: [String]
    public var rows: [[Value]]

    public init(name: String, columns: [String], rows: [[Value]]) {
        self.name = name
        self.columns = columns
        self.rows = rows
    }

    /// The same table with only `names`, in that order (nil when a column is missing).
    public func projected(on names: [String]) -> TableSnapshot? {
        let indexes = names.compactMap { columns.firstIndex(of: $0) }
        guard indexes.count == names.count else { return nil }
        return TableSnapshot(name: name, columns: names, rows: rows.map { row in indexes.map { row[$0] } })
    }

    /// The first difference between this table and `other`, for people; nil when they hold the same rows.
    public func difference(from other: TableSnapshot) -> String? {
        guard columns == other.columns else { return "\(name): columns \(columns) differ from \(other.columns)" }
        guard rows.count == other.rows.count else { return "\(name): \(rows.count) rows here, \(other.rows.count) there" }
        for (index, (mine, theirs)) in zip(rows, other.rows).enumerated() where mine != theirs {
            let column = zip(columns, zip(mine, theirs)).first { $0.1.0 != $0.1.1 }
            return "\(name), row \(index + 1): \(column.map { "\($0.0) is \($0.1.0) here, \($0.1.1) there" } ?? "differs")"
        }
        return nil
    }
}

extension TableSnapshot {
    /// The rows in one order whatever the store's collation: by their values, left to right.
    public func canonical() -> TableSnapshot {
        TableSnapshot(name: name, columns: columns, rows: rows.sorted { $0.lexicographicallyPrecedes($1, by: Value.precedes) })
    }
}

extension TableSnapshot.Value {
    /// A total order: null, integers, reals, texts (by UTF-8 bytes), blobs.
    static func precedes(_ a: Self, _ b: Self) -> Bool {
        switch (a, b) {
        case (.integer(let x), .integer(let y)): x < y
        case (.real(let x), .real(let y)): x < y
        case (.text(let x), .text(let y)): x.utf8.lexicographicallyPrecedes(y.utf8)
        case (.blob(let x), .blob(let y)): x.lexicographicallyPrecedes(y)
        default: a.rank < b.rank
        }
    }

    private var rank: Int {
        switch self {
        case .null: 0
        case .integer: 1
        case .real: 2
        case .text: 3
        case .blob: 4
        }
    }
}
