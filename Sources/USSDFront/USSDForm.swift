/// The form fields of the aggregator USSD callback (`POST /ussd`).
public struct USSDForm: Sendable, Decodable, Hashable {
    public var sessionId: String
    public var serviceCode: String
    public var phoneNumber: String
    /// Every answer of the session so far, joined by `*`; empty on the first request.
    public var text: String?
    public var networkCode: String?

    public init(sessionId: String, serviceCode: String, phoneNumber: String, text: String? = nil, networkCode: String? = nil) {
        self.sessionId = sessionId
        self.serviceCode = serviceCode
        self.phoneNumber = phoneNumber
        self.text = text
        self.networkCode = networkCode
    }
}
