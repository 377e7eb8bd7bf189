import Foundation
import GRDB
import Ledger
import TestSupport
import Testing

@testable import LedgerSQLite

/// The statements a transfer runs in the write lock build no temporary b-tree on the schema the store really
/// has (read back from the writer's compiled programs), and a database made before the hot tables were
/// rebuilt keeps every row and every rule after it.
@Suite struct HotPathSchemaTests {
    private func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appending(path: "sika-hot-path-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    @Test func noStatementOfATransferBuildsATemporaryTable() async throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let ledger = try await Ledger.openSQLite(path: directory.appending(path: "ledger.sqlite").path, catalog: Shipped.catalog)
        let store = try #require(ledger.store as? SQLiteLedgerStore)
        let temporary = try await store.hotStatementsWithTemporaryTables()
        #expect(temporary.isEmpty, "\(temporary)")
        #expect(LedgerSQL.hotPath.count == 7)
        // Nor does any statement of an SMS's delivery (submitted, its parts, their receipts).
        let delivery = [
            SMSReceiptSQL.submitted, SMSReceiptSQL.attempts, SMSReceiptSQL.insertPart, SMSReceiptSQL.setPartState, SMSReceiptSQL.part,
            SMSReceiptSQL.setState,
        ]
        let built = try await store.pool.writeWithoutTransaction { db in
            try delivery.filter { try SQLiteLedgerStore.opcodes(db, $0).contains("OpenEphemeral") }
        }
        #expect(built.isEmpty, "\(built)")
        try await ledger.store.close()
    }

