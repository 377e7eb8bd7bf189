import GRDB

/// The transfers table rebuilt with its state rule written as comparisons.
///
/// `CHECK (state IN ('pending', 'posted', 'voided'))` made SQLite build a temporary b-tree of the three
/// values (an ephemeral table with its own pager) on every insert into `transfers`, two per transfer: a
/// measurable share of the writer's time (docs/BENCHMARKS.md). SQLite cannot change a CHECK in place, so
/// the table is rebuilt the documented way: a new table, the rows copied, the old one dropped, the new one
/// renamed, its indexes made again. The rule itself is unchanged. GRDB runs a migration with foreign keys
/// off and checks them all before it commits, so the tables that refer to `transfers` keep pointing at it.
enum TransferCheckSchema {
    static func register(in migrator: inout DatabaseMigrator) {
        migrator.registerMigration("ledger.transfer-check.v2") { db in
            let columns = """
                id, idempotency_key, debit_account, credit_account, amount, fee, kind, state, operator, reference_prefix,
                parent_id, debit_balance, credit_balance, created_at, updated_at
                """
            try db.execute(
                sql: """
                    CREATE TABLE new_transfers (
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
                    );
                    INSERT INTO new_transfers (\(columns)) SELECT \(columns) FROM transfers;
                    DROP TABLE transfers;
                    ALTER TABLE new_transfers RENAME TO transfers;
                    CREATE INDEX transfers_by_debit ON transfers(debit_account, id);
                    CREATE INDEX transfers_by_credit ON transfers(credit_account, id);
                    -- Partial: only pending rows are indexed, so posting a transfer costs no index write here.
                    CREATE INDEX transfers_pending ON transfers(created_at) WHERE state = 'pending';
                    """)
        }
    }
}
