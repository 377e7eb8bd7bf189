/// What the server said when it accepted a message.
public struct SMTPSendReceipt: Sendable, Hashable {
    /// The Message-ID of the message sent, when it was a ``MailMessage``.
    public let messageID: MessageID?
    /// The envelope recipients, all accepted.
    public let recipients: [EmailAddress]
    /// The server's final reply (`250 2.0.0 Ok: queued as 4F2C1`), which often names its queue id.
    public let reply: SMTPReply
}
