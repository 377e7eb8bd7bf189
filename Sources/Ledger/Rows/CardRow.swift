import Foundation

/// A linked card as stored: the number sealed under a key id, the last four digits in clear, no CVV.
public struct CardRow: Sendable, Hashable {
    public let id: Int64
    public let msisdn: String
    public let keyID: String
    public let sealedNumber: Data
    public let last4: String
    public let expiryMonth: Int
    public let expiryYear: Int

    public init(id: Int64, msisdn: String, keyID: String, sealedNumber: Data, last4: String, expiryMonth: Int, expiryYear: Int) {
        self.id = id
        self.msisdn = msisdn
        self.keyID = keyID
        self.sealedNumber = sealedNumber
        self.last4 = last4
        self.expiryMonth = expiryMonth
        self.expiryYear = expiryYear
    }
}

/// A card to insert.
public struct NewCard: Sendable, Hashable {
    public var msisdn: String
    public var keyID: String
    public var sealedNumber: Data
    public var last4: String
    public var expiryMonth: Int
    public var expiryYear: Int
    public var createdAt: Int64

    public init(msisdn: String, keyID: String, sealedNumber: Data, last4: String, expiryMonth: Int, expiryYear: Int, createdAt: Int64) {
        self.msisdn = msisdn
        self.keyID = keyID
        self.sealedNumber = sealedNumber
        self.last4 = last4
        self.expiryMonth = expiryMonth
        self.expiryYear = expiryYear
        self.createdAt = createdAt
    }
}