    /// A database at the schema before `ledger.hot-path-checks.v2`, with a posted transfer, its fee leg (which
    /// refers to it), a pending transfer and a receipt (which refers to the transfer), opened by the store.
    @Test func theRebuiltTransfersTableKeepsItsRowsReferencesAndRules() async throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appending(path: "ledger.sqlite").path
        do {
            let queue = try DatabaseQueue(path: path)
            var migrator = DatabaseMigrator()
            SQLiteSchema.register(in: &migrator)
            try migrator.migrate(queue, upTo: "outbox.claims.v1")
            try await queue.write { db in
                // What the old schema cost: its state rule made every insert build a temporary table.
                #expect(try SQLiteLedgerStore.opcodes(db, LedgerSQL.insertTransfer).contains("OpenEphemeral"))
                #expect(try SQLiteLedgerStore.opcodes(db, LedgerSQL.insertOutboxPair).contains("OpenEphemeral"))
                try db.execute(
                    sql: """
                        INSERT INTO accounts (id, code, kind, operator, label, tier, balance, created_at) VALUES
                            (1, 'issuance:tmoney', 'issuance', 'tmoney', 'I', 0, -1000, 0),
                            (2, 'fees:tmoney', 'fees', 'tmoney', 'F', 0, 10, 0),
                            (3, 'wallet:tmoney:22890000001', 'wallet', 'tmoney', 'A', 0, 600, 0),
                            (4, 'wallet:tmoney:22890000002', 'wallet', 'tmoney', 'B', 0, 390, 0);
                        INSERT INTO transfers (id, idempotency_key, debit_account, credit_account, amount, fee, kind, state, operator,
                            reference_prefix, parent_id, debit_balance, credit_balance, created_at, updated_at) VALUES
                            (1, 'k1', 1, 3, 1000, 0, 'cash_in', 'posted', 'tmoney', 'TM', NULL, -1000, 1000, 1, 1),
                            (2, 'k2', 3, 4, 90, 10, 'p2p', 'posted', 'tmoney', 'TM', NULL, 910, 90, 2, 2),
                            (3, 'k2#fee', 3, 2, 10, 0, 'fee', 'posted', 'tmoney', 'TM', 2, 900, 10, 2, 2),
                            (4, 'k3', 3, 4, 300, 0, 'p2p', 'pending', 'tmoney', 'TM', NULL, 600, 390, 3, 3);
                        INSERT INTO outbox (msisdn, operator, sender, body, transfer_id, created_at) VALUES
                            ('22890000002', 'tmoney', '1455', 'Vous avez recu 90 FCFA', 2, 2);
                        UPDATE outbox SET dlr_state = 'submitted', attempts = 1, retry_at = 9, claimed_by = 'n1', claimed_until = 7;
                        INSERT INTO outbox_parts (operator, smsc_id, outbox_id, attempt, state, updated_at) VALUES ('tmoney', 'S1', 1, 1, 'pending', 3);
                        INSERT INTO mail_outbox (message_id, msisdn, address, language, notice, notice_values, transfer_id,
                            next_attempt_at, created_at, updated_at) VALUES
                            ('<m1@sika>', '22890000002', 'b@example.org', 'fr', 'transfer_received', '{}', 2, 5, 2, 2);
                        """)
            }
            try queue.close()
        }
        let ledger = try await Ledger.openSQLite(path: path, catalog: Shipped.catalog)
        let store = try #require(ledger.store as? SQLiteLedgerStore)
        let temporary = try await store.hotStatementsWithTemporaryTables()
        #expect(temporary.isEmpty, "\(temporary)")
        let fee = try #require(try await ledger.read { try $0.transfer(idempotencyKey: "k2#fee") })
        #expect(fee.parentID == 2 && fee.amount == 10 && fee.state == .posted)
        #expect(try await ledger.read { try $0.transferCount() } == 4)
        #expect(try await ledger.verify().isClean)
        // The pending transfer is still found through its partial index, and posting it still works.
        let pending = try await ledger.read { try $0.pendingTransfers(createdBefore: 10, limit: 10) }
        #expect(pending.map(\.idempotencyKey) == ["k3"])
        _ = try await ledger.write { tx in try tx.post(4) }
        #expect(try await ledger.read { try $0.transfer(id: 4)?.state } == .posted)
        // The rules hold on the new table: an unknown state and a dangling account are refused.
        await #expect(throws: (any Error).self) {
            try await ledger.write { tx in
                try tx.rows.insertTransfer(
                    NewTransfer(
                        idempotencyKey: "bad", debit: 3, credit: 4, amount: 1, fee: 0, kind: .p2p, state: .posted, operatorID: "tmoney",
                        referencePrefix: "TM", parentID: 99, debitBalanceAfter: 0, creditBalanceAfter: 0, createdAt: 4))
            }
        }
        let pool = try DatabasePool(path: path)
        try await pool.read { db in
            #expect(try Row.fetchAll(db, sql: "PRAGMA foreign_key_check").isEmpty)
            let indexes = try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'transfers' ORDER BY name")
            #expect(indexes.contains("transfers_by_debit") && indexes.contains("transfers_by_credit") && indexes.contains("transfers_pending"))
            #expect(try String.fetchOne(db, sql: "SELECT name FROM sqlite_master WHERE name = 'new_transfers'") == nil)
        }
        try await pool.read { db in
            let receipt = try #require(
                try Row.fetchOne(db, sql: "SELECT transfer_id, dlr_state, attempts, retry_at, claimed_by, claimed_until FROM outbox"))
            #expect(receipt[0] as Int64 == 2 && receipt[1] as String == "submitted" && receipt[2] as Int == 1)
            #expect(receipt[3] as Int64 == 9 && receipt[4] as String == "n1" && receipt[5] as Int64 == 7)
            #expect(try String.fetchOne(db, sql: "SELECT state FROM mail_outbox WHERE message_id = '<m1@sika>'") == "queued")
            #expect(try Int.fetchOne(db, sql: "SELECT outbox_id FROM outbox_parts WHERE operator = 'tmoney' AND smsc_id = 'S1'") == 1)
            let tracked = try Row.fetchAll(
                db, sql: "EXPLAIN QUERY PLAN SELECT id FROM outbox WHERE dlr_state IN ('submitted', 'retrying') AND retry_at <= 10"
            ).map { $0["detail"] as String }
            #expect(tracked.joined().contains("outbox_tracked"), "\(tracked)")
        }
        for bogus in [
            "UPDATE transfers SET state = 'bogus' WHERE id = 1", "UPDATE outbox SET dlr_state = 'bogus'", "UPDATE mail_outbox SET state = 'bogus'",
            "UPDATE outbox_parts SET state = 'bogus'",
        ] {
            await #expect(throws: DatabaseError.self, "\(bogus)") {
                try await pool.write { db in try db.execute(sql: bogus) }
            }
        }
        try pool.close()
        try await ledger.store.close()
    }
}
