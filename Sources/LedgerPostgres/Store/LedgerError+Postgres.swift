import Ledger

extension LedgerError {
    /// Maps a PostgreSQL error to a ledger error, as the SQLite store maps its own; ledger and other typed
    /// errors pass through unchanged.
    ///
    /// The CHECK that keeps customer balances at or above zero is the database's way of saying "insufficient
    /// funds" when the Swift rules were bypassed.
    static func wrapPostgres(_ error: any Error) -> any Error {
        if error is LedgerError { return error }
        if let store = error as? PostgresStoreError { return LedgerError(.storage, store.message) }
        guard let state = PostgresFailure.sqlState(error) else {
            if PostgresFailure.isConnectionLost(error) { return LedgerError(.storage, "the database connection was lost") }
            return error
        }
        switch state {
        case PostgresFailure.State.checkViolation where PostgresFailure.constraint(error) == "customer_balance_not_negative":
            return LedgerError(.insufficientFunds, "the balance would go below zero")
        case PostgresFailure.State.uniqueViolation:
            return LedgerError(.duplicateAccount, "already exists")
        default:
            return LedgerError(.storage, "database error: \(PostgresFailure.summary(error))")
        }
    }
}
