import Foundation
import GRDB
import Ledger

extension SQLiteLedgerStore {
    /// Every table of the ledger file but GRDB's migration log, with all its rows, read in one snapshot:
    /// what `sika ledger copy` moves to another store. Safe while `sika serve` writes: it sees one instant.
    public func tableSnapshots() async throws -> [TableSnapshot] {
        try await snapshotRead { db in
            let names = try String.fetchAll(
                db,
                sql: "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> 'grdb_migrations' ORDER BY name")
            return try names.map { name in
                let columns = try db.columns(in: name).map(\.name)
                let rows = try Row.fetchAll(db, sql: "SELECT * FROM \(name.quotedDatabaseIdentifier)").map { row in
                    columns.indices.map { index in Self.value(row[index] as DatabaseValue) }
                }
                return TableSnapshot(name: name, columns: columns, rows: rows)
            }
        }
    }

    private static func value(_ value: DatabaseValue) -> TableSnapshot.Value {
        switch value.storage {
        case .null: .null
        case .int64(let integer): .integer(integer)
        case .double(let real): .real(real)
        case .string(let text): .text(text)
        case .blob(let data): .blob(data)
        }
    }
}
