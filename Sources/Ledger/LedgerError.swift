/// Why the ledger refused or failed an operation.
///
/// The `code` is stable: the socket, the menus and the JSON API map it, so it never changes meaning.
/// The message is for people and never holds a PIN or a secret.
public struct LedgerError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Code: String, Sendable, Hashable {
        case insufficientFunds = "insufficient_funds"
        case limitExceeded = "limit_exceeded"
        case idempotencyConflict = "idempotency_conflict"
        /// A post or void of a transfer that is no longer pending.
        case alreadyFinal = "already_final"
        case unknownAccount = "unknown_account"
        case unknownTransfer = "unknown_transfer"
        case invalidAmount = "invalid_amount"
        case sameAccount = "same_account"
        case duplicateAccount = "duplicate_account"
        case configuration = "configuration"
        case storage = "storage"
    }

    /// Which limit a `limitExceeded` refusal hit.
    public enum Limit: String, Sendable, Hashable {
        case minimum = "min"
        case maximum = "max"
        case daily = "daily"
        case balanceCap = "balance_cap"
    }

    public let code: Code
    public let message: String
    public let limit: Limit?

    public init(_ code: Code, _ message: String, limit: Limit? = nil) {
        self.code = code
        self.message = message
        self.limit = limit
    }

    public var description: String { "\(code.rawValue): \(message)" }

    static func limit(_ limit: Limit, _ message: String) -> LedgerError {
        LedgerError(.limitExceeded, message, limit: limit)
    }
}
