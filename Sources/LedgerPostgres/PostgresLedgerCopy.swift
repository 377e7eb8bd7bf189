import Foundation
import Ledger
import PostgresNIO

/// Moves a ledger's tables into an empty PostgreSQL schema, ids and all, and reads them back for comparison:
/// the store side of `sika ledger copy`.
public enum PostgresLedgerCopy {
    /// Tables of the PostgreSQL schema that have no counterpart elsewhere: the migration log, and the shards
    /// that system accounts' balances are spread over (made here, empty, for every system account).
    static let ownTables: Set<String> = ["schema_migrations", "account_shards", "writer_batches"]

    /// Migrates the schema, refuses it unless every table is empty, then inserts every row of `tables` in one
    /// transaction (parents before children, ids kept, identity sequences moved past them).
    ///
    /// - Returns: the rows inserted, by table.
    /// - Throws: `LedgerError(.storage)` naming a table that is not empty, or a table or column with no counterpart.
    public static func load(_ tables: [TableSnapshot], into endpoint: PostgresEndpoint, extraMigrations: [PostgresMigration] = []) async throws
        -> [String: Int]
    {
        try await BlockingWork.run {
            let connection = try BlockingPostgresConnection.connect(to: endpoint, applicationName: "sika-copy")
            defer { connection.close() }
            try PostgresMigrator.migrate(connection, PostgresLedgerSchema.migrations + extraMigrations)
            try connection.simple("SET synchronous_commit TO on")
            let schema = try columnTypes(connection)
            for (table, _) in schema where !ownTables.contains(table) {
                let count = try connection.query("SELECT count(*) FROM \(table)").first.map { try PostgresCells($0).int(0) } ?? 0
                guard count == 0 else {
                    throw LedgerError(.storage, "\(endpoint.location) is not empty (\(count) rows in \(table)): copy only into an empty database")
                }
            }
            for table in tables {
                guard let columns = schema[table.name] else {
                    throw LedgerError(.storage, "table \(table.name) has no counterpart in \(endpoint.location)")
                }
                for column in table.columns where columns[column] == nil {
                    throw LedgerError(.storage, "column \(table.name).\(column) has no counterpart in \(endpoint.location)")
                }
            }
            let order = try parentsFirst(tables.map(\.name), connection)
            try connection.simple("BEGIN")
            do {
                var counts: [String: Int] = [:]
                for name in order {
                    guard let table = tables.first(where: { $0.name == name }), let types = schema[name] else { continue }
                    let placeholders = table.columns.indices.map { "$\($0 + 1)" }.joined(separator: ", ")
                    let sql = "INSERT INTO \(name) (\(table.columns.joined(separator: ", "))) VALUES (\(placeholders))"
                    // Parents before children within a table too: ids ascend, and a fee or reversal names a lower id.
                    for row in table.canonical().rows {
                        try connection.send(sql, try zip(table.columns, row).map { column, value in try bind(value, as: types[column] ?? "text") })
                    }
                    try connection.settle()
                    counts[name] = table.rows.count
                }
                try connection.query(
                    """
                    INSERT INTO account_shards (account_id, shard, balance)
                    SELECT a.id, g, 0 FROM accounts a, generate_series(0, $1::bigint - 1) AS g WHERE a.kind NOT IN ('wallet', 'agent')
                    ON CONFLICT DO NOTHING
                    """, [PostgresBind.int(Int64(PostgresLedgerSchema.shards))])
                try moveSequences(connection)
                guard try connection.simple("COMMIT").command == "COMMIT" else { throw LedgerError(.storage, "the copy was rolled back") }
                return counts
            } catch {
                connection.discardSent()
                if !connection.isBroken { _ = try? connection.simple("ROLLBACK") }
                throw LedgerError.wrapPostgres(error)
            }
        }
    }

