import Ledger
import Operators

extension MobileMoney {
    /// The id of the newest SMS in the outbox (0 when empty): a mark to ask `sentSMS(to:after:)` from.
    public func lastOutboxID() async throws -> Int64 {
        try await read { try $0.lastMessageID() }
    }

    /// The bodies of the SMS queued for `msisdn` after the outbox id `mark`, oldest first, delivered or not.
    public func sentSMS(to msisdn: String, after mark: Int64) async throws -> [String] {
        try await read { rows in try rows.messages(to: msisdn, after: mark).map(\.body) }
    }

    /// The e-mail twins of a movement's SMS notices, for the parties with a verified address, in the same job
    /// as the SMS (called by `notify`). An unverified address, or none, gets nothing.
    ///
    /// Only the notice and its SMS's values are written: the e-mail is rendered when it is sent
    /// (``mailContent(_:)``), so the ledger's single writer does one indexed read per party and, for a verified
    /// address, one small insert, never the rendering of three texts.
    func enqueueMail(_ tx: LedgerTransaction, _ notices: [(MSISDN, NoticeText)], transfer: Int64?) throws {
        var messages: [NewMailMessage] = []
        for (msisdn, notice) in notices {
            guard let email = try tx.rows.subscriberEmail(msisdn: msisdn.digits), email.verifiedAt != nil else { continue }
            messages.append(
                NewMailMessage(
                    messageID: messageID(notice: notice.notice, reference: notice.values["reference"]), msisdn: msisdn.digits,
                    address: email.address, displayName: email.displayName, language: notice.language.rawValue, notice: notice.notice,
                    values: notice.values, transferID: transfer, createdAt: tx.now))
        }
        if !messages.isEmpty { try tx.rows.insertMail(messages) }
    }

    /// A new `Message-ID`, chosen once when the notice is written and sent with every attempt:
    /// `<TM261127.000123.transfer_sent.5f0c9a1e3b7d2468@domain>` (the reference, when the notice has one, helps a
    /// person find it; the random part makes it unique).
    func messageID(notice: String, reference: String?) -> String {
        var random = SystemRandomNumberGenerator()
        let unique = String(random.next() as UInt64, radix: 16)
        let left = [reference, notice, String(repeating: "0", count: 16 - unique.count) + unique].compactMap { $0 }.joined(separator: ".")
        return "<\(left)@\(options.messageIDDomain)>"
    }
}
