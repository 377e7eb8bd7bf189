import Foundation
import Ledger
import Operators

/// A subscriber row with its PIN material, for use inside a job or a snapshot only; never leaves the module.
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

    init(_ row: SubscriberRow, msisdn: MSISDN) {
        self.msisdn = msisdn
        operatorID = row.operatorID
        accountID = row.account.id
        name = row.name
        language = Language(rawValue: row.language) ?? .fr
        blocked = row.blocked
        pinSalt = row.pinSalt
        pinHash = row.pinHash
        failedPins = row.failedPins
        lockedUntil = row.lockedUntil
        tier = row.account.tier
        balance = row.account.balance
        account = row.account
    }

    static func fetch(_ rows: any LedgerStoreReader, _ msisdn: MSISDN) throws -> SubscriberRecord? {
        try rows.subscriber(msisdn: msisdn.digits).map { SubscriberRecord($0, msisdn: msisdn) }
    }

    func subscriber(now: Int64) -> Subscriber {
        let status: Subscriber.Status = blocked ? .blocked : (lockedUntil > now ? .locked : .active)
        return Subscriber(
            msisdn: msisdn, operatorID: operatorID, accountID: accountID, name: name, language: language, status: status,
            kycTier: tier, lockedUntil: lockedUntil > now ? lockedUntil : nil)
    }
}
