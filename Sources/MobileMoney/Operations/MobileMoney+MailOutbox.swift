import Ledger
import MenuEngine

/// The mail outbox as its dispatcher and `sika mail outbox` see it.
extension MobileMoney {
    /// Queued e-mails due now, soonest first.
    public func dueMail(limit: Int) async throws -> [MailOutboxMessage] {
        let now = ledger.context.clock()
        return try await read { rows in try rows.dueMail(at: now, limit: limit) }
    }

    /// What to send for a queued e-mail: its notice rendered in its language from the values its SMS had (so the
    /// reference and amounts read as in the SMS), or for a verification message the code recomputed from its row
    /// (the outbox never holds it). Nil when it cannot or should not be sent: a notice this `receipts.yaml` cannot
    /// render with those values, or a code whose time ran out before it could be delivered.
    public func mailContent(_ message: MailOutboxMessage) -> NoticeEmail? {
        let language = Language(rawValue: message.language) ?? .fr
        guard let notice = Receipts.Notice(rawValue: message.notice) else { return nil }
        guard notice == .emailCode else {
            guard notice.variables.isSubset(of: message.values.keys) else { return nil }
            return receipts.email(NoticeText(notice: notice.rawValue, language: language, values: message.values, sms: ""))
        }
        guard ledger.context.clock() < message.createdAt + options.emailCodeLifetime else { return nil }
        let code = emailCodes.code(msisdn: message.msisdn, address: message.address, issuedAt: message.createdAt)
        let minutes = Int((options.emailCodeLifetime + 59_999) / 60_000)
        return receipts.emailCode(code, minutes: minutes, language)
    }

    /// Records what attempts ended in, in one transaction (one commit for a whole batch, not one per message, so
    /// the dispatcher takes little of the ledger's writer). Returns how many were still queued and so changed.
    @discardableResult
    public func recordMailAttempts(_ outcomes: [MailAttemptOutcome]) async throws -> Int {
        guard !outcomes.isEmpty else { return 0 }
        return try await run { tx in try outcomes.reduce(0) { $0 + (try tx.rows.recordMailAttempt($1) ? 1 : 0) } }
    }

    /// E-mails in `state`, newest first.
    public func mailOutbox(_ state: MailState, limit: Int = 100) async throws -> [MailOutboxMessage] {
        try await read { rows in try rows.mail(in: state, limit: limit) }
    }

    /// How many e-mails wait or are stuck, by state.
    public func mailOutboxCounts() async throws -> MailOutboxCounts {
        try await read { rows in try rows.mailOutboxCounts() }
    }

    /// Puts a failed or dead e-mail back in the queue, due now, with a fresh count of attempts (after the relay
    /// or the address was fixed). False when it is not failed or dead.
    @discardableResult
    public func requeueMail(id: MailOutboxMessage.ID) async throws -> Bool {
        try await run { tx in try tx.rows.requeueMail(id: id, at: tx.now) }
    }
}
