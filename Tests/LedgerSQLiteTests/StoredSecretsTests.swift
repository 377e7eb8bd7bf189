import Foundation
import GRDB
import Ledger
import MobileMoney
import TestSupport
import Testing

/// What the SQLite file holds, read with SQL behind the store's back.
@Suite struct StoredSecretsTests {
    /// Every column of every subscriber row, read raw: no PIN in clear, in text or in bytes.
    @Test func thePinIsNeverStoredInClear() async throws {
        let world = try await TestWorld.make()
        let path = world.directory.appending(path: "ledger.sqlite").path
        let queue = try DatabaseQueue(
            path: path,
            configuration: {
                var c = Configuration(); c.readonly = true; return c
            }())
        let rows = try await queue.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM subscribers").map { row in
                Dictionary(uniqueKeysWithValues: row.map { column, value in (column, value.storage) })
            }
        }
        #expect(rows.count == Shipped.world.subscribers.count)
        for row in rows {
            guard case .string(let msisdn) = row["msisdn"] else {
                Issue.record("no msisdn")
                continue
            }
            let pin = Shipped.pin(of: msisdn)
            for (column, value) in row where column != "msisdn" {
                if case .string(let text) = value { #expect(!text.contains(pin), "\(column) holds the PIN") }
                if case .blob(let data) = value { #expect(data != Data(pin.utf8)) }
            }
        }
    }
}

extension StoredSecretsTests {
    /// A card's CVV is checked and dropped: the schema has nowhere to keep it.
    @Test func theCardsTableHasNoCVVColumn() async throws {
        let world = try await TestWorld.make(seed: false)
        let queue = try DatabaseQueue(path: world.directory.appending(path: "ledger.sqlite").path)
        let columns = try await queue.read { db in try String.fetchAll(db, sql: "SELECT name FROM pragma_table_info('cards')") }
        #expect(columns.contains("sealed_number") && columns.contains("last4"))
        #expect(!columns.contains { $0.lowercased().contains("cvv") || $0.lowercased().contains("cvc") })
    }
}
