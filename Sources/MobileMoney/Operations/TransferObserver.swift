import Ledger

/// Told the outcome of every money movement asked of `MobileMoney`, whatever the front that asked
/// (USSD over the socket or `/ussd`, the JSON API, the command line): metrics implement it.
///
/// `outcome` is `ok` for a movement made now, `replayed` for a request that replayed an earlier one
/// under the same idempotency key (nothing moved), a refusal code (`MobileMoneyError.Code`, e.g.
/// `wrong_pin`, `insufficient_funds`), or for off-net transfers `pending` (the other network has not
/// answered yet) and `refunded` (it refused: the sender got the money back). Called after the
/// movement committed or was refused; it must be quick and must not call back into `MobileMoney`.
public protocol TransferObserver: Sendable {
    func transferFinished(kind: TransferKind, outcome: String)
}
