import GRDB

/// Delivery receipts of the outbox (SMPP): a message's delivery state, its attempts and next retry, and the SMSC's
/// id of each part of each attempt, which is what a receipt names.
enum SMSReceiptSchema {
    static func register(in migrator: inout DatabaseMigrator) {
        migrator.registerMigration("outbox.receipts.v1") { db in
            try db.execute(
                sql: """
                    ALTER TABLE outbox ADD COLUMN dlr_state TEXT
                        CHECK (dlr_state IN ('submitted', 'retrying', 'delivered', 'undelivered', 'expired'));
                    ALTER TABLE outbox ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0;
                    ALTER TABLE outbox ADD COLUMN retry_at INTEGER;
                    ALTER TABLE outbox ADD COLUMN dlr_at INTEGER;
                    -- Partial: only messages waiting for a receipt or a retry, which the sweep reads.
                    CREATE INDEX outbox_tracked ON outbox(dlr_state, retry_at) WHERE dlr_state IN ('submitted', 'retrying');
                    CREATE TABLE outbox_parts (
                        operator TEXT NOT NULL,
                        smsc_id TEXT NOT NULL,
                        outbox_id INTEGER NOT NULL REFERENCES outbox(id),
                        attempt INTEGER NOT NULL,
                        state TEXT NOT NULL CHECK (state IN ('pending', 'delivered', 'failed', 'expired')),
                        updated_at INTEGER NOT NULL,
                        PRIMARY KEY (operator, smsc_id)
                    );
                    CREATE INDEX outbox_parts_by_message ON outbox_parts(outbox_id, attempt);
                    """
            )
        }
    }
}
