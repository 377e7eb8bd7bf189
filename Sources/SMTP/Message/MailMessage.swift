#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// A message to submit: RFC 5322 headers and a UTF-8 body, text only or text plus HTML (multipart/alternative).
///
/// Everything that reaches a header is checked here, at construction: addresses (``EmailAddress``), display names
/// and the subject (no control characters, bounded length), the Message-ID. A value that could end a header line
/// is refused with ``SMTPError/Code/invalidHeader`` naming the field, so no caller input can add a header.
/// Bodies may contain anything: they are quoted-printable encoded.
public struct MailMessage: Sendable, Hashable {
    /// At most this many characters in a subject.
    public static let maximumSubjectLength = 998

    public let from: Mailbox
    public let to: [Mailbox]
    public let cc: [Mailbox]
    public let replyTo: Mailbox?
    public let subject: String
    public let date: Date
    /// Caller-supplied and stable for one notice: a retry of the same notice must carry the same id.
    public let messageID: MessageID
    public let textBody: String
    public let htmlBody: String?

    public init(
        from: Mailbox,
        to: [Mailbox],
        cc: [Mailbox] = [],
        replyTo: Mailbox? = nil,
        subject: String,
        date: Date,
        messageID: MessageID,
        text: String,
        html: String? = nil
    ) throws(SMTPError) {
        guard !to.isEmpty || !cc.isEmpty else {
            throw SMTPError(.invalidMessage, "a message needs at least one recipient", field: "to")
        }
        try HeaderText.validate(subject, field: "subject", maximumLength: Self.maximumSubjectLength)
        self.from = from
        self.to = to
        self.cc = cc
        self.replyTo = replyTo
        self.subject = subject
        self.date = date
        self.messageID = messageID
        self.textBody = text
        self.htmlBody = html
    }

    /// The envelope recipients: every To and Cc address, once each, in order.
    public var recipients: [EmailAddress] {
        var seen = Set<EmailAddress>()
        return (to + cc).map(\.address).filter { seen.insert($0).inserted }
    }
}
