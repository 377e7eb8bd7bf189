import GRDB
import Ledger

/// The subscribers table, stored beside the ledger so that a PIN check and the money it guards commit together.
enum SubscriberSchema {
    static func register(in migrator: inout DatabaseMigrator) {
        migrator.registerMigration("subscribers.v1") { db in
            try db.execute(
                sql: """
                    CREATE TABLE subscribers (
                        msisdn TEXT PRIMARY KEY,
                        operator TEXT NOT NULL,
                        account_id INTEGER NOT NULL UNIQUE REFERENCES accounts(id),
                        name TEXT NOT NULL,
                        language TEXT NOT NULL,
                        blocked INTEGER NOT NULL DEFAULT 0,
                        -- HMAC-SHA256(pepper, salt || pin): the PIN itself is never stored.
                        pin_salt BLOB NOT NULL,
                        pin_hash BLOB NOT NULL,
                        failed_pins INTEGER NOT NULL DEFAULT 0,
                        locked_until INTEGER NOT NULL DEFAULT 0,
                        created_at INTEGER NOT NULL
                    );
                    """
            )
        }
    }
}
