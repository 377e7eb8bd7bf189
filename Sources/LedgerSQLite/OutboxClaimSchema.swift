import GRDB

/// Claims on the SMS outbox: which node delivers a message, until when. One SQLite process is the only node,
/// but the columns (and `ledger copy`) are the same on both stores.
enum OutboxClaimSchema {
    static func register(in migrator: inout DatabaseMigrator) {
        migrator.registerMigration("outbox.claims.v1") { db in
            try db.execute(
                sql: """
                    ALTER TABLE outbox ADD COLUMN claimed_by TEXT;
                    -- Milliseconds; 0 when never claimed. A claim past this time is anyone's to take.
                    ALTER TABLE outbox ADD COLUMN claimed_until INTEGER NOT NULL DEFAULT 0;
                    """)
        }
    }

    /// Claims the oldest unclaimed (or own, or lapsed) undelivered messages of an operator and returns them.
    static let claim = """
        UPDATE outbox SET claimed_by = ?1, claimed_until = ?2
        WHERE id IN (
            SELECT id FROM outbox WHERE delivered_at IS NULL AND operator = ?3 AND (claimed_until <= ?4 OR claimed_by = ?1)
            ORDER BY id LIMIT ?5)
        RETURNING id, msisdn, operator, sender, body, transfer_id, created_at, delivered_at, dlr_state, attempts
        """
}
