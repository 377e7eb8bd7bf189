import GatewayCore

extension SimulatedNetwork {
    /// The longest SMS a simulated phone sends: ten concatenated parts of 153 GSM characters.
    public static let smsTextLimit = 1530

    /// The phone sends an SMS to `shortCode`. An external application's short code (an ESME bound to the SMPP server)
    /// gets the message; otherwise its own operator's short code answers keywords (`SOLDE`, `AIDE`) as it does on the
    /// line socket, the reply landing in the phone's inbox; any other short code is refused.
    public func sendSMS(from msisdn: String, to shortCode: String, text: String) async throws(SimulatorError) {
        guard let phone = phone(msisdn), let op = core.catalog.operator(phone.operatorID) else {
            throw SimulatorError(.unknownPhone, "no phone \(msisdn)")
        }
        guard !text.isEmpty, text.count <= Self.smsTextLimit else {
            throw SimulatorError(.malformed, "an SMS is 1 to \(Self.smsTextLimit) characters")
        }
        // An application registered for the code comes first: it may be the operator's own service, served elsewhere.
        if let service = services.smsService(for: shortCode) {
            if let refusal = await service.receive(from: msisdn, operatorID: op.id, to: shortCode, text: text) { throw refusal }
            return
        }
        guard shortCode == op.smsShortCode else {
            throw SimulatorError(.unknownShortCode, "no operator or application has the short code \(shortCode)")
        }
        let reply = await core.answerMobileOriginated(msisdn: msisdn, text: text, operator: op)
        receive(to: msisdn, from: op.smsShortCode, text: reply)
    }
}
