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
        let fees = try ledger.context.systemAccount(.fees, of: "tmoney")
        let wallets = try await Self.fundedWallets(ledger, count: 32, numbersFrom: "228903", each: 100_000)
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

    /// A transfer's fee goes to a shard no other transaction holds; when another transaction holds every shard,
    /// the one-statement posting credits the fees account's own row instead, and waits for none of them.
    @Test func aFeeGoesToTheAccountsRowWhenEveryShardIsHeld() async throws {
        let storage = try await TestLedger.open(.postgres, writers: 1)
        let ledger = storage.ledger
        let fees = try ledger.context.systemAccount(.fees, of: "tmoney")
        let wallets = try await Self.fundedWallets(ledger, count: 2, numbersFrom: "228905", each: 10_000).map(\.id)
        let endpoint = try #require(storage.endpoint)
        let holder = try await BlockingWork.run {
            let connection = try BlockingPostgresConnection.connect(to: endpoint, applicationName: "sika-test-shard-holder")
            try connection.simple("BEGIN")
            try connection.simple("SELECT shard FROM account_shards WHERE account_id = \(fees) FOR UPDATE")
            return connection
        }
        let receipt = try await ledger.transfer(
            TransferRequest(idempotencyKey: "held", debit: wallets[0], credit: wallets[1], amount: 1_000, kind: .p2p))
        let fee = try #require(receipt.feeTransfer)
        #expect(fee.amount > 0)
        #expect(fee.creditBalanceAfter == fee.amount)
        let (row, shards) = try await BlockingWork.run {
            try holder.simple("COMMIT")
            defer { holder.close() }
            return (
                try holder.scalarText("SELECT balance::text FROM accounts WHERE id = \(fees)"),
                try holder.scalarText("SELECT COALESCE(SUM(balance), 0)::text FROM account_shards WHERE account_id = \(fees)")
            )
        }
        #expect(row == "\(fee.amount)" && shards == "0", "row \(row), shards \(shards)")
        // With the shards free again, the next fee goes to one of them, and the balance recorded counts the row.
        let next = try await ledger.transfer(
            TransferRequest(idempotencyKey: "free", debit: wallets[0], credit: wallets[1], amount: 1_000, kind: .p2p))
        #expect(next.feeTransfer?.creditBalanceAfter == 2 * fee.amount)
        #expect(try await ledger.account(id: fees)?.balance == 2 * fee.amount)
        let report = try await ledger.verify()
        #expect(report.isClean, "\(report)")
    }

    /// A connection lost at `COMMIT` is resolved by what the server committed, read back on a new connection: a batch
    /// lost before its `COMMIT` runs again (each transfer then exists once), one lost after it is answered as it ran
    /// (no job runs twice). Every third commit meets the fault. One writer: with two, a job that meets the other
    /// writer's lock is rolled back and runs again, which would blur the count of runs.
    @Test(arguments: [CommitFault.lostBeforeCommit, .lostAfterCommit])
    func aConnectionLostAtCommitIsResolvedByWhatTheServerCommitted(_ fault: CommitFault) async throws {
        let endpoint = try TestPostgres.endpoint().with(schema: TestPostgres.freshSchema())
        let commits = Tally()
        let faults = Tally()
        let armed = Flag()
        var options = PostgresLedgerStore.Options()
        options.writers = 1
        options.readers = 1
        options.commitFault = {
            guard armed.isSet, commits.next() % 3 == 1 else { return nil }
            faults.next()
            return fault
        }
        let ledger = try await Ledger.openPostgres(endpoint: endpoint, catalog: Shipped.catalog, store: options)
        defer { TestPostgres.drop(schema: endpoint.schema, of: endpoint) }
        let wallets = try await Self.fundedWallets(ledger, count: 8, numbersFrom: "228906", each: 100_000).map(\.id)
        armed.set()
        let accounts = wallets
        let runs = Tally()
        let receipts = try await withThrowingTaskGroup(of: (String, Transfer.ID).self) { group in
            for n in 0..<64 {
                group.addTask {
                    let request = TransferRequest(
                        idempotencyKey: "lost\(n)", debit: accounts[n % 8], credit: accounts[(n + 1) % 8], amount: 100, kind: .p2p)
                    let receipt = try await ledger.write { tx in
                        runs.next()
                        return try tx.transfer(request)
                    }
                    return (request.idempotencyKey, receipt.transfer.id)
                }
            }
            return try await group.reduce(into: [(String, Transfer.ID)]()) { $0.append($1) }
        }
        armed.clear()
        #expect(faults.count > 0)
        #expect(receipts.count == 64)
        for (key, id) in receipts {
            #expect(try await ledger.transfer(id: id)?.idempotencyKey == key, "\(key) was answered with transfer \(id)")
        }
        switch fault {
        case .lostBeforeCommit: #expect(runs.count > 64, "the lost batches ran again")
        case .lostAfterCommit: #expect(runs.count == 64, "a committed batch ran again")
        }
        // Each wallet sent 8 transfers of 100 (fee included in what left it) and received 8 of 100.
        for wallet in accounts {
            let statement = try await ledger.read { try $0.statement(account: wallet, limit: 100, before: .max) }
            #expect(statement.filter { $0.transfer.debitAccount == wallet && $0.transfer.kind == .p2p }.count == 8)
        }
        let report = try await ledger.verify()
        #expect(report.isClean, "\(report)")
        try await ledger.store.close()
    }

    /// `count` tier-2 wallets numbered `numbersFrom` followed by five digits, each funded with `each` from issuance.
    static func fundedWallets(_ ledger: Ledger, count: Int, numbersFrom prefix: String, each amount: Int64) async throws -> [Account] {
        let issuance = try ledger.context.systemAccount(.issuance, of: "tmoney")
        var wallets: [Account] = []
        for i in 0..<count {
            let wallet = try await ledger.write { tx in
                try tx.openAccount(
                    code: "wallet:tmoney:\(prefix)\(String(format: "%05d", i))", kind: .wallet, operatorID: "tmoney", label: "W", tier: 2)
            }
            _ = try await ledger.transfer(
                TransferRequest(idempotencyKey: "fund\(i)", debit: issuance, credit: wallet.id, amount: amount, kind: .cashIn))
            wallets.append(wallet)
        }
        return wallets
    }

    /// The server dies mid-load (`pg_ctl restart -m immediate`) under 16 callers: the writers reconnect, callers in
    /// flight get an error or their committed answer, never a wrong one, every acknowledged transfer is there,
    /// and the books balance. On a cluster of this test's own, so the shared server stays up for the others.
    @Test(.timeLimit(.minutes(10))) func aServerRestartMidLoadLosesNothingAcknowledged() async throws {
        let cluster = try await PrivateCluster.start()
        defer { cluster.stop() }
        let ledger = try await RestartUnderLoad.ledger(on: cluster)
        let accounts = try await Self.fundedWallets(ledger, count: 16, numbersFrom: "228904", each: 1_000_000).map(\.id)
        let log = try await RestartUnderLoad.run(on: cluster, refusals: LedgerError.self) { caller, n, key in
            let request = TransferRequest(
                idempotencyKey: key, debit: accounts[caller], credit: accounts[(caller + 1 + n % 15) % 16], amount: 100, kind: .p2p)
            return try await ledger.transfer(request).transfer.id
        }
        #expect(log.count(afterRestart: true) >= 50, "the store did not come back after the restart: \(log.refusals.suffix(3))")
        let report = try await ledger.verify()
        #expect(report.isClean, "\(report)")
        for (id, key) in log.acknowledged {
            let stored = try await ledger.transfer(id: id)
            let byKey = try await ledger.read { try $0.transfer(idempotencyKey: key) }
            #expect(
                stored?.idempotencyKey == key,
                "acknowledged transfer \(key) (id \(id)) is missing after the restart: id \(id) holds \(String(describing: stored)), key \(key) has \(String(describing: byKey))"
            )
        }
        #expect(log.strangeErrors.isEmpty)
        #expect(log.refusals.allSatisfy { $0.code == .storage }, "only storage errors, from the outage: \(log.refusals)")
        try await ledger.store.close()
    }
}

final class Flag: Sendable {
    private let value = Mutex(false)
    var isSet: Bool { value.withLock { $0 } }
    func set() { value.withLock { $0 = true } }
    func clear() { value.withLock { $0 = false } }
}

/// A count shared by concurrent closures.
final class Tally: Sendable {
    private let value = Atomic<Int>(0)
    var count: Int { value.load(ordering: .relaxed) }
    /// Adds one and returns the new count.
    @discardableResult func next() -> Int { value.add(1, ordering: .relaxed).newValue }
}
