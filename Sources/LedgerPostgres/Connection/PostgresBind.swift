import Foundation
import PostgresNIO

/// Values bound to a prepared statement's `$1, $2…`: never spliced into SQL text.
///
/// Every integer is bound as `bigint` (the schemas use `BIGINT` throughout), so a statement's inferred
/// parameter types always match what is sent.
public enum PostgresBind {
    public static func int(_ value: Int64) -> PostgresData { PostgresData(int64: value) }
    public static func int(_ value: Int) -> PostgresData { PostgresData(int64: Int64(value)) }
    public static func int(_ value: Int64?) -> PostgresData { value.map(int) ?? .null }
    public static func text(_ value: String) -> PostgresData { PostgresData(string: value) }
    public static func text(_ value: String?) -> PostgresData { value.map(text) ?? .null }
    public static func bytes(_ value: Data) -> PostgresData { PostgresData(bytes: value) }
    public static func bool(_ value: Bool) -> PostgresData { PostgresData(bool: value) }
    public static func double(_ value: Double) -> PostgresData { PostgresData(double: value) }
    /// A `bigint[]`, for `= ANY($n)`.
    public static func ints(_ values: [Int64]) -> PostgresData {
        PostgresData(array: values.map { PostgresData(int64: $0) }, elementType: .int8)
    }
}

/// The cells of one result row, read by position.
///
/// Every statement runs through the extended protocol, where postgres-nio asks for binary results; but a
/// statement prepared once (`prepare(query:)`) keeps the row description of its preparation, which says
/// "text" for every column. The cells are read as the binary they are.
public struct PostgresCells {
    private let cells: [PostgresCell]

    public init(_ row: PostgresRow) {
        cells = row.map { cell in
            var binary = cell
            binary.format = .binary
            return binary
        }
    }

    public func int(_ index: Int) throws -> Int64 { try cells[index].decode(Int64.self) }
    public func optionalInt(_ index: Int) throws -> Int64? { try cells[index].decode(Int64?.self) }
    public func text(_ index: Int) throws -> String { try cells[index].decode(String.self) }
    public func optionalText(_ index: Int) throws -> String? { try cells[index].decode(String?.self) }
    public func bytes(_ index: Int) throws -> Data { try cells[index].decode(Data.self) }
    public func bool(_ index: Int) throws -> Bool { try cells[index].decode(Bool.self) }
    public func double(_ index: Int) throws -> Double { try cells[index].decode(Double.self) }
    public func optionalBool(_ index: Int) throws -> Bool? { try cells[index].decode(Bool?.self) }
    public func optionalBytes(_ index: Int) throws -> Data? { try cells[index].decode(Data?.self) }
    public func optionalDouble(_ index: Int) throws -> Double? { try cells[index].decode(Double?.self) }
}
