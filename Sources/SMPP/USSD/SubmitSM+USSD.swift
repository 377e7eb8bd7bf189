extension SubmitSM {
    /// A USSD dialogue message: `op` says what it is (a PSSR indication that opens the dialogue, a USSR request screen,
    /// the subscriber's USSR confirm, the final PSSR response…). The text is GSM 7-bit when it fits, else UCS2.
    public static func ussd(
        _ op: USSDServiceOp, source: Address, destination: Address, text: String, session: ITSSessionInfo? = nil
    ) -> SubmitSM {
        let coding = DataCoding.best(for: text)
        let octets = TextCodec.encode(text, as: coding)!
        var options = OptionalParameters()
        options.ussdServiceOp = op
        if let session { options.itsSessionInfo = session }
        var message = SubmitSM(
            serviceType: USSD.serviceType, source: source, destination: destination, dataCoding: coding.rawValue,
            options: options)
        if octets.count <= FieldLimits.shortMessage {
            message.shortMessage = octets
        } else {
            message.options.messagePayload = octets
        }
        return message
    }

    /// Is this USSD traffic (service_type `USSD` or a ussd_service_op TLV)?
    public var isUSSD: Bool { serviceType == USSD.serviceType || options.rawUSSDServiceOp != nil }

    /// The message text, decoded under data_coding (message_payload when present, a UDH removed).
    public var text: String {
        var data = ArraySlice(userData)
        if hasUDH, let parsed = UserDataHeader.parse(userData) { data = parsed.body }
        return TextCodec.decode(data, dataCoding: dataCoding)
    }
}
