import Ledger

/// An on-net transfer checked on a snapshot before its write job, with its receipts rendered: what the
/// job needs to commit it after one recheck (``TransferRecheck``) instead of the whole PIN and rule check.
struct PreparedTransfer: Sendable {
    let request: TransferRequest
    /// The payer as the snapshot read it; its PIN was checked against this record's material.
    let payer: SubscriberRecord
    /// The payee as the snapshot read it.
    let payee: SubscriberRecord
    let sent: PreparedReceipt
    let received: PreparedReceipt

    /// What the write job re-reads to know the snapshot still holds, for a transfer counted on `day`.
    func recheck(day: Int64) -> TransferRecheck {
        TransferRecheck(
            debit: .init(msisdn: payer.msisdn.digits, account: payer.accountID, language: payer.language.rawValue, tier: payer.tier),
            debitPin: .init(salt: payer.pinSalt, hash: payer.pinHash),
            credit: .init(msisdn: payee.msisdn.digits, account: payee.accountID, language: payee.language.rawValue, tier: payee.tier),
            day: day, key: request.idempotencyKey, feeKey: LedgerTransaction.feeKey(request.idempotencyKey))
    }
}
