import Foundation
import Ledger
import LedgerPostgres
import Synchronization
import TestSupport
import Testing

/// What only the PostgreSQL store has: durability read back from every writer, TLS, the system accounts'
/// shards, several writers committing at once, and reconnecting after the server restarted.
@Suite struct PostgresStoreTests {
    /// Every writer connection reports `synchronous_commit` as configured, each read on that connection.
    @Test(arguments: [Durability.full, .normal])
    func everyWriterRunsWithTheConfiguredDurability(_ durability: Durability) async throws {
        let storage = try await TestLedger.open(.postgres, durability: durability, writers: 3)
        let store = try #require(storage.ledger.store as? PostgresLedgerStore)
        #expect(storage.ledger.durability == durability)
        _ = try await storage.ledger.write { tx in
            try tx.openAccount(code: "wallet:tmoney:22890000001", kind: .wallet, operatorID: "tmoney", label: "W")
        }
        #expect(try await storage.ledger.writerDurability() == durability)
        let reading = try await store.writerDurabilityReading()
        #expect(reading.contains(durability == .full ? "synchronous_commit=on, fsync=on" : "synchronous_commit=off"), "\(reading)")
        #expect(!storage.ledger.location.contains(try #require(storage.endpoint?.password)))
    }

    /// `sslmode=verify-full` with the test server's CA: the connections are encrypted (the server says so), and a
    /// server whose certificate the client cannot verify is refused.
    @Test func tlsWhenTheURLAsksForIt() async throws {
        var endpoint = try TestPostgres.endpoint().with(schema: TestPostgres.freshSchema())
        endpoint.host = "localhost"
        endpoint.tls = .verifyFull
        let authority: String = try #require(TestPostgres.certificateAuthority)
        endpoint.rootCertificatePath = authority
        let ledger = try await Ledger.openPostgres(endpoint: endpoint, catalog: Shipped.catalog)
        let encrypted = endpoint
        let connection = try await BlockingWork.run {
            let connection = try BlockingPostgresConnection.connect(to: encrypted, applicationName: "sika-test-tls")
            defer { connection.close() }
            return try connection.scalarText("SELECT ssl::text FROM pg_stat_ssl WHERE pid = pg_backend_pid()")
        }
        #expect(connection == "true")
        #expect(try await ledger.verify().isClean)
        try await ledger.store.close()

        var untrusted = endpoint
        untrusted.rootCertificatePath = nil  // the system's roots do not know the test CA
        await #expect {
            _ = try await Ledger.openPostgres(endpoint: untrusted, catalog: Shipped.catalog)
        } throws: { error in
            (error as? LedgerError)?.code == .storage && "\(error)".contains("cannot connect")
        }
        TestPostgres.drop(schema: endpoint.schema, of: endpoint)
    }

    /// Transfers through four writers at once: every fee lands in the fees account, spread over shards so the
    /// writers never queued on one row, and the account's balance is the sum the audit checks.
    @Test func feesSpreadOverShardsAndSumToTheAccountsBalance() async throws {
        let storage = try await TestLedger.open(.postgres, writers: 4)
        let ledger = storage.ledger
        let issuance = try ledger.context.systemAccount(.issuance, of: "tmoney")
        let fees = try ledger.context.systemAccount(.fees, of: "tmoney")
        var wallets: [Account] = []
        for i in 0..<32 {
            let wallet = try await ledger.write { tx in
                try tx.openAccount(code: "wallet:tmoney:228903\(String(format: "%05d", i))", kind: .wallet, operatorID: "tmoney", label: "W", tier: 2)
            }
            _ = try await ledger.transfer(
                TransferRequest(idempotencyKey: "fund\(i)", debit: issuance, credit: wallet.id, amount: 100_000, kind: .cashIn))
            wallets.append(wallet)
        }
        let all = wallets
        try await withThrowingTaskGroup(of: Void.self) { group in
            for (i, wallet) in all.enumerated() {
                group.addTask {
                    for n in 0..<20 {
                        _ = try await ledger.transfer(
                            TransferRequest(
                                idempotencyKey: "s\(i):\(n)", debit: wallet.id, credit: all[(i + 1) % all.count].id, amount: 1000, kind: .p2p))
                    }
                }
            }
            try await group.waitForAll()
        }
        #expect(try await ledger.account(id: fees)?.balance == 32 * 20 * 10)
        let endpoint = try #require(storage.endpoint)
        let shardsUsed = try await BlockingWork.run {
            let connection = try BlockingPostgresConnection.connect(to: endpoint, applicationName: "sika-test-shards")
            defer { connection.close() }
            return try connection.scalarText("SELECT count(*)::text FROM account_shards WHERE account_id = \(fees) AND balance <> 0")
        }
        #expect(Int(shardsUsed) ?? 0 >= 2, "the fees landed on \(shardsUsed) shard(s)")
        let report = try await ledger.verify()
        #expect(report.isClean, "\(report)")
        #expect(ledger.commitStats.operations >= 32 * 21)
    }

    /// The server dies mid-load (`pg_ctl restart -m immediate`) under 16 callers: the writers reconnect, callers in
    /// flight get an error or their committed answer, never a wrong one, every acknowledged transfer is there,
    /// and the books balance. On a cluster of this test's own, so the shared server stays up for the others.
    @Test(.timeLimit(.minutes(10))) func aServerRestartMidLoadLosesNothingAcknowledged() async throws {
        let cluster = try PrivateCluster.start()
        defer { cluster.stop() }
        var options = Ledger.Options()
        options.durability = .full
        var storeOptions = PostgresLedgerStore.Options()
        storeOptions.writers = 4
        let ledger = try await Ledger.openPostgres(endpoint: cluster.endpoint, catalog: Shipped.catalog, options: options, store: storeOptions)
        let issuance = try ledger.context.systemAccount(.issuance, of: "tmoney")
        var wallets: [Account.ID] = []
        for i in 0..<16 {
            let wallet = try await ledger.write { tx in
                try tx.openAccount(code: "wallet:tmoney:228904\(String(format: "%05d", i))", kind: .wallet, operatorID: "tmoney", label: "W", tier: 2)
            }
            _ = try await ledger.transfer(
                TransferRequest(idempotencyKey: "fund\(i)", debit: issuance, credit: wallet.id, amount: 1_000_000, kind: .cashIn))
            wallets.append(wallet.id)
        }
        let accounts = wallets
        let log = AcknowledgedLog()
        let restarted = Flag()
        // Bounds that only turn a hang into a failure (a loaded CI machine restarts and reconnects slowly).
        let deadline = ContinuousClock.now + .seconds(420)
        let load = Task {
            try await withThrowingTaskGroup(of: Void.self) { group in
                for caller in 0..<16 {
                    group.addTask {
                        var n = 0
                        // Until 50 transfers were acknowledged after the restart: proof that the store reconnected.
                        while !(restarted.isSet && log.count(after: true) >= 50) && ContinuousClock.now < deadline {
                            n += 1
                            let key = "r\(caller):\(n)"
                            let request = TransferRequest(
                                idempotencyKey: key, debit: accounts[caller], credit: accounts[(caller + 1 + n % 15) % 16], amount: 100, kind: .p2p)
                            do {
                                let receipt = try await ledger.transfer(request)
                                log.record(receipt.transfer.id, key, afterRestart: restarted.isSet)
                            } catch let error as LedgerError {
                                log.refused(error)
                            }
                        }
                    }
                }
                try await group.waitForAll()
            }
        }
        while log.count(after: false) < 200 && ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(20)) }
        try await BlockingWork.run { try cluster.restart() }
        restarted.set()
        try await load.value
        #expect(log.count(after: true) >= 50, "the store did not come back after the restart: \(log.refusals.suffix(3))")
        let report = try await ledger.verify()
        #expect(report.isClean, "\(report)")
        for (id, key) in log.acknowledged {
            #expect(try await ledger.transfer(id: id)?.idempotencyKey == key, "acknowledged transfer \(key) is missing after the restart")
        }
        #expect(log.refusals.allSatisfy { $0.code == .storage }, "only storage errors, from the outage: \(log.refusals)")
        try await ledger.store.close()
    }
}

/// What the restart test's callers were told.
final class AcknowledgedLog: Sendable {
    private let state = Mutex<(acknowledged: [(Transfer.ID, String)], before: Int, after: Int, refusals: [LedgerError])>(([], 0, 0, []))

    func record(_ id: Transfer.ID, _ key: String, afterRestart: Bool) {
        state.withLock { state in
            state.acknowledged.append((id, key))
            if afterRestart { state.after += 1 } else { state.before += 1 }
        }
    }

    func refused(_ error: LedgerError) { state.withLock { $0.refusals.append(error) } }

    func count(after: Bool) -> Int { state.withLock { after ? $0.after : $0.before } }

    var acknowledged: [(Transfer.ID, String)] { state.withLock { $0.acknowledged } }
    var refusals: [LedgerError] { state.withLock { $0.refusals } }
}

final class Flag: Sendable {
    private let value = Mutex(false)
    var isSet: Bool { value.withLock { $0 } }
    func set() { value.withLock { $0 = true } }
}
