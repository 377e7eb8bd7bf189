/// `POST /api/cards`: a bank card to link to the subscriber's own wallet. The number and CVV are checked
/// and sealed by `MobileMoney.linkCard`; here they are only bounded.
struct CardLinkRequest: JSONRequest {
    /// The MSISDN, normalised.
    let phoneNumber: String
    let cardNumber: String
    let expiryMonth: Int
    let expiryYear: Int
    let cvv: String

    enum Field: String, CodingKey { case phoneNumber, cardNumber, expiryMonth, expiryYear, cvv }

    init(from decoder: any Decoder, configuration: RequestFacts) throws {
        var fields = try BodyFields<Field>(decoder)
        let phoneNumber = fields.msisdn(.phoneNumber)
        let number = fields.string(.cardNumber, maxLength: 23)
        let month = fields.integer(.expiryMonth, in: 1...12)
        let year = fields.integer(.expiryYear, in: 2000...2100)
        let cvv = fields.string(.cvv, maxLength: 4)
        guard let phoneNumber, let number, let month, let year, let cvv, fields.isValid else { throw fields.refusal }
        self.phoneNumber = phoneNumber
        cardNumber = number
        expiryMonth = Int(month)
        expiryYear = Int(year)
        self.cvv = cvv
    }
}
