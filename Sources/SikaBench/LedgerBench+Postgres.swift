import ArgumentParser
import CommandSupport
import Foundation
import Ledger
import LedgerPostgres
import MobileMoney
import Operators
import SikaResources

extension LedgerBench {
    /// `sika-bench ledger --database postgres://…`: the full transfer at 1, 8 and 64 callers on PostgreSQL, each
    /// run on a fresh schema (dropped afterwards), with the durability every writer read back.
    func runOnPostgres(url: String) async throws {
        let endpoint = try BenchPostgres.endpoint(url)
        let catalog = try OperatorCatalog.load(from: SikaHome().operators)
        if let pgbenchScript {
            try await preparePgbench(endpoint: endpoint, catalog: catalog, file: pgbenchScript)
            return
        }
        print(
            "sika-bench ledger on \(endpoint.location): \(operations) ops per run, \(wallets) wallets, \(writers) writer connections, "
                + "asked for synchronous_commit=\(durability.synchronousCommit)")
        for callers in only.map({ [$0] }) ?? [1, 8, 64] {
            // The plain statements first, the baseline measured in the same run; then the batch's writes together.
            var rates: [Double] = []
            for batched in [false, true] {
                let schema = "sika_bench_\(callers)_\(UUID().uuidString.prefix(8).lowercased())"
                let ledger = try await open(endpoint.with(schema: schema), catalog: catalog, batched: batched)
                let world = try await BenchWorld.make(ledger: ledger, wallets: wallets)
                let before = ledger.commitStats
                let (rate, batch) = try await measure(money: world.money, callers: callers, count: operations)
                let stats = ledger.commitStats
                try await ledger.store.close()
                try await drop(schema: schema, endpoint: endpoint)
                let share = Double(stats.batchedOperations - before.batchedOperations) / Double(max(1, stats.operations - before.operations))
                let how = batched ? "batched" : "plain (baseline)"
                let label = "PostgreSQL group commit, \(callers) callers, \(how)".padding(toLength: 60, withPad: " ", startingAt: 0)
                print(
                    "\(label) \(String(format: "%9.0f", rate)) ops/s   \(String(format: "%.1f", batch)) ops/commit"
                        + (batched ? "   \(String(format: "%.0f", share * 100))% written by their batch" : ""))
                rates.append(rate)
            }
            print("  batched / plain at \(callers) callers: \(String(format: "%.2f", rates[1] / rates[0]))x")
            print("RESULT sika callers=\(callers) tps=\(String(format: "%.1f", rates[1]))")
            print("RESULT plain callers=\(callers) tps=\(String(format: "%.1f", rates[0]))")
        }
    }

    /// - Parameter batched: whether the writers write a batch's prepared transfers together (see `PostgresBatchPosting`).
    private func open(_ endpoint: PostgresEndpoint, catalog: OperatorCatalog, batched: Bool = true) async throws -> Ledger {
        var options = Ledger.Options()
        options.durability = durability
        var store = PostgresLedgerStore.Options()
        store.writers = writers
        store.batchesTransfers = batched
        return try await Ledger.openPostgres(endpoint: endpoint, catalog: catalog, options: options, store: store)
    }

    private func drop(schema: String, endpoint: PostgresEndpoint) async throws {
        try await BlockingWork.run { try BenchPostgres.drop(schema: schema, endpoint: endpoint) }
    }

