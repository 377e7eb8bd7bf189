/// The subscriber a valid session token speaks for: what the subscriber routes act on, and nothing else.
public struct Subject: Sendable, Hashable, CustomStringConvertible {
    /// The subscriber's MSISDN, as digits with the country code (`228…`).
    public let msisdn: String

    public init(msisdn: String) { self.msisdn = msisdn }

    public var description: String { msisdn }
}
