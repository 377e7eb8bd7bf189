import GRDB
import Ledger

extension LedgerError {
    /// Maps a storage error to a ledger error; ledger and other typed errors pass through unchanged.
    ///
    /// A CHECK violation can only come from the non-negative balance rule, so it is the database's way
    /// of saying "insufficient funds" when Swift's own check was bypassed.
    static func wrap(_ error: any Error) -> any Error {
        guard let dbError = error as? DatabaseError else { return error }
        switch dbError.extendedResultCode {
        case .SQLITE_CONSTRAINT_CHECK:
            return LedgerError(.insufficientFunds, "the balance would go below zero")
        case .SQLITE_CONSTRAINT_UNIQUE, .SQLITE_CONSTRAINT_PRIMARYKEY:
            return LedgerError(.duplicateAccount, "already exists")
        default:
            return LedgerError(.storage, "database error \(dbError.resultCode.rawValue)")
        }
    }
}
