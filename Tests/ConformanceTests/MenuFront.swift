/// A front of USSD menu sessions: checking a balance and sending money are walks through the menus,
/// made of ``ConformanceFront/begin(session:caller:dial:credential:)`` and answers. An SMPP or web-phone
/// adapter gets both for free.
protocol MenuFront: ConformanceFront {}

extension MenuFront {
    func checkBalance(session: String, caller: String, pin: String, credential: Credential) async throws -> Outcome {
        // The gateway that carries the call is the credential's: its service code is the one dialled.
        let code = ConformanceWorld.serviceCode(of: credential.subject ?? caller)
        let prompt = try await begin(session: session, caller: caller, dial: "\(code.dropLast())*4*1#", credential: credential)
        guard case .screen = prompt else { return prompt }
        return try await answer(session: session, input: pin)
    }

    func transfer(key: String, from: String, to: String, amount: Int64, pin: String) async throws -> Outcome {
        let code = ConformanceWorld.serviceCode(of: from)
        let local = to.dropFirst(3)
        let confirm = try await begin(session: key, caller: from, dial: "\(code.dropLast())*1*1*\(local)*\(amount)#", credential: .own)
        guard case .screen = confirm else { return confirm }
        let prompt = try await answer(session: key, input: "1")
        guard case .screen = prompt else { return prompt }
        return try await answer(session: key, input: pin)
    }
}

extension Credential {
    /// The subscriber whose credential this is, when it is someone else's.
    var subject: String? {
        if case .of(let msisdn) = self { return msisdn }
        return nil
    }
}
