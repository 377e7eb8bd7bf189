import Ledger
import Operators

extension MobileMoney {
    /// Reverses a posted movement with compensating transfers (admin); nothing is ever deleted.
    ///
    /// The money goes back from whoever received it (who must still hold it) and the fee is refunded.
    /// Reversing twice is harmless: the reversal's idempotency key is derived from the original, so a
    /// second call returns the first reversal.
    public func reverse(reference: String) async throws -> TransferResult {
        guard let parsed = TransferReference(reference) else {
            let error = MobileMoneyError(.unknownTransfer, "\(reference) is not a reference")
            transferFinished(kind: .reversal, outcome: error.code.rawValue)
            throw error
        }
        return try await reverse(transferID: parsed.id)
    }

    /// Reverses the posted movement `transferID`; see `reverse(reference:)`.
    public func reverse(transferID: Int64) async throws -> TransferResult {
        try await observed(.reversal) { try await makeReversal(transferID: transferID) }
    }

    /// `reverse(transferID:)`, before its outcome is told to the observers.
    func makeReversal(transferID: Int64) async throws -> TransferResult {
        let result = try await run { tx in
            guard let original = try tx.transfer(id: transferID) else { throw MobileMoneyError(.unknownTransfer, "no transfer \(transferID)") }
            guard original.state == .posted, [.p2p, .cashIn, .cashOut, .airtime].contains(original.kind) else {
                throw MobileMoneyError(.notReversible, "\(original.reference) is a \(original.kind.rawValue) in state \(original.state.rawValue)")
            }
            let key = "reversal:\(original.id)"
            let receipt = try MobileMoneyError.translating {
                try tx.transfer(
                    TransferRequest(
                        idempotencyKey: key, debit: original.creditAccount, credit: original.debitAccount, amount: original.amount, kind: .reversal,
                        chargeFee: false, enforceLimits: false, parentID: original.id))
            }
            var refunded: Int64 = 0
            if original.fee > 0, let fee = try tx.transfer(idempotencyKey: original.idempotencyKey + "#fee") {
                let feeReceipt = try MobileMoneyError.translating {
                    try tx.transfer(
                        TransferRequest(
                            idempotencyKey: key + "#refund", debit: fee.creditAccount, credit: fee.debitAccount, amount: fee.amount,
                            kind: .reversal, chargeFee: false, enforceLimits: false, parentID: original.id))
                }
                refunded = feeReceipt.transfer.amount
            }
            if !receipt.replayed {
                try self.notifyReversal(tx, original: original, receipt: receipt, refunded: refunded)
            }
            return TransferResult(
                transferID: receipt.transfer.id, reference: receipt.reference, amount: receipt.transfer.amount, fee: -refunded,
                balance: receipt.creditBalanceAfter + refunded, counterparty: original.reference, counterpartyMSISDN: nil,
                state: receipt.transfer.state.rawValue, createdAt: receipt.transfer.createdAt, replayed: receipt.replayed)
        }
        logger.notice("reversal", metadata: ["ref": "\(result.reference)", "of": "\(result.counterparty)"])
        return result
    }

    private func notifyReversal(_ tx: LedgerTransaction, original: Transfer, receipt: TransferReceipt, refunded: Int64) throws {
        let payer = try tx.account(id: original.creditAccount)
        let payee = try tx.account(id: original.debitAccount)
        let at = receipt.transfer.createdAt
        if let msisdn = payer.msisdn.flatMap(MSISDN.init), let record = try SubscriberRecord.fetch(tx.rows, msisdn) {
            try notify(
                tx, msisdn,
                self.receipts.reversalDebited(
                    .init(amount: original.amount, counterparty: original.reference, balance: payer.balance, reference: receipt.reference, at: at),
                    record.language),
                transfer: receipt.transfer.id)
        }
        if let msisdn = payee.msisdn.flatMap(MSISDN.init), let record = try SubscriberRecord.fetch(tx.rows, msisdn) {
            try notify(
                tx, msisdn,
                self.receipts.reversalCredited(
                    .init(
                        amount: original.amount + refunded, counterparty: original.reference, balance: payee.balance, reference: receipt.reference,
                        at: at), record.language),
                transfer: receipt.transfer.id)
        }
    }
}
