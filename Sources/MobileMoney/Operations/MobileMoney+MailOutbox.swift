import Ledger

/// The mail outbox as its dispatcher and `sika mail outbox` see it.
extension MobileMoney {
    /// Queued e-mails due now, soonest first.
    public func dueMail(limit: Int) async throws -> [MailOutboxMessage] {
        let now = ledger.context.clock()
        return try await read { rows in try rows.dueMail(at: now, limit: limit) }
    }

    /// What to send for a queued e-mail: its stored subject and parts, or for a verification message the code
    /// recomputed from its row (the outbox never holds it). Nil when the message is no longer worth sending: a
    /// code whose time ran out before it could be delivered.
    public func mailContent(_ message: MailOutboxMessage) -> (subject: String, text: String, html: String)? {
        guard message.notice == Receipts.Notice.emailCode.rawValue else { return (message.subject, message.text, message.html) }
        guard ledger.context.clock() < message.createdAt + options.emailCodeLifetime else { return nil }
        let code = emailCodes.code(msisdn: message.msisdn, address: message.address, issuedAt: message.createdAt)
        let minutes = Int((options.emailCodeLifetime + 59_999) / 60_000)
        guard let rendered = receipts.emailCode(code, minutes: minutes, Language(rawValue: message.language) ?? .fr) else { return nil }
        return (message.subject, rendered.text, rendered.html)
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
