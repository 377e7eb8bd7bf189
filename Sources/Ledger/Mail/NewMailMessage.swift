/// An e-mail notice to queue in the mail outbox, in the same job as what it reports. It is due at once.
public struct NewMailMessage: Sendable, Hashable {
    public var messageID: String
    public var msisdn: String
    public var address: String
    public var displayName: String?
    public var language: String
    public var notice: String
    /// The values the notice's SMS was rendered with; the e-mail is rendered from them when it is sent.
    public var values: [String: String]
    public var transferID: Transfer.ID?
    public var createdAt: Int64

    public init(
        messageID: String, msisdn: String, address: String, displayName: String?, language: String, notice: String,
        values: [String: String], transferID: Transfer.ID?, createdAt: Int64
    ) {
        self.messageID = messageID
        self.msisdn = msisdn
        self.address = address
        self.displayName = displayName
        self.language = language
        self.notice = notice
        self.values = values
        self.transferID = transferID
        self.createdAt = createdAt
    }
}
