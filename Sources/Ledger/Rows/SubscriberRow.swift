import Foundation

/// A subscriber as stored, with its PIN material and its wallet: for the rules of `MobileMoney`, inside
/// a job or a snapshot. It never leaves those: no API answer, log or session carries it.
public struct SubscriberRow: Sendable, Hashable {
    public let msisdn: String
    public let operatorID: String
    public let name: String
    /// `fr` or `en`.
    public let language: String
    public let blocked: Bool
    public let pinSalt: Data
    public let pinHash: Data
    public let failedPins: Int
    /// Milliseconds since 1970; 0 when not locked.
    public let lockedUntil: Int64
    /// The wallet, read in the same query.
    public let account: Account

    public init(
        msisdn: String, operatorID: String, name: String, language: String, blocked: Bool, pinSalt: Data, pinHash: Data, failedPins: Int,
        lockedUntil: Int64, account: Account
    ) {
        self.msisdn = msisdn
        self.operatorID = operatorID
        self.name = name
        self.language = language
        self.blocked = blocked
        self.pinSalt = pinSalt
        self.pinHash = pinHash
        self.failedPins = failedPins
        self.lockedUntil = lockedUntil
        self.account = account
    }
}

/// A subscriber to insert, its wallet already opened.
public struct NewSubscriber: Sendable, Hashable {
    public var msisdn: String
    public var operatorID: String
    public var accountID: Account.ID
    public var name: String
    public var language: String
    public var pinSalt: Data
    public var pinHash: Data
    public var createdAt: Int64

    public init(
        msisdn: String, operatorID: String, accountID: Account.ID, name: String, language: String, pinSalt: Data, pinHash: Data, createdAt: Int64
    ) {
        self.msisdn = msisdn
        self.operatorID = operatorID
        self.accountID = accountID
        self.name = name
        self.language = language
        self.pinSalt = pinSalt
        self.pinHash = pinHash
        self.createdAt = createdAt
    }
}
