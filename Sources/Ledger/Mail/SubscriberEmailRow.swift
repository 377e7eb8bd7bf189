import Foundation

/// A subscriber's e-mail address as stored, with its verification state: for the rules of `MobileMoney`,
/// inside a job or a snapshot. The code itself is never stored, only a keyed hash of it.
public struct SubscriberEmailRow: Sendable, Hashable {
    public var msisdn: String
    public var address: String
    public var displayName: String?
    /// When the code was confirmed (ms since 1970); nil while unverified. Only a verified address gets notices.
    public var verifiedAt: Int64?
    /// HMAC of the pending code; nil when no code is pending (none asked, confirmed, or given up after too many tries).
    public var codeHash: Data?
    /// When the pending code was issued (ms since 1970), 0 when none.
    public var codeIssuedAt: Int64
    /// When the pending code stops being accepted (ms since 1970), 0 when none.
    public var codeExpiresAt: Int64
    /// Wrong codes given for the pending code.
    public var codeFailures: Int
    public var updatedAt: Int64

    public init(
        msisdn: String, address: String, displayName: String?, verifiedAt: Int64?, codeHash: Data?, codeIssuedAt: Int64, codeExpiresAt: Int64,
        codeFailures: Int, updatedAt: Int64
    ) {
        self.msisdn = msisdn
        self.address = address
        self.displayName = displayName
        self.verifiedAt = verifiedAt
        self.codeHash = codeHash
        self.codeIssuedAt = codeIssuedAt
        self.codeExpiresAt = codeExpiresAt
        self.codeFailures = codeFailures
        self.updatedAt = updatedAt
    }
}
