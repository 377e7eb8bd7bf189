import GRDB

/// E-mail: subscribers' addresses with their verification state, and the mail outbox, stored beside the ledger
/// so that an e-mail notice commits with the money it reports, exactly like the SMS outbox.
///
/// The mail outbox is its own table (not the SMS `outbox`): its rows carry their own delivery state (attempts,
/// next attempt, last error, dead letters), which the SMS outbox's delivery receipts need not know about.
enum MailSchema {
    static func register(in migrator: inout DatabaseMigrator) {
        migrator.registerMigration("mail.v1") { db in
            try db.execute(
                sql: """
                    CREATE TABLE subscriber_emails (
                        msisdn TEXT PRIMARY KEY REFERENCES subscribers(msisdn),
                        address TEXT NOT NULL,
                        display_name TEXT,
                        -- NULL until the subscriber confirmed the code: only a verified address gets notices.
                        verified_at INTEGER,
                        -- A keyed hash of the pending code; the code itself is never stored.
                        code_hash BLOB,
                        code_issued_at INTEGER NOT NULL DEFAULT 0,
                        code_expires_at INTEGER NOT NULL DEFAULT 0,
                        code_failures INTEGER NOT NULL DEFAULT 0,
                        updated_at INTEGER NOT NULL
                    );
                    CREATE TABLE mail_outbox (
                        id INTEGER PRIMARY KEY,
                        -- Chosen when the row is written, sent with every attempt: a receiver dedupes by it.
                        message_id TEXT NOT NULL UNIQUE,
                        msisdn TEXT NOT NULL,
                        address TEXT NOT NULL,
                        display_name TEXT,
                        language TEXT NOT NULL,
                        notice TEXT NOT NULL,
                        -- The values the notice's SMS was rendered with, a JSON object of strings: the e-mail is
                        -- rendered from them when it is sent, not in the writer's transaction.
                        notice_values TEXT NOT NULL,
                        transfer_id INTEGER REFERENCES transfers(id),
                        state TEXT NOT NULL DEFAULT 'queued' CHECK (state IN ('queued', 'sent', 'failed', 'dead')),
                        attempts INTEGER NOT NULL DEFAULT 0,
                        next_attempt_at INTEGER NOT NULL,
                        last_error TEXT,
                        created_at INTEGER NOT NULL,
                        updated_at INTEGER NOT NULL
                    );
                    -- Partial: delivered rows leave both indexes, so they cost nothing once sent.
                    CREATE INDEX mail_outbox_due ON mail_outbox(next_attempt_at, id) WHERE state = 'queued';
                    CREATE INDEX mail_outbox_unsent ON mail_outbox(state, id) WHERE state <> 'sent';
                    """
            )
        }
    }
}
