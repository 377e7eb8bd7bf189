import Foundation

@testable import SMTP

enum Samples {
    /// 2025-12-01 18:56:27 UTC, a Monday.
    static let date = Date(timeIntervalSince1970: 1_764_615_387)

    static func message(
        to: [String] = ["kofi@example.tg"], subject: String = "Transfer received", text: String = "You received 5000 FCFA.\n",
        html: String? = nil, id: String = "notice-42@sika.test"
    ) throws -> MailMessage {
        try MailMessage(
            from: Mailbox("notices@sika.test", displayName: "Sika", field: "from"),
            to: to.enumerated().map { index, address throws(SMTPError) in try Mailbox(address, field: "to[\(index)]") },
            subject: subject, date: date, messageID: MessageID(id), text: text, html: html)
    }
}
