import Foundation
import Operators

/// What every transaction needs to know and never changes after `Ledger.open`: tariffs, limits, the
/// ids of the system accounts, and the clock.
public struct LedgerContext: Sendable {
    public let catalog: OperatorCatalog
    /// System accounts by code (`fees:tmoney`, `settlement:tmoney:flooz`…), resolved once at open.
    let systemAccounts: [String: Account.ID]
    let operators: [String: OperatorConfig]
    /// Milliseconds since 1970, UTC. Injected so that tests can move time (daily caps, lockouts).
    public let clock: @Sendable () -> Int64

    init(catalog: OperatorCatalog, systemAccounts: [String: Account.ID], clock: @escaping @Sendable () -> Int64) {
        self.catalog = catalog
        self.systemAccounts = systemAccounts
        self.operators = Dictionary(uniqueKeysWithValues: catalog.operators.map { ($0.id, $0) })
        self.clock = clock
    }

    /// The id of an operator's system account of this kind.
    public func systemAccount(_ kind: AccountKind, of operatorID: String) throws -> Account.ID {
        guard let id = systemAccounts[Account.Code.system(kind, operatorID)] else {
            throw LedgerError(.unknownAccount, "no \(kind.rawValue) account for operator \(operatorID)")
        }
        return id
    }

    /// The id of the account recording what `operatorID` owes or is owed by `other`.
    public func settlementAccount(of operatorID: String, with other: String) throws -> Account.ID {
        guard let id = systemAccounts[Account.Code.settlement(operatorID, with: other)] else {
            throw LedgerError(.unknownAccount, "no settlement account between \(operatorID) and \(other)")
        }
        return id
    }

    func operatorConfig(_ id: String) throws -> OperatorConfig {
        guard let config = operators[id] else { throw LedgerError(.configuration, "unknown operator \(id)") }
        return config
    }

    /// The wall clock, in milliseconds since 1970.
    public static let systemClock: @Sendable () -> Int64 = { Int64(Date().timeIntervalSince1970 * 1000) }
}
