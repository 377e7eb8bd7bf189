import GRDB
import Ledger

/// The two sides of off-net transfers, stored beside the ledger so that each step commits with its money.
///
/// `offnet_outgoing` is the sending operator's saga record: who is paid on which network, and whether
/// the sender was told it is "en cours". `offnet_incoming` is the receiving operator's record of each
/// credit asked of it, keyed by the sender's idempotency key: it answers replays and status queries,
/// and fences a key that was reversed before its credit arrived.
enum OffNetSchema {
    static func register(in migrator: inout DatabaseMigrator) {
        migrator.registerMigration("offnet.v1") { db in
            try db.execute(
                sql: """
                    CREATE TABLE offnet_outgoing (
                        transfer_id INTEGER PRIMARY KEY REFERENCES transfers(id),
                        provider_key TEXT NOT NULL UNIQUE,
                        home TEXT NOT NULL,
                        destination TEXT NOT NULL,
                        sender TEXT NOT NULL,
                        recipient TEXT NOT NULL,
                        amount INTEGER NOT NULL,
                        told_pending INTEGER NOT NULL DEFAULT 0,
                        created_at INTEGER NOT NULL
                    );
                    CREATE TABLE offnet_incoming (
                        operator TEXT NOT NULL,
                        provider_key TEXT NOT NULL,
                        source TEXT NOT NULL,
                        recipient TEXT NOT NULL,
                        amount INTEGER NOT NULL,
                        state TEXT NOT NULL,
                        code TEXT,
                        transfer_id INTEGER REFERENCES transfers(id),
                        created_at INTEGER NOT NULL,
                        updated_at INTEGER NOT NULL,
                        PRIMARY KEY (operator, provider_key)
                    );
                    """
            )
        }
        // What receipts and statements show instead of a suspense or settlement account: the name the
        // recipient's network gave (sending side) and the sender's number (receiving side).
        migrator.registerMigration("offnet.v2") { db in
            try db.execute(
                sql: """
                    ALTER TABLE offnet_outgoing ADD COLUMN recipient_name TEXT;
                    ALTER TABLE offnet_incoming ADD COLUMN sender TEXT;
                    """
            )
        }
    }
}
