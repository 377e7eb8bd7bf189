/// An e-mail notice in the mail outbox: written in the same database transaction as the money (or the
/// account change) it reports, then delivered over SMTP by the mail dispatcher.
///
/// The row holds the notice and the very values its SMS was rendered from, not the rendered e-mail: rendering
/// (subject, text and HTML in the notice's language) happens when the message is sent, outside the ledger's single
/// writer, and cannot read differently from the SMS since it starts from the same values.
///
/// Its ``messageID`` is chosen when the row is written and never changes, so every attempt carries the same
/// `Message-ID` header: delivery is at least once, and a receiver drops a second copy by that header.
public struct MailOutboxMessage: Sendable, Hashable {
    public typealias ID = Int64

    public let id: ID
    /// `<unique@domain>`, as sent in the `Message-ID` header.
    public let messageID: String
    /// The subscriber it is for.
    public let msisdn: String
    /// The recipient, as verified (or, for a verification code, as given).
    public let address: String
    public let displayName: String?
    /// `fr` or `en`.
    public let language: String
    /// The notice key of `menus/receipts.yaml` (`transfer_sent`, `email_code`…).
    public let notice: String
    /// The template variables the notice's SMS was rendered with (amounts, reference, party…); none for a
    /// verification code, whose code is recomputed when it is sent and never stored.
    public let values: [String: String]
    public let transferID: Transfer.ID?
    public let state: MailState
    public let attempts: Int
    /// Milliseconds since 1970: not before this is it attempted (again).
    public let nextAttemptAt: Int64
    /// Why the last attempt failed: a stable code and the relay's reply, never a body.
    public let lastError: String?
    public let createdAt: Int64
    public let updatedAt: Int64

    public init(
        id: ID, messageID: String, msisdn: String, address: String, displayName: String?, language: String, notice: String,
        values: [String: String], transferID: Transfer.ID?, state: MailState, attempts: Int, nextAttemptAt: Int64, lastError: String?,
        createdAt: Int64, updatedAt: Int64
    ) {
        self.id = id
        self.messageID = messageID
        self.msisdn = msisdn
        self.address = address
        self.displayName = displayName
        self.language = language
        self.notice = notice
        self.values = values
        self.transferID = transferID
        self.state = state
        self.attempts = attempts
        self.nextAttemptAt = nextAttemptAt
        self.lastError = lastError
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}
