import Ledger

extension MobileMoney {
    /// Opens an agent's float account for an operator (admin).
    @discardableResult
    public func addAgent(operatorID: String, code: String, name: String) async throws -> Account {
        guard code.count == 6, code.allSatisfy({ $0.isASCII && $0.isNumber }) else {
            throw MobileMoneyError(.unknownAgent, "an agent code is 6 digits")
        }
        return try await run { tx in
            try tx.openAccount(code: Account.Code.agent(operatorID, code), kind: .agent, operatorID: operatorID, label: name)
        }
    }

    /// Puts e-money on an agent's float from the operator's issuance account (admin).
    @discardableResult
    public func fundAgent(operatorID: String, code: String, amount: Int64, idempotencyKey: String) async throws -> TransferResult {
        try await run { tx in
            let agent = try self.agentAccount(tx.rows, operatorID: operatorID, code: code)
            let issuance = try tx.context.systemAccount(.issuance, of: operatorID)
            let receipt = try MobileMoneyError.translating {
                try tx.transfer(
                    TransferRequest(idempotencyKey: idempotencyKey, debit: issuance, credit: agent.id, amount: amount, kind: .cashIn))
            }
            return self.result(receipt, counterparty: agent.label, msisdn: nil)
        }
    }

    /// Funds a wallet: from an agent's float when `agentCode` is given, else from the operator's e-money
    /// issuance (admin). The balance cap of the wallet's tier applies.
    public func cashIn(to text: String, amount: Int64, agentCode: String? = nil, idempotencyKey: String) async throws -> TransferResult {
        try await observed(.cashIn) { try await makeCashIn(to: text, amount: amount, agentCode: agentCode, idempotencyKey: idempotencyKey) }
    }

    /// `cashIn`, before its outcome is told to the observers.
    func makeCashIn(to text: String, amount: Int64, agentCode: String? = nil, idempotencyKey: String) async throws -> TransferResult {
        let number = try msisdn(text)
        let owner = try operatorOf(number)
        let result = try await run { tx in
            guard let me = try SubscriberRecord.fetch(tx.rows, number) else { throw MobileMoneyError(.unknownSubscriber, "\(number) has no wallet") }
            guard !me.blocked else { throw MobileMoneyError(.recipientBlocked, "\(number) is blocked") }
            let (source, sourceName): (Int64, String) =
                if let agentCode {
                    try {
                        let agent = try self.agentAccount(tx.rows, operatorID: owner.id, code: agentCode); return (agent.id, agent.label)
                    }()
                } else {
                    (try tx.context.systemAccount(.issuance, of: owner.id), owner.name)
                }
            let receipt = try MobileMoneyError.translating {
                try tx.transfer(TransferRequest(idempotencyKey: idempotencyKey, debit: source, credit: me.accountID, amount: amount, kind: .cashIn))
            }
            if !receipt.replayed {
                try self.notify(
                    tx, number,
                    self.receipts.cashIn(
                        .init(
                            amount: amount, counterparty: sourceName, balance: receipt.creditBalanceAfter, reference: receipt.reference,
                            at: receipt.transfer.createdAt), me.language),
                    transfer: receipt.transfer.id)
            }
            return TransferResult(
                transferID: receipt.transfer.id, reference: receipt.reference, amount: amount, fee: 0, balance: receipt.creditBalanceAfter,
                counterparty: sourceName, counterpartyMSISDN: nil, state: receipt.transfer.state.rawValue,
                createdAt: receipt.transfer.createdAt, replayed: receipt.replayed)
        }
        logger.info("cash-in", metadata: ["ref": "\(result.reference)", "amount": "\(amount)"])
        return result
    }

    /// Checks an agent code and prices a cash-out before the PIN is asked.
    public func lookupAgent(subscriber text: String, agentCode: String, amount: Int64) async throws -> AgentQuote {
        let home = try operatorOf(try msisdn(text))
        let agent = try await read { rows in try self.agentAccount(rows, operatorID: home.id, code: agentCode) }
        try checkBounds(amount, home)
        return AgentQuote(code: agentCode, name: agent.label, amount: amount, fee: home.fees.cashOut.fee(for: amount))
    }

    /// Cash-out: the wallet pays an agent (who hands over cash) plus the cash-out fee.
    public func cashOut(from text: String, agentCode: String, amount: Int64, pin: String, idempotencyKey: String) async throws -> TransferResult {
        try await observed(.cashOut) {
            try await makeCashOut(from: text, agentCode: agentCode, amount: amount, pin: pin, idempotencyKey: idempotencyKey)
        }
    }

    /// `cashOut`, before its outcome is told to the observers.
    func makeCashOut(from text: String, agentCode: String, amount: Int64, pin: String, idempotencyKey: String) async throws -> TransferResult {
        let number = try msisdn(text)
        let home = try operatorOf(number)
        let result = try await withPIN(number, pin) { tx, me in
            let agent = try self.agentAccount(tx.rows, operatorID: home.id, code: agentCode)
            let receipt = try tx.transfer(
                TransferRequest(idempotencyKey: idempotencyKey, debit: me.accountID, credit: agent.id, amount: amount, kind: .cashOut))
            if !receipt.replayed {
                try self.notify(
                    tx, number,
                    self.receipts.cashOut(
                        .init(
                            amount: amount, fee: receipt.fee, counterparty: agent.label, balance: receipt.debitBalanceAfter,
                            reference: receipt.reference, at: receipt.transfer.createdAt), me.language),
                    transfer: receipt.transfer.id)
            }
            return self.result(receipt, counterparty: agent.label, msisdn: nil)
        }
        logger.info("cash-out", metadata: ["ref": "\(result.reference)", "amount": "\(amount)"])
        return result
    }

    func agentAccount(_ rows: any LedgerStoreReader, operatorID: String, code: String) throws -> Account {
        guard let account = try rows.account(code: Account.Code.agent(operatorID, code)), account.kind == .agent else {
            throw MobileMoneyError(.unknownAgent, "no agent \(code) at \(operatorID)")
        }
        return account
    }
}