    /// The tables named, as they are now, with each system account's balance read as the store reads it (its row
    /// plus its shards), in the same storage classes an SQLite snapshot has.
    public static func snapshots(of names: [String], at endpoint: PostgresEndpoint) async throws -> [TableSnapshot] {
        try await BlockingWork.run {
            let connection = try BlockingPostgresConnection.connect(to: endpoint, applicationName: "sika-copy-check")
            defer { connection.close() }
            let schema = try columnTypes(connection)
            try connection.simple("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
            defer { _ = try? connection.simple("COMMIT") }
            return try names.compactMap { name -> TableSnapshot? in
                guard let types = schema[name] else { return nil }
                let columns = try columnOrder(name, connection)
                let select = columns.map { column in
                    name == "accounts" && column == "balance" ? "\(PostgresLedgerSQL.balance(of: "t")) AS balance" : "t.\(column)"
                }
                let rows = try connection.query("SELECT \(select.joined(separator: ", ")) FROM \(name) t").map { row in
                    let cells = PostgresCells(row)
                    return try columns.indices.map { try value(cells, $0, type: types[columns[$0]] ?? "text") }
                }
                return TableSnapshot(name: name, columns: columns, rows: rows)
            }
        }
    }

    // MARK: Catalog

    /// Every table of the schema with its columns' types (`bigint`, `text`, `boolean`, `bytea`, `double precision`).
    private static func columnTypes(_ connection: BlockingPostgresConnection) throws -> [String: [String: String]] {
        let rows = try connection.query(
            "SELECT table_name, column_name, data_type FROM information_schema.columns WHERE table_schema = $1",
            [PostgresBind.text(connection.endpoint.schema)])
        var tables: [String: [String: String]] = [:]
        for row in rows {
            let cells = PostgresCells(row)
            tables[try cells.text(0), default: [:]][try cells.text(1)] = try cells.text(2)
        }
        return tables
    }

    private static func columnOrder(_ table: String, _ connection: BlockingPostgresConnection) throws -> [String] {
        try connection.query(
            "SELECT column_name FROM information_schema.columns WHERE table_schema = $1 AND table_name = $2 ORDER BY ordinal_position",
            [PostgresBind.text(connection.endpoint.schema), PostgresBind.text(table)]
        ).map { try PostgresCells($0).text(0) }
    }

    /// `names` ordered so that a table comes after every table its foreign keys point to.
    private static func parentsFirst(_ names: [String], _ connection: BlockingPostgresConnection) throws -> [String] {
        let edges = try connection.query(
            """
            SELECT child.relname, parent.relname FROM pg_constraint c
            JOIN pg_class child ON child.oid = c.conrelid JOIN pg_class parent ON parent.oid = c.confrelid
            JOIN pg_namespace n ON n.oid = c.connamespace
            WHERE c.contype = 'f' AND n.nspname = $1
            """, [PostgresBind.text(connection.endpoint.schema)]
        ).map { row in
            let cells = PostgresCells(row)
            return (child: try cells.text(0), parent: try cells.text(1))
        }
        var ordered: [String] = []
        var remaining = names.sorted()
        while !remaining.isEmpty {
            guard
                let next = remaining.first(where: { name in
                    edges.allSatisfy { $0.child != name || $0.parent == name || ordered.contains($0.parent) || !remaining.contains($0.parent) }
                })
            else { throw LedgerError(.storage, "the tables' foreign keys form a cycle: \(remaining)") }
            ordered.append(next)
            remaining.removeAll { $0 == next }
        }
        return ordered
    }

    /// Moves every identity sequence past the ids copied, so that the next insert does not collide.
    private static func moveSequences(_ connection: BlockingPostgresConnection) throws {
        let identities = try connection.query(
            "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = $1 AND is_identity = 'YES'",
            [PostgresBind.text(connection.endpoint.schema)]
        ).map { row in
            let cells = PostgresCells(row)
            return (try cells.text(0), try cells.text(1))
        }
        for (table, column) in identities where !ownTables.contains(table) {
            try connection.simple(
                "SELECT setval(pg_get_serial_sequence('\(table)', '\(column)'), (SELECT COALESCE(MAX(\(column)), 0) + 1 FROM \(table)), false)")
        }
    }

    // MARK: Values

    private static func bind(_ value: TableSnapshot.Value, as type: String) throws -> PostgresData {
        switch (value, type) {
        case (.null, _): return .null
        case (.integer(let integer), "boolean"): return PostgresBind.bool(integer != 0)
        case (.integer(let integer), "double precision"): return PostgresBind.double(Double(integer))
        case (.integer(let integer), _): return PostgresBind.int(integer)
        case (.real(let real), _): return PostgresBind.double(real)
        case (.text(let text), _): return PostgresBind.text(text)
        case (.blob(let data), _): return PostgresBind.bytes(data)
        }
    }

    private static func value(_ cells: PostgresCells, _ index: Int, type: String) throws -> TableSnapshot.Value {
        switch type {
        case "bigint", "integer", "smallint": return try cells.optionalInt(index).map { .integer($0) } ?? .null
        case "boolean": return try cells.optionalBool(index).map { .integer($0 ? 1 : 0) } ?? .null
        case "bytea": return try cells.optionalBytes(index).map { .blob($0) } ?? .null
        case "double precision", "real": return try cells.optionalDouble(index).map { .real($0) } ?? .null
        default: return try cells.optionalText(index).map { .text($0) } ?? .null
        }
    }
}
