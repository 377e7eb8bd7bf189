/// `POST /api/transactions`: an on-net transfer from the subscriber's own wallet.
struct TransactionRequest: JSONRequest, Equatable {
    /// Both MSISDNs normalised, and different from each other.
    let senderPhoneNumber: String
    let receiverPhoneNumber: String
    /// FCFA, positive.
    let amount: Int64
    let pin: String
    /// The `Idempotency-Key` header; without one, each request is a new transfer.
    let idempotencyKey: String?

    enum Field: String, CodingKey { case senderPhoneNumber, receiverPhoneNumber, amount, pin }

    init(from decoder: any Decoder, configuration: RequestFacts) throws {
        var fields = try BodyFields<Field>(decoder)
        let sender = fields.msisdn(.senderPhoneNumber)
        let receiver = fields.msisdn(.receiverPhoneNumber)
        let amount = fields.amount(.amount)
        let pin = fields.pin(.pin)
        if let sender, sender == receiver { fields.fail(.receiverPhoneNumber, "must differ from senderPhoneNumber") }
        idempotencyKey = fields.idempotencyKey(configuration.idempotencyKey, required: false)
        guard let sender, let receiver, let amount, let pin, fields.isValid else { throw fields.refusal }
        senderPhoneNumber = sender
        receiverPhoneNumber = receiver
        self.amount = amount
        self.pin = pin
    }
}
