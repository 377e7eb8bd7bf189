/// `POST /api/auth/token`: a subscriber's number and PIN, exchanged for a session token.
struct TokenRequest: JSONRequest, Equatable {
    /// The subscriber's MSISDN, normalised.
    let phoneNumber: String
    let pin: String

    enum Field: String, CodingKey { case phoneNumber, pin }

    init(from decoder: any Decoder, configuration: RequestFacts) throws {
        var fields = try BodyFields<Field>(decoder)
        let phoneNumber = fields.msisdn(.phoneNumber)
        let pin = fields.pin(.pin)
        guard let phoneNumber, let pin, fields.isValid else { throw fields.refusal }
        self.phoneNumber = phoneNumber
        self.pin = pin
    }
}
