import Operators

/// A registered mobile-money customer.
public struct Subscriber: Sendable, Hashable {
    public enum Status: String, Sendable, Hashable, Codable {
        case active
        /// Too many wrong PINs: refused until `lockedUntil`.
        case locked
        /// Blocked by the operator: refused until unblocked.
        case blocked
    }

    public let msisdn: MSISDN
    public let operatorID: String
    public let accountID: Int64
    public let name: String
    public let language: Language
    public let status: Status
    public let kycTier: Int
    public let lockedUntil: Int64?

    public init(
        msisdn: MSISDN, operatorID: String, accountID: Int64, name: String, language: Language, status: Status, kycTier: Int,
        lockedUntil: Int64?
    ) {
        self.msisdn = msisdn
        self.operatorID = operatorID
        self.accountID = accountID
        self.name = name
        self.language = language
        self.status = status
        self.kycTier = kycTier
        self.lockedUntil = lockedUntil
    }

    /// The name as shown to a sender before confirming: first name and initial, `AMA M.`.
    public var shortName: String { Self.shortName(name) }

    static func shortName(_ name: String) -> String {
        let words = name.split(separator: " ").map { $0.uppercased() }
        guard let first = words.first else { return "" }
        guard words.count > 1, let initial = words.last?.first else { return first }
        return "\(first) \(initial)."
    }
}
