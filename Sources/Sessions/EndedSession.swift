/// What is left of a USSD callback session once it is over: who it belonged to, the request that
/// ended it and its final screen, so that the same request gets the same answer again and nothing
/// else is served under its id.
///
/// Aggregators retry; a retry of the request that ended a session must not start a new one (it
/// would replay the answers as a shortcut, up to a second transfer).
public struct EndedSession: Sendable, Hashable, Codable {
    /// How the session finished.
    public enum Outcome: Sendable, Hashable, Codable {
        /// It ended on this reply body (`END …`), answered again byte for byte.
        case ended(reply: String)
        /// It expired (idle too long) or was dropped before ending: its id answers `404`.
        case expired
    }

    /// The operator whose aggregator started it; nil when authentication is off.
    public let operatorID: String?
    public let msisdn: String
    /// The normalised service code of its first request (`*145#`).
    public let serviceCode: String
    /// Every answer of the session (`text`) in the request that ended it.
    public let text: String
    public let outcome: Outcome

    public init(operatorID: String?, msisdn: String, serviceCode: String, text: String, outcome: Outcome) {
        self.operatorID = operatorID
        self.msisdn = msisdn
        self.serviceCode = serviceCode
        self.text = text
        self.outcome = outcome
    }
}
