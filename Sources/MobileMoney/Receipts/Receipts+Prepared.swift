extension Receipts {
    /// ``sent(_:_:)`` rendered before the transfer's write job; see ``PreparedReceipt``.
    func preparedSent(amount: Int64, counterparty: String, counterpartyMSISDN: String, _ language: Language) -> PreparedReceipt {
        prepared(.transferSent, language, ["amount": String(amount), "party": "\(counterparty) (\(counterpartyMSISDN))"])
    }

    /// ``received(_:_:)`` rendered before the transfer's write job; see ``PreparedReceipt``.
    func preparedReceived(amount: Int64, counterparty: String, counterpartyMSISDN: String, _ language: Language) -> PreparedReceipt {
        prepared(.transferReceived, language, ["amount": String(amount), "party": "\(counterparty) (\(counterpartyMSISDN))"])
    }

    private func prepared(_ notice: Notice, _ language: Language, _ values: [String: String]) -> PreparedReceipt {
        assert(notice.variables.isSubset(of: Set(values.keys).union(PreparedReceipt.open)), "\(notice.rawValue) needs \(notice.variables)")
        return PreparedReceipt(
            notice: notice, language: language, known: values, sms: book.preparedSMS(notice.rawValue, language: language.rawValue, values: values))
    }
}
