/// `POST /api/subscribers/{phoneNumber}/email/verify`: the code sent to the address.
struct EmailCodeRequest: JSONRequest, Equatable {
    /// Six digits.
    let code: String

    enum Field: String, CodingKey { case code }

    init(from decoder: any Decoder, configuration: RequestFacts) throws {
        var fields = try BodyFields<Field>(decoder)
        let code = fields.string(.code, maxLength: 6)
        if let code, code.count != 6 || !code.allSatisfy({ $0.isASCII && $0.isNumber }) { fields.fail(.code, "must be the 6 digits sent by e-mail") }
        guard let code, fields.isValid else { throw fields.refusal }
        self.code = code
    }
}
