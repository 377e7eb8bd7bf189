import Foundation
import Ledger
import TestSupport
import Testing

@Suite struct GroupCommitTests {
    @Test(arguments: TestBackend.allCases) func concurrentCallersShareTransactionsAndRefusalsFailAlone(_ backend: TestBackend) async throws {
        let f = try await LedgerFixture(backend)
        let rich = try await f.wallet("22890000001", balance: 1_000_000, tier: 2)
        let poor = try await f.wallet("22890000002", balance: 0, tier: 2)
        let sink = try await f.wallet("22890000003", tier: 2)
        let before = f.ledger.commitStats
        let outcomes = try await withThrowingTaskGroup(of: Bool.self) { group in
            for i in 0..<400 {
                group.addTask {
                    // Every other caller has no money: refused, but alone.
                    let from = i.isMultiple(of: 2) ? rich.id : poor.id
                    do {
                        _ = try await f.ledger.transfer(
                            TransferRequest(idempotencyKey: "g\(i)", debit: from, credit: sink.id, amount: 100, kind: .p2p))
                        return true
                    } catch let error as LedgerError where error.code == .insufficientFunds {
                        return false
                    }
                }
            }
            return try await group.reduce(into: [Bool]()) { $0.append($1) }
        }
        #expect(outcomes.filter { $0 }.count == 200)
        #expect(try await f.balance(sink.id) == 200 * 100)
        #expect(try await f.balance(rich.id) == 1_000_000 - 200 * 110)
        let stats = f.ledger.commitStats
        let transactions = stats.transactions - before.transactions
        #expect(stats.operations - before.operations == 400)
        #expect(transactions < 400, "400 concurrent callers must share transactions, got \(transactions)")
        #expect(stats.largestBatch > 1)
        // Both stores count their writers' CPU time (the benchmarks print it per operation).
        let cpu = stats.busyCPU - before.busyCPU
        #expect(cpu > .zero && cpu <= stats.busy - before.busy + .milliseconds(50), "writer CPU \(cpu), busy \(stats.busy - before.busy)")
        // The ledger decides a refusal before it writes: SQLite's batches never had to run again.
        #expect(stats.reruns == before.reruns)
        #expect(try await f.ledger.verify().isClean)
    }

