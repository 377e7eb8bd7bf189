import GRDB

/// The tables every transfer and every delivered SMS write, rebuilt with their value rules written as
/// comparisons.
///
/// A `CHECK (state IN ('pending', 'posted', 'voided'))` makes SQLite build a temporary b-tree of the values
/// (an ephemeral table with its own pager) on every insert or update of the row: two per transfer in
/// `transfers`, two in `outbox` (its delivery state), one per e-mail notice in `mail_outbox`, one per part
/// of every SMS sent in `outbox_parts` — a measurable share of the writer's time (docs/BENCHMARKS.md).
/// SQLite cannot change a CHECK in place, so each table is rebuilt the documented way: a new table, the
/// rows copied, the old one dropped, the new one renamed, its indexes made again. The rules themselves are
/// unchanged (a NULL still passes, as it did). GRDB runs a migration with foreign keys off and checks them
/// all before it commits, so the tables that refer to these keep pointing at them.
enum HotPathCheckSchema {
    static func register(in migrator: inout DatabaseMigrator) {
        migrator.registerMigration("ledger.hot-path-checks.v2") { db in
            try rebuild(
                db, "transfers",
                columns: """
                    id INTEGER PRIMARY KEY,
                    idempotency_key TEXT NOT NULL UNIQUE,
                    debit_account INTEGER NOT NULL REFERENCES accounts(id),
                    credit_account INTEGER NOT NULL REFERENCES accounts(id),
                    amount INTEGER NOT NULL CHECK (amount > 0),
                    fee INTEGER NOT NULL DEFAULT 0 CHECK (fee >= 0),
                    kind TEXT NOT NULL,
                    state TEXT NOT NULL CHECK (state = 'pending' OR state = 'posted' OR state = 'voided'),
                    operator TEXT NOT NULL,
                    reference_prefix TEXT NOT NULL,
                    parent_id INTEGER REFERENCES transfers(id),
                    debit_balance INTEGER NOT NULL,
                    credit_balance INTEGER NOT NULL,
                    created_at INTEGER NOT NULL,
                    updated_at INTEGER NOT NULL,
                    CHECK (debit_account <> credit_account)
                    """,
                indexes: """
                    CREATE INDEX transfers_by_debit ON transfers(debit_account, id);
                    CREATE INDEX transfers_by_credit ON transfers(credit_account, id);
                    -- Partial: only pending rows are indexed, so posting a transfer costs no index write here.
                    CREATE INDEX transfers_pending ON transfers(created_at) WHERE state = 'pending';
                    """)
            try rebuild(
                db, "outbox",
                columns: """
                    id INTEGER PRIMARY KEY,
                    msisdn TEXT NOT NULL,
                    operator TEXT NOT NULL,
                    sender TEXT NOT NULL,
                    body TEXT NOT NULL,
                    transfer_id INTEGER REFERENCES transfers(id),
                    created_at INTEGER NOT NULL,
                    delivered_at INTEGER,
                    dlr_state TEXT CHECK (
                        dlr_state = 'submitted' OR dlr_state = 'retrying' OR dlr_state = 'delivered' OR dlr_state = 'undelivered'
                        OR dlr_state = 'expired'),
                    attempts INTEGER NOT NULL DEFAULT 0,
                    retry_at INTEGER,
                    dlr_at INTEGER,
                    claimed_by TEXT,
                    -- Milliseconds; 0 when never claimed. A claim past this time is anyone's to take.
                    claimed_until INTEGER NOT NULL DEFAULT 0
                    """,
                indexes: """
                    CREATE INDEX outbox_undelivered ON outbox(operator, id) WHERE delivered_at IS NULL;
                    -- Partial: only messages waiting for a receipt or a retry, which the sweep reads.
                    CREATE INDEX outbox_tracked ON outbox(dlr_state, retry_at) WHERE dlr_state IN ('submitted', 'retrying');
                    """)
            try rebuild(
                db, "mail_outbox",
                columns: """
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
                    state TEXT NOT NULL DEFAULT 'queued' CHECK (state = 'queued' OR state = 'sent' OR state = 'failed' OR state = 'dead'),
                    attempts INTEGER NOT NULL DEFAULT 0,
                    next_attempt_at INTEGER NOT NULL,
                    last_error TEXT,
                    created_at INTEGER NOT NULL,
                    updated_at INTEGER NOT NULL
                    """,
                indexes: """
                    -- Partial: delivered rows leave both indexes, so they cost nothing once sent.
                    CREATE INDEX mail_outbox_due ON mail_outbox(next_attempt_at, id) WHERE state = 'queued';
                    CREATE INDEX mail_outbox_unsent ON mail_outbox(state, id) WHERE state <> 'sent';
                    """)
            try rebuild(
                db, "outbox_parts",
                columns: """
                    operator TEXT NOT NULL,
                    smsc_id TEXT NOT NULL,
                    outbox_id INTEGER NOT NULL REFERENCES outbox(id),
                    attempt INTEGER NOT NULL,
                    state TEXT NOT NULL CHECK (state = 'pending' OR state = 'delivered' OR state = 'failed' OR state = 'expired'),
                    updated_at INTEGER NOT NULL,
                    PRIMARY KEY (operator, smsc_id)
                    """,
                indexes: "CREATE INDEX outbox_parts_by_message ON outbox_parts(outbox_id, attempt);")
        }
    }

    /// Replaces `table` by one with `columns` (the same names, in the same order) and its rows, then makes
    /// its `indexes` again (dropping a table drops its indexes).
    private static func rebuild(_ db: Database, _ table: String, columns: String, indexes: String) throws {
        let names = try db.columns(in: table).map(\.name).joined(separator: ", ")
        try db.execute(
            sql: """
                CREATE TABLE new_\(table) (
                \(columns)
                );
                INSERT INTO new_\(table) (\(names)) SELECT \(names) FROM \(table);
                DROP TABLE \(table);
                ALTER TABLE new_\(table) RENAME TO \(table);
                \(indexes)
                """)
    }
}
