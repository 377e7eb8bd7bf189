import ArgumentParser
import CommandSupport
import Foundation
import Ledger
import LedgerPostgres
import LedgerSQLite

extension LedgerCommand {
    /// `sika ledger copy --from FILE.sqlite --to postgres://…`: an SQLite ledger into an empty PostgreSQL database.
    struct Copy: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Copy an SQLite ledger into an empty PostgreSQL database, then check that both hold the same rows.",
            discussion: """
                Every table is copied as it is in one snapshot of the file (accounts, transfers, daily counts, outbox, subscribers, \
                cards, off-net records), ids included, in one transaction; a target that holds any row is refused. Then every table \
                is read back from both sides and compared row by row, and the PostgreSQL ledger is audited. The snapshot is taken \
                once: stop `sika serve` first, or what it writes afterwards stays behind. The password may come from \
                $SIKA_DATABASE_PASSWORD instead of the URL; it is never printed. Sessions are not copied.
                """)

        @Option(help: "The SQLite ledger file to copy.") var from: String
        @Option(help: "postgres://user[:password]@host[:port]/database of an empty database.") var to: String
        @Option(help: "Operator data, for the audit (default: menus/operators.yaml of $SIKA_HOME, else the one built into sika).")
        var operators: String?

        func run() async throws {
            CommandLogging.bootstrap(defaultLevel: .warning)
            guard FileManager.default.fileExists(atPath: from) else { throw CommandFailure("no ledger at \(from)") }
            var target: PostgresEndpoint
            do {
                target = try PostgresEndpoint(url: to)
            } catch {
                throw ValidationError("--to: \(error.message)")
            }
            if target.password == nil { target.password = ProcessInfo.processInfo.environment["SIKA_DATABASE_PASSWORD"] }
            let source = try SQLiteLedgerStore.open(path: from)
            let tables = try await source.tableSnapshots()
            try await source.close()
            let counts = try await PostgresLedgerCopy.load(tables, into: target)

            // Both sides, table by table, row by row.
            let copied = try await PostgresLedgerCopy.snapshots(of: tables.map(\.name), at: target)
            for table in tables {
                guard let other = copied.first(where: { $0.name == table.name })?.projected(on: table.columns) else {
                    throw CommandFailure("\(table.name) is missing from \(target.location) after the copy")
                }
                if let difference = table.canonical().difference(from: other.canonical()) {
                    throw CommandFailure("the copy differs from \(from): \(difference)")
                }
            }
            var options = StoreOptions()
            options.operators = operators
            let ledger = try await Ledger.openPostgres(endpoint: target, catalog: try options.catalog())
            let report = try await ledger.verify()
            try await ledger.store.close()
            guard report.isClean else { throw CommandFailure("the copied ledger does not verify:\n\(report)") }
            let summary = tables.map { "\(counts[$0.name] ?? 0) \($0.name)" }.joined(separator: ", ")
            print("Copied \(from) to \(target.location): \(summary).")
            print("Both sides hold the same rows in every table; \(report.description.split(separator: "\n").last ?? "").")
        }
    }
}
