/// A subscriber's e-mail address as the API and `sika subscriber show` present it: never the code.
public struct SubscriberEmail: Sendable, Hashable {
    public let msisdn: String
    public let address: String
    public let displayName: String?
    /// Only a verified address gets notices.
    public var verified: Bool { verifiedAt != nil }
    /// When the code was confirmed (ms since 1970).
    public let verifiedAt: Int64?
    /// Until when the pending code is accepted (ms since 1970); nil when no code is pending.
    public let codeExpiresAt: Int64?
}
