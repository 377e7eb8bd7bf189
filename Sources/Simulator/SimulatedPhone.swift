import Foundation

/// A phone of the simulated network, as the web simulator shows it: its number, its operator and the language
/// its menus come in, whether it is in a USSD session, and how many of its SMS are unread.
public struct SimulatedPhone: Sendable, Hashable, Codable {
    public let msisdn: String
    public let operatorID: String
    public let operatorName: String
    /// The operator's USSD code (`*145#`), to dial first.
    public let ussdCode: String
    /// `fr` or `en`: the subscriber's language, or the operators' default (`fr`) for a number not registered.
    public var language: String
    /// The subscriber's name, for a registered number.
    public var name: String?
    /// The USSD session under way, if any.
    public var session: String?
    public var unread: Int

    public init(
        msisdn: String, operatorID: String, operatorName: String, ussdCode: String, language: String, name: String?, session: String? = nil,
        unread: Int = 0
    ) {
        self.msisdn = msisdn
        self.operatorID = operatorID
        self.operatorName = operatorName
        self.ussdCode = ussdCode
        self.language = language
        self.name = name
        self.session = session
        self.unread = unread
    }
}
