import Foundation
import GRDB
import GRDBSQLite

/// One use of a cached statement through SQLite's C interface: bind, step, read columns, reset.
///
/// For the statements every transfer runs inside the write lock. There, GRDB's generic path (arguments as an
/// array of existentials turned into `DatabaseValue`s, rows copied into `Row`s) cost nearly as much as
/// SQLite's own work (see the profiles in docs/BENCHMARKS.md). The snapshot reads of the callers' side use it
/// too. The statement stays GRDB's: prepared once and cached per connection, finalized with it. Only plain
/// reads and writes inside a transaction GRDB opened go this way — never `BEGIN`, `COMMIT` or a savepoint,
/// which GRDB must see to track the transaction — and each use ends with a reset and cleared bindings, so
/// GRDB finds the statement as it left it.
struct RawStatement: ~Copyable {
    private let db: Database
    private let handle: OpaquePointer
    private let sql: String

    init(_ db: Database, _ sql: String) throws {
        self.db = db
        self.sql = sql
        handle = try db.cachedStatement(sql: sql).sqliteStatement
    }

    deinit {
        sqlite3_reset(handle)
        sqlite3_clear_bindings(handle)
    }

    /// SQLite copies what it is given (`SQLITE_TRANSIENT`): the Swift value may go away at once.
    private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

    func bind(_ index: Int32, _ value: Int64) {
        sqlite3_bind_int64(handle, index, value)
    }

    func bind(_ index: Int32, _ value: Int) {
        sqlite3_bind_int64(handle, index, Int64(value))
    }

    func bind(_ index: Int32, _ value: Int64?) {
        if let value { sqlite3_bind_int64(handle, index, value) } else { sqlite3_bind_null(handle, index) }
    }

    func bind(_ index: Int32, _ value: String) {
        var value = value
        value.withUTF8 { bytes in
            // A null pointer would bind NULL: an empty text is bound as an empty C string.
            guard let base = bytes.baseAddress, !bytes.isEmpty else {
                _ = sqlite3_bind_text(handle, index, "", 0, Self.transient)
                return
            }
            _ = base.withMemoryRebound(to: CChar.self, capacity: bytes.count) {
                sqlite3_bind_text(handle, index, $0, Int32(bytes.count), Self.transient)
            }
        }
    }

    func bind(_ index: Int32, _ value: String?) {
        if let value { bind(index, value) } else { sqlite3_bind_null(handle, index) }
    }

    func bind(_ index: Int32, _ value: Data) {
        value.withUnsafeBytes { bytes in
            guard let base = bytes.baseAddress, !bytes.isEmpty else {
                _ = sqlite3_bind_zeroblob(handle, index, 0)
                return
            }
            _ = sqlite3_bind_blob(handle, index, base, Int32(bytes.count), Self.transient)
        }
    }

    /// Steps once: true when a row is there to read, false when the statement is done. A failure throws
    /// the `DatabaseError` GRDB would have thrown, extended code included (a CHECK, a UNIQUE…).
    func step() throws -> Bool {
        switch sqlite3_step(handle) {
        case SQLITE_ROW: return true
        case SQLITE_DONE: return false
        default:
            let code = sqlite3_extended_errcode(db.sqliteConnection)
            let message = sqlite3_errmsg(db.sqliteConnection).map { String(cString: $0) }
            throw DatabaseError(resultCode: ResultCode(rawValue: code), message: message, sql: sql)
        }
    }

    /// Steps until done, for a statement that returns no row.
    func run() throws {
        while try step() {}
    }

    func int64(_ column: Int32) -> Int64 { sqlite3_column_int64(handle, column) }

    func isNull(_ column: Int32) -> Bool { sqlite3_column_type(handle, column) == SQLITE_NULL }

    func optionalInt64(_ column: Int32) -> Int64? { isNull(column) ? nil : int64(column) }

    func text(_ column: Int32) -> String {
        guard let bytes = sqlite3_column_text(handle, column) else { return "" }
        return String(decoding: UnsafeBufferPointer(start: bytes, count: Int(sqlite3_column_bytes(handle, column))), as: UTF8.self)
    }

    func optionalText(_ column: Int32) -> String? { isNull(column) ? nil : text(column) }

    func optionalData(_ column: Int32) -> Data? { isNull(column) ? nil : data(column) }

    func bool(_ column: Int32) -> Bool { int64(column) != 0 }

    func data(_ column: Int32) -> Data {
        let count = Int(sqlite3_column_bytes(handle, column))
        guard count > 0, let bytes = sqlite3_column_blob(handle, column) else { return Data() }
        return Data(bytes: bytes, count: count)
    }
}
