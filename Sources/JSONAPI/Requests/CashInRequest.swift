/// `POST /api/admin/cashin` (admin): money into a subscriber's wallet, optionally through an agent.
struct CashInRequest: JSONRequest, Equatable {
    /// The MSISDN, normalised.
    let phoneNumber: String
    /// FCFA, positive.
    let amount: Int64
    /// The agent's code, when the cash went through one.
    let agentCode: String?
    /// The `Idempotency-Key` header, required: an admin retry must never pay twice.
    let idempotencyKey: String

    enum Field: String, CodingKey { case phoneNumber, amount, agentCode }

    init(from decoder: any Decoder, configuration: RequestFacts) throws {
        var fields = try BodyFields<Field>(decoder)
        let phoneNumber = fields.msisdn(.phoneNumber)
        let amount = fields.amount(.amount)
        agentCode = fields.string(.agentCode, required: false, maxLength: 6)
        let key = fields.idempotencyKey(configuration.idempotencyKey, required: true)
        guard let phoneNumber, let amount, let key, fields.isValid else { throw fields.refusal }
        self.phoneNumber = phoneNumber
        self.amount = amount
        idempotencyKey = key
    }
}
