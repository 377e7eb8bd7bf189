/// The e-mail tables' statements. Plain SQL (`ON CONFLICT … DO UPDATE`, no SQLite-only syntax), so a
/// PostgreSQL store can take them as they are, with `$n` placeholders.
enum MailSQL {
    static let selectEmail = """
        SELECT msisdn, address, display_name, verified_at, code_hash, code_issued_at, code_expires_at, code_failures, updated_at
        FROM subscriber_emails WHERE msisdn = ?
        """
    static let upsertEmail = """
        INSERT INTO subscriber_emails (msisdn, address, display_name, verified_at, code_hash, code_issued_at, code_expires_at,
            code_failures, updated_at)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
        ON CONFLICT (msisdn) DO UPDATE SET address = excluded.address, display_name = excluded.display_name,
            verified_at = excluded.verified_at, code_hash = excluded.code_hash, code_issued_at = excluded.code_issued_at,
            code_expires_at = excluded.code_expires_at, code_failures = excluded.code_failures, updated_at = excluded.updated_at
        """
    static let deleteEmail = "DELETE FROM subscriber_emails WHERE msisdn = ?"
    static let insertMail = """
        INSERT INTO mail_outbox (message_id, msisdn, address, display_name, language, notice, notice_values, transfer_id,
            next_attempt_at, created_at, updated_at)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        """
    static let selectMail = """
        SELECT id, message_id, msisdn, address, display_name, language, notice, notice_values, transfer_id, state, attempts,
            next_attempt_at, last_error, created_at, updated_at
        FROM mail_outbox
        """
    static let due = selectMail + " WHERE state = 'queued' AND next_attempt_at <= ? ORDER BY next_attempt_at, id LIMIT ?"
    static let inState = selectMail + " WHERE state = ? ORDER BY id DESC LIMIT ?"
    static let counts = """
        SELECT state, attempts > 0, COUNT(*) FROM mail_outbox WHERE state <> 'sent' GROUP BY state, attempts > 0
        """
    static let recordAttempt = """
        UPDATE mail_outbox SET state = ?, attempts = ?, next_attempt_at = ?, last_error = ?, updated_at = ?
        WHERE id = ? AND state = 'queued'
        """
    static let requeue = """
        UPDATE mail_outbox SET state = 'queued', attempts = 0, next_attempt_at = ?, updated_at = ?
        WHERE id = ? AND state IN ('failed', 'dead')
        """
}
