import ArgumentParser
import CommandSupport
import Foundation
import Ledger
import LedgerSQLite
import MobileMoney
import Operators
import SikaResources

/// `sika-bench ledger`: durable on-net transfers per second for the full operation (PIN check, limits,
/// transfer, fee, both receipts), one commit per operation versus group commit at 1, 8 and 64 callers,
/// against the raw SQLite ceiling of the same statements measured in the same run.
struct LedgerBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "ledger", abstract: "Durable transfers per second, group commit vs baselines.")

    @Option(help: "Operations per group-commit measurement.") var operations: Int = 20_000
    @Option(help: "Operations for the one-commit-per-operation baseline (it is slow).") var singleOperations: Int = 3_000
    @Option(help: "Wallets the transfers move between.") var wallets: Int = 256
    @Option(help: "Directory for the throwaway databases (default: a temporary one).") var directory: String?
    @Option(help: "Run only the group-commit measurement with this many callers (profiling).") var only: Int?
    @Option(help: "Durability of every ledger of the run: full, normal or off.") var durability: Durability = .full
    @Flag(help: "Tiny counts: proves the bench runs and verifies clean (CI), measures nothing.") var smoke = false
    @Option(help: "Measure the ledger on PostgreSQL (postgres://…; each run in a fresh schema) instead of SQLite.") var database: String?
    @Option(help: "With --database: writer connections.") var writers: Int = 4
    @Option(help: "With --database: prepare the pgbench anchor's world and write its script (same statements) to this file, then stop.")
    var pgbenchScript: String?
    @Option(help: "With --pgbench-script: also write a script of the statements a prepared transfer issues now to this file.")
    var pgbenchCurrentScript: String?
    @Flag(help: "Give every wallet a verified e-mail address: each transfer also renders and writes two e-mail notices.")
    var emails = false
    @Flag(help: "Every check inside the write job, none on a snapshot before it (the baseline of the prepared path).")
    var checksInWriter = false

    mutating func validate() throws {
        if smoke { (operations, singleOperations, wallets) = (256, 64, 16) }
        guard operations >= 64, singleOperations > 0, wallets > 1 else { throw ValidationError("need at least 64 operations and 2 wallets") }
    }

    func run() async throws {
        CommandLogging.bootstrap(defaultLevel: .warning)
        if let database {
            try await runOnPostgres(url: database)
            return
        }
        let base =
            try directory.map { path in
                let url = URL(fileURLWithPath: path).appendingPathComponent("sika-bench-ledger-\(UUID().uuidString)")
                try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
                return url
            } ?? BenchWorld.directory("ledger")
        defer { try? FileManager.default.removeItem(at: base) }
        let catalog = try OperatorCatalog.load(from: SikaHome().operators)
        print(
            "sika-bench ledger: \(operations) ops per run, \(wallets) wallets, WAL, asked for synchronous=\(durability.rawValue)"
                + (emails ? ", every wallet with a verified e-mail address" : ""))

        if let only {
            let (rate, batch) = try await measure(
                path: base.appendingPathComponent("only.sqlite").path, catalog: catalog, maxBatch: 512, callers: only, count: operations,
                prepares: !checksInWriter)
            report("group commit, \(only) callers" + (checksInWriter ? ", every check in the writer" : ""), rate, rate, batch: batch)
            return
        }
        let ceiling = try await rawCeiling(path: base.appendingPathComponent("raw.sqlite").path, catalog: catalog)
        let raw = ceiling.rate
        report("raw SQLite ceiling (same SQL, 1000/txn, 1 caller)", raw, raw)
        print("    raw ceiling's writer (read back): \(ceiling.durability)")
        // The figure to hold the writer's CPU per op against: on a machine shared with other work, rates follow
        // the share of a core each thread gets, CPU times do not.
        print(String(format: "    CPU per op: %.1f us (one thread, the statements alone)", 1e6 * ceiling.cpuPerOp))
        // The same statements committed as often as the group commit's batches at 64 callers (about 32 jobs): what
        // the commits cost, apart from everything else the full operation adds.
        let batched = try await rawCeiling(path: base.appendingPathComponent("raw32.sqlite").path, catalog: catalog, perTransaction: 32)
        report("raw SQLite, 32/txn (a 64-caller batch), 1 caller", batched.rate, raw)
        print(String(format: "    CPU per op: %.1f us (one thread, the statements alone)", 1e6 * batched.cpuPerOp))
        let (single, singleBatch) = try await measure(
            path: base.appendingPathComponent("single.sqlite").path, catalog: catalog, maxBatch: 1, callers: 8, count: singleOperations)
        report("one operation per commit (8 callers)", single, raw, batch: singleBatch)
        for callers in [1, 8, 64] {
            let (rate, batch) = try await measure(
                path: base.appendingPathComponent("group\(callers).sqlite").path, catalog: catalog, maxBatch: 512, callers: callers,
                count: operations)
            report("group commit, \(callers) callers", rate, raw, batch: batch)
            if callers == 64 { print(String(format: "    %.2fx the raw SQL committed 32 per transaction", rate / batched.rate)) }
        }
        // The same 64 callers with every check inside the write job: the baseline of the prepared path, same run.
        let (inWriter, inWriterBatch) = try await measure(
            path: base.appendingPathComponent("writer64.sqlite").path, catalog: catalog, maxBatch: 512, callers: 64, count: operations,
            prepares: false)
        report("group commit, 64 callers, every check in the writer", inWriter, raw, batch: inWriterBatch)
    }

    func report(_ label: String, _ rate: Double, _ raw: Double, batch: Double? = nil) {
        let padded = label.padding(toLength: 52, withPad: " ", startingAt: 0)
        let batching = batch.map { String(format: "   %.1f ops/commit", $0) } ?? ""
        print("\(padded) \(String(format: "%9.0f", rate)) ops/s   \(String(format: "%.2f", rate / raw))x raw\(batching)")
    }

    func numbers() -> [String] { BenchWorld.numbers(wallets) }

    /// Opens a fresh ledger with funded wallets.
    private func prepare(path: String, catalog: OperatorCatalog, maxBatch: Int, prepares: Bool = true) async throws -> MobileMoney {
        var options = Ledger.Options()
        options.maxBatch = maxBatch
        options.durability = durability
        var money = MobileMoney.Options()
        money.preparesTransfers = prepares
        return try await BenchWorld.make(path: path, catalog: catalog, wallets: wallets, options: options, emails: emails, money: money).money
    }

    private func measure(path: String, catalog: OperatorCatalog, maxBatch: Int, callers: Int, count: Int, prepares: Bool = true) async throws
        -> (Double, Double)
    {
        try await measure(
            money: try await prepare(path: path, catalog: catalog, maxBatch: maxBatch, prepares: prepares), callers: callers, count: count)
    }

    /// `count` full transfers from `callers` concurrent callers on `money`'s ledger: the rate and the batching.
    func measure(money: MobileMoney, callers: Int, count: Int) async throws -> (Double, Double) {
        let numbers = numbers()
        let perCaller = count / callers
        let before = money.ledger.commitStats
        let prepared = money.preparedWrites
        let cpuBefore = ProcessProbe.ownCPUSeconds()
        let start = ContinuousClock.now
        try await withThrowingTaskGroup(of: Void.self) { group in
            for caller in 0..<callers {
                group.addTask {
                    for i in 0..<perCaller {
                        let operation = Self.operation(caller: caller, step: i, numbers: numbers)
                        _ = try await money.transfer(
                            from: operation.from, to: operation.to, amount: 100, pin: "2580", idempotencyKey: operation.key)
                    }
                }
            }
            try await group.waitForAll()
        }
        let seconds = (ContinuousClock.now - start).seconds
        let cpu = ProcessProbe.ownCPUSeconds() - cpuBefore
        let after = money.ledger.commitStats
        let batch = Double(after.operations - before.operations) / Double(max(1, after.transactions - before.transactions))
        let operations = Double(perCaller * callers)
        // CPU time, unlike wall time, does not count the waits for a core that other work on the machine causes.
        print(
            String(
                format: "    CPU per op: %.1f us in all, %.1f us in the writer threads (their CPU time; on PostgreSQL not the event loops')",
                1e6 * cpu / operations,
                1e6 * (after.busyCPU - before.busyCPU).seconds / operations))
        if ProcessInfo.processInfo.environment["SIKA_BENCH_DETAIL"] != nil {
            let busy = (after.busy - before.busy).seconds
            let done = money.preparedWrites
            print(
                String(
                    format: "    commit queue busy %.0f%% of %.2fs, %.1f us per op in the queue; "
                        + "prepared: %d applied, %d stale, %d read their parties; %d batches run again with savepoints",
                    100 * busy / seconds, seconds, 1e6 * busy / operations, done.applied - prepared.applied, done.stale - prepared.stale,
                    done.reads - prepared.reads, after.reruns - before.reruns))
        }
        let report = try await money.ledger.verify()
        guard report.isClean else { throw ValidationError("ledger does not verify after the run:\n\(report)") }
        print("    " + (try await BenchWorld.durabilityLine(money.ledger)))
        return (Double(perCaller * callers) / seconds, batch)
    }

    /// The `step`-th transfer of `caller`: each caller walks the wallets from its own starting point, under keys
    /// of its own, so concurrent callers' transfers touch rows (and index pages) all over the ledger.
    static func operation(caller: Int, step: Int, numbers: [String]) -> SQLiteRawCeiling.Operation {
        SQLiteRawCeiling.Operation(
            from: numbers[(caller * 7919 + step) % numbers.count], to: numbers[(caller * 7919 + step + 1) % numbers.count],
            key: "b:\(caller):\(step)")
    }

    /// The transfers of a run of 64 callers, in the order they reach the writer (one of each caller in turn).
    func operationsOf64Callers() -> [SQLiteRawCeiling.Operation] {
        let numbers = numbers()
        return (0..<operations).map { Self.operation(caller: $0 % 64, step: $0 / 64, numbers: numbers) }
    }

    /// The same 10 statements a full transfer runs, on the same rows as 64 callers, prepared once, 1,000 per
    /// transaction, one caller, no logic.
    private func rawCeiling(path: String, catalog: OperatorCatalog, perTransaction: Int = 1000) async throws -> (
        rate: Double, durability: Durability, cpuPerOp: Double
    ) {
        // Same starting world as the other runs, then the statements alone.
        let world = try await prepare(path: path, catalog: catalog, maxBatch: 512)
        try await world.ledger.store.close()
        let cpuBefore = ProcessProbe.ownCPUSeconds()
        let (rate, durability) = try await SQLiteRawCeiling.run(
            path: path, operations: operationsOf64Callers(), durability: durability, perTransaction: perTransaction)
        return (rate, durability, (ProcessProbe.ownCPUSeconds() - cpuBefore) / Double(operations))
    }
}

extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
