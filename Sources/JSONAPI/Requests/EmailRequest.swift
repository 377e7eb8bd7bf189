import MobileMoney

/// `PUT /api/subscribers/{phoneNumber}/email`: the address to send notices to, with an optional display name.
/// Both are checked by the rules the SMTP client sends by (`EmailContact`): anything that could end a header
/// line or add one (CR, LF, other control characters, encoded-word markers) is a field error.
struct EmailRequest: JSONRequest, Equatable {
    let contact: EmailContact

    enum Field: String, CodingKey { case address, displayName }

    init(from decoder: any Decoder, configuration: RequestFacts) throws {
        var fields = try BodyFields<Field>(decoder)
        let address = fields.string(.address, maxLength: 254)
        let displayName = fields.string(.displayName, required: false, maxLength: EmailContact.maximumDisplayNameLength)
        if let address {
            for (field, reason) in EmailContact.problems(address: address, displayName: displayName) { fields.fail(field, reason) }
        }
        guard let address, fields.isValid, let contact = try? EmailContact(address: address, displayName: displayName) else {
            throw fields.refusal
        }
        self.contact = contact
    }
}
