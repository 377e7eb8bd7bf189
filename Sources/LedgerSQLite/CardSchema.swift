import GRDB
import Ledger

/// Linked cards: the number only sealed (AES-GCM), the CVV never stored at all.
enum CardSchema {
    static func register(in migrator: inout DatabaseMigrator) {
        migrator.registerMigration("cards.v1") { db in
            try db.execute(
                sql: """
                    CREATE TABLE cards (
                        id INTEGER PRIMARY KEY,
                        msisdn TEXT NOT NULL REFERENCES subscribers(msisdn),
                        key_id TEXT NOT NULL,
                        sealed_number BLOB NOT NULL,
                        last4 TEXT NOT NULL,
                        expiry_month INTEGER NOT NULL,
                        expiry_year INTEGER NOT NULL,
                        created_at INTEGER NOT NULL
                    );
                    CREATE INDEX cards_by_owner ON cards(msisdn);
                    """
            )
        }
    }
}
