import Ledger
import Operators

extension MobileMoney {
    /// Buys airtime from the wallet for `target` (the caller's own number or another on the same network).
    public func airtime(from text: String, for targetText: String, amount: Int64, pin: String, idempotencyKey: String) async throws
        -> TransferResult
    {
        try await observed(.airtime) { try await buyAirtime(from: text, for: targetText, amount: amount, pin: pin, idempotencyKey: idempotencyKey) }
    }

    /// `airtime`, before its outcome is told to the observers.
    func buyAirtime(from text: String, for targetText: String, amount: Int64, pin: String, idempotencyKey: String) async throws
        -> TransferResult
    {
        let number = try msisdn(text)
        let target = try msisdn(targetText)
        let home = try operatorOf(number)
        guard home.owns(msisdn: target.digits) else {
            _ = try operatorOf(target)
            throw MobileMoneyError(.otherNetwork, "\(target) is on another network")
        }
        let result = try await withPIN(number, pin) { tx, me in
            let airtime = try tx.context.systemAccount(.airtime, of: home.id)
            let receipt = try tx.transfer(
                TransferRequest(idempotencyKey: idempotencyKey, debit: me.accountID, credit: airtime, amount: amount, kind: .airtime))
            if !receipt.replayed {
                let at = receipt.transfer.createdAt
                try self.notify(
                    tx, number,
                    self.receipts.airtimeBought(
                        .init(
                            amount: amount, counterparty: target.digits, balance: receipt.debitBalanceAfter, reference: receipt.reference,
                            at: at), me.language),
                    transfer: receipt.transfer.id)
                if target != number {
                    let language = try SubscriberRecord.fetch(tx.rows, target)?.language ?? .fr
                    try self.notify(
                        tx, target,
                        self.receipts.airtimeReceived(
                            .init(
                                amount: amount, counterparty: Subscriber.shortName(me.name), counterpartyMSISDN: number.digits, balance: 0,
                                reference: receipt.reference, at: at), language),
                        transfer: receipt.transfer.id)
                }
            }
            return self.result(receipt, counterparty: target.digits, msisdn: target)
        }
        logger.info("airtime", metadata: ["ref": "\(result.reference)", "amount": "\(amount)"])
        return result
    }
}
