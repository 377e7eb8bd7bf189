/// What recording one delivery receipt did to its message.
public enum SMSReceiptOutcome: Sendable, Hashable {
    /// No part was submitted under this id (a receipt for a message this ledger does not know).
    case unknownMessage
    /// Recorded; the message's state is now this (unchanged when other parts are still pending, or when the receipt
    /// was for an earlier attempt or a message already final).
    case recorded(OutboxMessage.ID, SMSDeliveryState)
    /// The message failed and goes out again at `retryAt` (milliseconds since 1970).
    case retry(OutboxMessage.ID, retryAt: Int64)
}
