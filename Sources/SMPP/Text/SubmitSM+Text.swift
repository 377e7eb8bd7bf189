extension SubmitSM {
    /// How to send a text that does not fit one short message.
    public enum LongMessageStrategy: Hashable, Sendable {
        /// Several submit_sm, each with a concatenation UDH (IEI 0x00) carrying this 8-bit reference, esm_class UDHI.
        case concatenate(reference: UInt8)
        /// One submit_sm with the whole text in message_payload and sm_length 0.
        case messagePayload
    }

    /// The submit_sm PDUs that carry `text` from `source` to `destination`: GSM 7-bit when every character fits, else
    /// UCS2 (or `coding`). `registeredDelivery` 1 asks for a delivery receipt of each part.
    public static func texts(
        _ text: String, source: Address, destination: Address, coding: DataCoding? = nil, registeredDelivery: UInt8 = 0,
        longMessage: LongMessageStrategy = .concatenate(reference: 0)
    ) throws(TextEncodingError) -> [SubmitSM] {
        let coding = coding ?? DataCoding.best(for: text)
        func message(_ octets: [UInt8], esmClass: UInt8) -> SubmitSM {
            SubmitSM(
                source: source, destination: destination, esmClass: esmClass, registeredDelivery: registeredDelivery,
                dataCoding: coding.rawValue, shortMessage: octets)
        }
        switch longMessage {
        case .concatenate(let reference):
            return try MessageSplitter.split(text, coding: coding, reference: reference).map {
                message($0.shortMessage, esmClass: $0.esmClass)
            }
        case .messagePayload:
            guard let octets = TextCodec.encode(text, as: coding) else {
                throw TextEncodingError(code: .unrepresentable, message: "the text has characters \(coding) lacks")
            }
            let units = coding == .ucs2 ? octets.count / 2 : octets.count
            if units <= coding.singleMessageCapacity { return [message(octets, esmClass: 0)] }
            guard octets.count <= FieldLimits.tlvValue else {
                throw TextEncodingError(code: .tooLong, message: "\(octets.count) octets, message_payload holds 65535")
            }
            var single = message([], esmClass: 0)
            single.options.messagePayload = octets
            return [single]
        }
    }
}
