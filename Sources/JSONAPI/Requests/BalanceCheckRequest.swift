/// `POST /api/verify-balance`: whether the subscriber's own balance covers an amount.
struct BalanceCheckRequest: JSONRequest, Equatable {
    /// The MSISDN, normalised.
    let phoneNumber: String
    /// FCFA, positive.
    let amount: Int64

    enum Field: String, CodingKey { case phoneNumber, amount }

    init(from decoder: any Decoder, configuration: RequestFacts) throws {
        var fields = try BodyFields<Field>(decoder)
        let phoneNumber = fields.msisdn(.phoneNumber)
        let amount = fields.amount(.amount)
        guard let phoneNumber, let amount, fields.isValid else { throw fields.refusal }
        self.phoneNumber = phoneNumber
        self.amount = amount
    }
}
