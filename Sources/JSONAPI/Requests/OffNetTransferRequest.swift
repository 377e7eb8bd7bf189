/// `POST /api/transfer`: a transfer to another network through the provider bridge.
struct OffNetTransferRequest: JSONRequest, Equatable {
    /// Both MSISDNs normalised.
    let senderPhoneNumber: String
    let receiverPhoneNumber: String
    /// FCFA, positive.
    let amount: Int64
    let pin: String
    /// The operator ids: the sender's network, and the receiver's, which is another one.
    let fromService: String
    let toService: String
    /// The `Idempotency-Key` header; without one, each request is a new transfer.
    let idempotencyKey: String?

    enum Field: String, CodingKey { case senderPhoneNumber, receiverPhoneNumber, amount, pin, fromService, toService }

    init(from decoder: any Decoder, configuration: RequestFacts) throws {
        var fields = try BodyFields<Field>(decoder)
        let sender = fields.msisdn(.senderPhoneNumber)
        let receiver = fields.msisdn(.receiverPhoneNumber)
        let amount = fields.amount(.amount)
        let pin = fields.pin(.pin)
        let from = fields.string(.fromService, maxLength: 16)
        let to = fields.string(.toService, maxLength: 16)
        let catalog = configuration.catalog
        if let sender, let from, catalog.operatorOwning(msisdn: sender)?.id != from {
            fields.fail(.fromService, "must be the sender's network (\(catalog.operatorOwning(msisdn: sender)?.id ?? "none"))")
        }
        if let receiver, let to, catalog.operatorOwning(msisdn: receiver)?.id != to {
            fields.fail(.toService, "must be the receiver's network (\(catalog.operatorOwning(msisdn: receiver)?.id ?? "none"))")
        }
        if let from, let to, from == to { fields.fail(.toService, "must differ from fromService: use /api/transactions on one network") }
        idempotencyKey = fields.idempotencyKey(configuration.idempotencyKey, required: false)
        guard let sender, let receiver, let amount, let pin, let from, let to, fields.isValid else { throw fields.refusal }
        senderPhoneNumber = sender
        receiverPhoneNumber = receiver
        self.amount = amount
        self.pin = pin
        fromService = from
        toService = to
    }
}
