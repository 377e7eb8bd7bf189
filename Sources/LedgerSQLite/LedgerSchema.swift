import GRDB
import Ledger

/// The ledger's tables, as named migrations. The SQL is plain so that a PostgreSQL backend can reuse it.
enum LedgerSchema {
    /// Registers the ledger's migrations; other modules append theirs after these.
    static func register(in migrator: inout DatabaseMigrator) {
        migrator.registerMigration("ledger.v1") { db in
            try db.execute(
                sql: """
                    CREATE TABLE accounts (
                        id INTEGER PRIMARY KEY,
                        code TEXT NOT NULL UNIQUE,
                        kind TEXT NOT NULL,
                        operator TEXT NOT NULL,
                        label TEXT NOT NULL,
                        tier INTEGER NOT NULL DEFAULT 0,
                        balance INTEGER NOT NULL DEFAULT 0,
                        created_at INTEGER NOT NULL,
                        -- Customer money can never go below zero, whatever the Swift code does.
                        CHECK (kind NOT IN ('wallet', 'agent') OR balance >= 0)
                    );
                    CREATE TABLE transfers (
                        id INTEGER PRIMARY KEY,
                        idempotency_key TEXT NOT NULL UNIQUE,
                        debit_account INTEGER NOT NULL REFERENCES accounts(id),
                        credit_account INTEGER NOT NULL REFERENCES accounts(id),
                        amount INTEGER NOT NULL CHECK (amount > 0),
                        fee INTEGER NOT NULL DEFAULT 0 CHECK (fee >= 0),
                        kind TEXT NOT NULL,
                        state TEXT NOT NULL CHECK (state IN ('pending', 'posted', 'voided')),
                        operator TEXT NOT NULL,
                        reference_prefix TEXT NOT NULL,
                        parent_id INTEGER REFERENCES transfers(id),
                        debit_balance INTEGER NOT NULL,
                        credit_balance INTEGER NOT NULL,
                        created_at INTEGER NOT NULL,
                        updated_at INTEGER NOT NULL,
                        CHECK (debit_account <> credit_account)
                    );
                    CREATE INDEX transfers_by_debit ON transfers(debit_account, id);
                    CREATE INDEX transfers_by_credit ON transfers(credit_account, id);
                    -- Partial: only pending rows are indexed, so posting a transfer costs no index write here.
                    CREATE INDEX transfers_pending ON transfers(created_at) WHERE state = 'pending';
                    CREATE TABLE daily_outgoing (
                        account_id INTEGER NOT NULL REFERENCES accounts(id),
                        day INTEGER NOT NULL,
                        total INTEGER NOT NULL,
                        PRIMARY KEY (account_id, day)
                    );
                    CREATE TABLE outbox (
                        id INTEGER PRIMARY KEY,
                        msisdn TEXT NOT NULL,
                        operator TEXT NOT NULL,
                        sender TEXT NOT NULL,
                        body TEXT NOT NULL,
                        transfer_id INTEGER REFERENCES transfers(id),
                        created_at INTEGER NOT NULL,
                        delivered_at INTEGER
                    );
                    CREATE INDEX outbox_undelivered ON outbox(operator, id) WHERE delivered_at IS NULL;
                    """
            )
        }
    }
}
