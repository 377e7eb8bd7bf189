/// Why a PostgreSQL store could not be reached, set up or used.
///
/// The `code` is stable; the message is for people and never holds a password.
public struct PostgresStoreError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Code: String, Sendable, Hashable {
        /// The URL or a setting is wrong, or the server does not run as configured (durability).
        case configuration
        /// The server cannot be reached, or the connection was lost.
        case connection
        /// The server refused a statement.
        case storage
    }

    public let code: Code
    public let message: String
    /// The server's SQLSTATE, when the server refused a statement.
    public let sqlState: String?

    public init(_ code: Code, _ message: String, sqlState: String? = nil) {
        self.code = code
        self.message = message
        self.sqlState = sqlState
    }

    public var description: String { "\(code.rawValue): \(message)" }
}
