import Ledger

/// `POST /api/admin/reversals` (admin): a transfer to undo, by its receipt reference.
struct ReversalRequest: JSONRequest, Equatable {
    /// A well-formed receipt reference (`TM261127.000123`).
    let reference: String

    enum Field: String, CodingKey { case reference }

    init(from decoder: any Decoder, configuration: RequestFacts) throws {
        var fields = try BodyFields<Field>(decoder)
        let reference = fields.string(.reference, maxLength: 32)
        if let reference, TransferReference(reference) == nil {
            fields.fail(.reference, "must be a receipt reference like TM261127.000123")
        }
        guard let reference, fields.isValid else { throw fields.refusal }
        self.reference = reference
    }
}