    /// The anchor: the same world in schema `sika_pgbench` (funded wallets, system accounts and their shards), and
    /// a pgbench script running the statements one full transfer issues on PostgreSQL — the very SQL text of
    /// `PostgresLedgerSQL`, its parameters filled by pgbench — one transfer per transaction.
    ///
    /// With `--pgbench-current-script`, a second script on the same world: the statements Sika issues for a prepared
    /// transfer now (both parties locked; keys and the day's total; every write in one statement; both receipts and
    /// their `NOTIFY`), one transfer per transaction. The wallets are opened in order, so that a wallet's account id
    /// is the first one's plus its index (checked here), which the script computes.
    private func preparePgbench(endpoint: PostgresEndpoint, catalog: OperatorCatalog, file: String) async throws {
        let schema = "sika_pgbench"
        try await drop(schema: schema, endpoint: endpoint)
        let ledger = try await open(endpoint.with(schema: schema), catalog: catalog)
        let world = try await BenchWorld.make(ledger: ledger, wallets: wallets, inOrder: true)
        let fees = try ledger.context.systemAccount(.fees, of: "tmoney")
        let day = CivilDate.epochDay(millis: LedgerContext.systemClock())
        let numbers = world.wallets
        let accounts = try await ledger.read { rows in try numbers.map { try rows.subscriber(msisdn: $0)?.account.id ?? -1 } }
        try await ledger.store.close()
        try Self.pgbenchScript(wallets: wallets, fees: fees, day: day).write(toFile: file, atomically: true, encoding: .utf8)
        print("pgbench world ready in schema \(schema) (\(wallets) wallets); script written to \(file)")
        if let current = pgbenchCurrentScript {
            let first = accounts[0]
            guard accounts.enumerated().allSatisfy({ $0.element == first + Int64($0.offset) }) else {
                throw ValidationError("the bench wallets' account ids do not follow their numbers")
            }
            let channel = PostgresLedgerSQL.outboxChannel(schema: schema)
            try Self.pgbenchCurrentScript(wallets: wallets, firstAccount: first, fees: fees, day: day, channel: channel)
                .write(toFile: current, atomically: true, encoding: .utf8)
            print("pgbench script of the current statements written to \(current)")
        }
    }

    /// The second anchor: one prepared transfer as Sika issues it now (see ``preparePgbench``), same amounts as
    /// ``pgbenchScript(wallets:fees:day:)``.
    static func pgbenchCurrentScript(wallets: Int, firstAccount: Int64, fees: Account.ID, day: Int64, channel: String) -> String {
        let msisdn = pgbenchMSISDN
        let body = pgbenchReceipt
        return pgbenchFile(
            "-- Generated by sika-bench ledger --pgbench-current-script: one prepared transfer's statements, as Sika issues them now.",
            wallets: wallets, fees: fees, day: day,
            [
                "\\set first \(firstAccount)",
                "\\set payer :first + :n",
                "\\set payee :first + :m",
                "BEGIN;",
                filled(PostgresPostingSQL.lockParties, ["ARRAY[\(msisdn(":n")), \(msisdn(":m"))]"]),
                filled(PostgresPostingSQL.keysAndOutgoing, ["(:key)::text", "(:key)::text || '#fee'", ":payer", ":day"]),
                filled(
                    PostgresPostingSQL.postTransfer(outgoing: true, fee: true),
                    [
                        ":payer", ":payee", "100", "10", "(:key)::text", "'p2p'", "'posted'", "'tmoney'", "'TM'", "NULL", ":now", ":day", ":fees",
                        ":shard", "(:key)::text || '#fee'",
                    ], gset: "p_"),
                filled(
                    PostgresLedgerSQL.insertOutboxPairNotifying,
                    [
                        msisdn(":n"), "'tmoney'", "'1455'", body, ":p_main_id", ":now", msisdn(":m"), "'tmoney'", "'1455'", body, ":p_main_id",
                        ":now",
                        "'\(channel)'",
                    ]),
                "COMMIT;",
            ])
    }

    /// An anchor script: its comment line, the variables both scripts draw per transaction (neighbouring wallets `n`
    /// and `m`, a fresh `key`, a `shard` of the fees account, and the day with its time: `now`, computed by pgbench in
    /// 64 bits, where an expression in the SQL would be typed integer and overflow), then `statements`.
    static func pgbenchFile(_ comment: String, wallets: Int, fees: Account.ID, day: Int64, _ statements: [String]) -> String {
        let variables = [
            "\\set wallets \(wallets)",
            "\\set fees \(fees)",
            "\\set day \(day)",
            "\\set now :day * 86400000",
            "\\set n random(0, :wallets - 1)",
            "\\set m (:n + 1) % :wallets",
            "\\set key random(1, 9000000000000000000)",
            "\\set shard random(0, \(PostgresLedgerSchema.shards - 1))",
        ]
        return ([comment] + variables + statements).joined(separator: "\n") + "\n"
    }