    /// A job that throws after writing (here a transfer, then an error) leaves nothing, batched with jobs that
    /// commit. On SQLite, jobs run without savepoints first; such a batch is rolled back and runs again with a
    /// savepoint per job, and the jobs that succeed still commit exactly once.
    @Test(arguments: TestBackend.allCases) func aJobThatFailsAfterWritingLeavesNothingAndTheOthersCommitOnce(_ backend: TestBackend) async throws {
        struct AfterWriting: Error {}
        let f = try await LedgerFixture(backend)
        let payer = try await f.wallet("22890000001", balance: 1_000_000, tier: 2)
        let sink = try await f.wallet("22890000002", tier: 2)
        let before = f.ledger.commitStats
        let committed = try await withThrowingTaskGroup(of: Bool.self) { group in
            for i in 0..<300 {
                group.addTask {
                    do {
                        _ = try await f.ledger.write { tx in
                            let request = TransferRequest(idempotencyKey: "w\(i)", debit: payer.id, credit: sink.id, amount: 100, kind: .p2p)
                            let receipt = try tx.transfer(request)
                            try tx.enqueueSMS(to: "22890000002", operatorID: "tmoney", body: "w\(i)", transferID: receipt.transfer.id)
                            if i.isMultiple(of: 3) { throw AfterWriting() }
                            return receipt.transfer.id
                        }
                        return true
                    } catch is AfterWriting {
                        return false
                    }
                }
            }
            return try await group.reduce(into: 0) { $0 += $1 ? 1 : 0 }
        }
        #expect(committed == 200)
        #expect(try await f.balance(sink.id) == 200 * 100)
        #expect(try await f.balance(payer.id) == 1_000_000 - 200 * 110)
        for i in [0, 3, 297] { #expect(try await f.ledger.write { try $0.transfer(idempotencyKey: "w\(i)") } == nil) }
        #expect(try await f.ledger.write { try $0.transfer(idempotencyKey: "w1") } != nil)
        let receipts = try await f.ledger.read { try $0.messages(to: "22890000002", after: 0) }.map(\.body)
        #expect(receipts.count == 200 && !receipts.contains("w0") && receipts.contains("w1"))
        let stats = f.ledger.commitStats
        if backend == .sqlite && stats.largestBatch > 1 { #expect(stats.reruns > before.reruns) }
        #expect(try await f.ledger.verify().isClean)
    }

    @Test(arguments: TestBackend.allCases) func maxBatchOfOneCommitsEachOperationAlone(_ backend: TestBackend) async throws {
        let f = try await LedgerFixture(backend, maxBatch: 1)
        let a = try await f.wallet("22890000001", balance: 100_000, tier: 2)
        let b = try await f.wallet("22890000002", tier: 2)
        let before = f.ledger.commitStats
        try await withThrowingTaskGroup(of: Void.self) { group in
            for i in 0..<50 {
                group.addTask {
                    _ = try await f.ledger.transfer(TransferRequest(idempotencyKey: "one\(i)", debit: a.id, credit: b.id, amount: 100, kind: .p2p))
                }
            }
            try await group.waitForAll()
        }
        #expect(f.ledger.commitStats.transactions - before.transactions == 50)
        #expect(f.ledger.commitStats.largestBatch == 1)
    }
}

@Suite struct RandomizedLedgerTests {
    /// Thousands of random transfers, replays, pending/post/void and refusals from many tasks; the books must balance.
    @Test(arguments: TestBackend.allCases, [UInt64(7), 42])
    func randomWorkKeepsTheBooksBalanced(_ backend: TestBackend, seed: UInt64) async throws {
        let f = try await LedgerFixture(backend)
        var accounts: [Account] = []
        for i in 0..<24 {
            accounts.append(try await f.wallet(String(format: "228900%05d", i), operatorID: "tmoney", balance: Int64(i % 4) * 20_000, tier: i % 3))
        }
        let ids = accounts.map(\.id)
        let suspense = try f.ledger.context.systemAccount(.suspense, of: "tmoney")
        let tasks = 16
        let perTask = 250
        try await withThrowingTaskGroup(of: Void.self) { group in
            for t in 0..<tasks {
                group.addTask {
                    var rng = SplitMix64(seed: seed &* 1000 &+ UInt64(t))
                    var mine: [TransferRequest] = []
                    var pendings: [Transfer.ID] = []
                    for n in 0..<perTask {
                        let roll = rng.next() % 100
                        do {
                            switch roll {
                            case 0..<55:
                                let request = TransferRequest(
                                    idempotencyKey: "r\(seed):\(t):\(n)", debit: ids.randomElement(using: &rng)!,
                                    credit: ids.randomElement(using: &rng)!,
                                    amount: Int64(rng.next() % 30_000), kind: .p2p)
                                _ = try await f.ledger.transfer(request)
                                mine.append(request)
                            case 55..<70:
                                if let old = mine.randomElement(using: &rng) {
                                    let replay = try await f.ledger.transfer(old)
                                    #expect(replay.replayed)
                                }
                            case 70..<80:
                                if var old = mine.randomElement(using: &rng) {
                                    old.amount += 1
                                    _ = try await f.ledger.transfer(old)
                                    Issue.record("conflicting replay accepted")
                                }
                            case 80..<90:
                                let r = try await f.ledger.transfer(
                                    TransferRequest(
                                        idempotencyKey: "p\(seed):\(t):\(n)", debit: ids.randomElement(using: &rng)!, credit: suspense,
                                        amount: 100 + Int64(rng.next() % 5000), kind: .offNet, pending: true))
                                pendings.append(r.transfer.id)
                            default:
                                if let id = pendings.popLast() {
                                    if rng.next() % 2 == 0 { try await f.ledger.post(id) } else { try await f.ledger.void(id) }
                                    _ = try? await f.ledger.void(id)  // a second decision is always refused
                                }
                            }
                        } catch is LedgerError {
                            // Refusals (funds, limits, same account, conflicts) are part of the workload.
                        }
                    }
                }
            }
            try await group.waitForAll()
        }
        let report = try await f.ledger.verify()
        #expect(report.isClean, "\(report)")
        #expect(report.total == 0)
        #expect(report.transfers > 1000)
        for account in accounts { #expect(try await f.balance(account.id) >= 0) }
    }
}
