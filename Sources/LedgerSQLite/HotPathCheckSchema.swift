import Foundation
import GRDB

/// The tables every transfer and every delivered SMS write, rebuilt with their value rules written as
/// comparisons.
///
/// A `CHECK (state IN ('pending', 'posted', 'voided'))` makes SQLite build a temporary b-tree of the values
/// (an ephemeral table with its own pager) on every insert or update of the row: two per transfer in
/// `transfers`, two in `outbox` (its delivery state), one per e-mail notice in `mail_outbox`, one per part
/// of every SMS sent in `outbox_parts` — a measurable share of the writer's time (docs/BENCHMARKS.md).
/// SQLite cannot change a CHECK in place, so each table is rebuilt the documented way: a new table, the
/// rows copied, the old one dropped, the new one renamed, its indexes made again. The new table is the
/// definition the database holds with only the rule's text replaced, and its indexes are the ones the
/// database holds: nothing else can differ. The rules themselves are unchanged (a NULL still passes, as it
/// did). GRDB runs a migration with foreign keys off and checks them all before it commits, so the tables
/// that refer to these keep pointing at them.
enum HotPathCheckSchema {
    static func register(in migrator: inout DatabaseMigrator) {
        migrator.registerMigration("ledger.hot-path-checks.v2") { db in
            try rebuild(db, "transfers", rule: "state IN ('pending', 'posted', 'voided')")
            try rebuild(db, "outbox", rule: "dlr_state IN ('submitted', 'retrying', 'delivered', 'undelivered', 'expired')")
            try rebuild(db, "mail_outbox", rule: "state IN ('queued', 'sent', 'failed', 'dead')")
            try rebuild(db, "outbox_parts", rule: "state IN ('pending', 'delivered', 'failed', 'expired')")
        }
    }

    /// `column IN ('a', 'b')` as `(column = 'a' OR column = 'b')`: the same truth for every value, NULL included.
    static func comparisons(_ rule: String) throws -> String {
        guard let range = rule.range(of: " IN ("), rule.hasSuffix(")") else {
            throw DatabaseError(message: "not a list rule: \(rule)")
        }
        let column = rule[..<range.lowerBound]
        let values = rule[range.upperBound..<rule.index(before: rule.endIndex)].split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        return "(" + values.map { "\(column) = \($0)" }.joined(separator: " OR ") + ")"
    }

    /// Replaces `table` by the same definition with `rule` written as comparisons, with its rows, then makes the
    /// indexes it had again (dropping a table drops its indexes). A definition without `rule` exactly once is a
    /// failed migration, never a silent no-op.
    private static func rebuild(_ db: Database, _ table: String, rule: String) throws {
        guard let definition = try String.fetchOne(db, sql: "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", arguments: [table]),
            definition.components(separatedBy: rule).count == 2, definition.hasPrefix("CREATE TABLE \(table) ")
        else {
            throw DatabaseError(message: "\(table) does not hold the rule \(rule) once")
        }
        let rebuilt =
            "CREATE TABLE new_\(table) "
            + definition.dropFirst("CREATE TABLE \(table) ".count).replacingOccurrences(of: rule, with: try comparisons(rule))
        // Indexes SQLite made for a UNIQUE or PRIMARY KEY constraint have no SQL: the new definition makes them again.
        let indexes = try String.fetchAll(
            db, sql: "SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL", arguments: [table])
        let names = try db.columns(in: table).map(\.name).joined(separator: ", ")
        try db.execute(sql: rebuilt)
        try db.execute(sql: "INSERT INTO new_\(table) (\(names)) SELECT \(names) FROM \(table)")
        try db.execute(sql: "DROP TABLE \(table)")
        try db.execute(sql: "ALTER TABLE new_\(table) RENAME TO \(table)")
        for index in indexes { try db.execute(sql: index) }
    }
}
