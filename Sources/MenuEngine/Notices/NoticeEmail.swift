/// A notice rendered as an e-mail: its subject (one line), plain-text part and HTML part.
public struct NoticeEmail: Sendable, Hashable {
    public let subject: String
    public let text: String
    public let html: String

    public init(subject: String, text: String, html: String) {
        self.subject = subject
        self.text = text
        self.html = html
    }
}