    /// A bench wallet's number from a pgbench expression of its index.
    static func pgbenchMSISDN(_ variable: String) -> String { "('2289' || lpad((\(variable))::text, 7, '0'))" }

    /// The body of both receipts in the anchor scripts (a real receipt's length).
    static let pgbenchReceipt =
        "'Vous avez envoye 100 FCFA a Bench Wallet (22890000001). Frais: 10 FCFA. Nouveau solde: 3 999 890 FCFA. Ref: TM000000.000001'"

    /// A statement of `PostgresLedgerSQL` with its `$n` replaced by pgbench expressions, highest first.
    /// - Parameter all: `\aset` instead of `\gset` (no row leaves the variables as they were, instead of an error).
    static func filled(_ sql: String, _ parameters: [String], gset: String? = nil, all: Bool = false) -> String {
        var text = sql
        for (index, parameter) in parameters.enumerated().reversed() {
            text = text.replacingOccurrences(of: "$\(index + 1)", with: parameter)
        }
        let line = text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.joined(separator: " ")
        return gset.map { "\(line) \\\(all ? "aset" : "gset") \($0)" } ?? "\(line);"
    }

    /// The anchor's script: one on-net transfer of 100 FCFA (fee 10) between neighbouring bench wallets, as
    /// `MobileMoney.transfer` issues it on PostgreSQL (PIN check and rules aside), with the fee credit spread over
    /// the fees account's shards, in one transaction.
    static func pgbenchScript(wallets: Int, fees: Account.ID, day: Int64) -> String {
        let msisdn = pgbenchMSISDN
        let body = pgbenchReceipt
        return pgbenchFile(
            "-- Generated by sika-bench ledger --pgbench-script: the statements of one full transfer, as Sika issues them.",
            wallets: wallets, fees: fees, day: day,
            [
                "BEGIN;",
                filled(PostgresLedgerSQL.subscriberLocked, [msisdn(":n")], gset: "s_"),
                filled(PostgresLedgerSQL.subscriberLocked, [msisdn(":m")], gset: "r_"),
                filled(PostgresLedgerSQL.transferByKey, ["(:key)::text"]),
                filled(PostgresLedgerSQL.addOutgoing, [":s_account_id", ":day", "100"]),
                filled(PostgresLedgerSQL.addToBalance, ["-110", ":s_account_id"], gset: "d_"),
                filled(PostgresLedgerSQL.addToBalance, ["100", ":r_account_id"], gset: "c_"),
                // As PostgresRows.add does: a free shard of the fees account, else (every shard held by another
                // transaction: more clients than shards) the account's own row. `\aset` leaves the sentinel on no row,
                // where `\gset` aborted the client.
                "\\set f_int8 -1",
                filled(PostgresLedgerSQL.addToShard, [":fees", ":shard", "10"], gset: "f_", all: true),
                "\\if :f_int8 = -1",
                filled(PostgresLedgerSQL.addToBalance, ["10", ":fees"], gset: "f_"),
                "\\endif",
                // The main row records the sender's balance before its fee leg, as LedgerTransaction does.
                "\\set debit_after :d_int8 + 10",
                filled(
                    PostgresLedgerSQL.insertTransfer,
                    [
                        "(:key)::text", ":s_account_id", ":r_account_id", "100", "10", "'p2p'", "'posted'", "'tmoney'", "'TM'", "NULL",
                        ":debit_after", ":c_int8", ":now",
                    ], gset: "t_"),
                filled(
                    PostgresLedgerSQL.insertTransfer,
                    [
                        "(:key)::text || '#fee'", ":s_account_id", ":fees", "10", "0", "'fee'", "'posted'", "'tmoney'", "'TM'", ":t_id", ":d_int8",
                        ":f_int8", ":now",
                    ]),
                filled(
                    PostgresLedgerSQL.insertOutboxPair,
                    [msisdn(":n"), "'tmoney'", "'1455'", body, ":t_id", ":now", msisdn(":m"), "'tmoney'", "'1455'", body, ":t_id", ":now"]),
                "COMMIT;",
            ])
    }
}
