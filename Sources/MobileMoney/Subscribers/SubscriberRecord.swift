import Foundation
import GRDB
import Ledger

/// A subscriber row with its PIN material, for use inside a transaction only; never leaves the module.
struct SubscriberRecord {
    let msisdn: MSISDN
    let operatorID: String
    let accountID: Int64
    let name: String
    let language: Language
    let blocked: Bool
    let pinSalt: Data
    let pinHash: Data
    let failedPins: Int
    let lockedUntil: Int64
    let tier: Int
    let balance: Int64
    /// The wallet as read in the same query, so a transfer need not read it again.
    let account: Account

    static let selectSQL = SubscriberSQL.select
    static let insertSQL = SubscriberSQL.insert
    static let recordFailureSQL = SubscriberSQL.recordFailure
    static let setPinSQL = SubscriberSQL.setPin
    static let setLanguageSQL = SubscriberSQL.setLanguage
    static let setBlockedSQL = SubscriberSQL.setBlocked

    static func fetch(_ db: Database, _ msisdn: MSISDN) throws -> SubscriberRecord? {
        guard let row = try Row.fetchOne(db.cachedStatement(sql: selectSQL), arguments: [msisdn.digits]) else { return nil }
        return SubscriberRecord(
            msisdn: msisdn, operatorID: row[1], accountID: row[2], name: row[3], language: Language(rawValue: row[4]) ?? .fr,
            blocked: row[5], pinSalt: row[6], pinHash: row[7], failedPins: row[8], lockedUntil: row[9], tier: row[10], balance: row[11],
            account: Account(
                id: row[2], code: row[12], kind: AccountKind(rawValue: row[13]) ?? .wallet, operatorID: row[1], label: row[14], tier: row[10],
                balance: row[11]))
    }

    func subscriber(now: Int64) -> Subscriber {
        let status: Subscriber.Status = blocked ? .blocked : (lockedUntil > now ? .locked : .active)
        return Subscriber(
            msisdn: msisdn, operatorID: operatorID, accountID: accountID, name: name, language: language, status: status,
            kycTier: tier, lockedUntil: lockedUntil > now ? lockedUntil : nil)
    }
}
