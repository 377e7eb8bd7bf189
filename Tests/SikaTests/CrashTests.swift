import ChildProcess
import Foundation
import Ledger
import LedgerPostgres
import LedgerSQLite
import MobileMoney
import Operators
import TestSupport
import Testing

/// A binary built beside the test bundle: `sika`, or the crash tests' `sika-torture`.
func builtBinary(_ name: String) -> URL {
    var dir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
    while !FileManager.default.fileExists(atPath: dir.appending(path: name).path) && dir.path != "/" {
        dir = dir.deletingLastPathComponent()
    }
    return dir.appending(path: name)
}

let sikaBinary = builtBinary("sika")
let tortureBinary = builtBinary("sika-torture")

let repository = Repository.root

@Suite(.serialized) struct CrashTests {
    /// A child process commits transfers and reports each; it is SIGKILLed mid-run. The reopened
    /// ledger must verify clean and hold every transfer the child reported as committed.
    @Test(arguments: TestBackend.allCases) func killedMidRunLosesNothingItReported(_ backend: TestBackend) async throws {
        let dir = FileManager.default.temporaryDirectory.appending(path: "sika-crash-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let db = dir.appending(path: "crash.sqlite").path
        let endpoint = backend == .postgres ? try TestPostgres.endpoint().with(schema: TestPostgres.freshSchema()) : nil
        defer { if let endpoint { TestPostgres.drop(schema: endpoint.schema, of: endpoint) } }

        let child = ChildProcess()
        child.executableURL = tortureBinary
        child.arguments =
            ["ledger", "--operators", repository.appending(path: "menus/operators.yaml").path, "--callers", "16"]
            + (endpoint.map { ["--database", $0.location, "--db", db] } ?? ["--db", db])
        // The password through the environment, as an operator would keep it out of the command line.
        child.environment = ProcessInfo.processInfo.environment.merging(["SIKA_DATABASE_PASSWORD": endpoint?.password ?? ""]) { $1 }
        // `COMMITTED <id> <key> …`, one line per acknowledged transfer.
        let committed: @Sendable (String) -> (id: Int64, key: String)? = { line in
            let parts = line.split(separator: " ")
            guard parts.count == 4, parts[0] == "COMMITTED", let id = Int64(parts[1]) else { return nil }
            return (id, String(parts[2]))
        }
        let run = try await KilledProcess.run(child, afterReports: 1500) { committed($0) != nil }
        let reported = run.reports.compactMap(committed)
        #expect(run.killed)
        // Killed mid-load: 1 500 acknowledged transfers normally, fewer when the deadline ran out first on a
        // loaded machine (a count of work in a time would be a timing assertion); a few hundred still make
        // the kill land in the middle of committing.
        #expect(reported.count >= 200, "the child reported only \(reported.count) transfers")

        let ledger =
            if let endpoint {
                try await Ledger.openPostgres(endpoint: endpoint, catalog: Shipped.catalog)
            } else {
                try await Ledger.openSQLite(path: db, catalog: Shipped.catalog)
            }
        defer { Task { try? await ledger.store.close() } }
        let report = try await ledger.verify()
        #expect(report.isClean, "\(report)")
        for (id, key) in reported {
            let transfer = try await ledger.transfer(id: id)
            #expect(transfer?.idempotencyKey == key, "reported transfer \(id) is missing after the crash")
        }
    }
}

@Suite(.serialized) struct CommandLineTests {
    func run(_ arguments: [String], env: [String: String] = [:]) async throws -> FinishedProcess {
        try await FinishedProcess.run(sikaBinary, arguments, in: repository, environment: ProcessInfo.processInfo.environment.merging(env) { $1 })
    }

    @Test func seedVerifyCashInReverseAndClearErrors() async throws {
        let dir = FileManager.default.temporaryDirectory.appending(path: "sika-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let db = dir.appending(path: "cli.sqlite").path
        let seed = try await run(["ledger", "seed", "--db", db])
        #expect(seed.status == 0, "\(seed.err)")
        #expect(seed.out.contains("22890112233   Kofi Amegah") && seed.out.contains("2580"))
        #expect(try await run(["ledger", "seed"], env: ["SIKA_DB": db]).status == 0, "seeding twice is harmless")
        let verify = try await run(["ledger", "verify", "--db", db])
        #expect(verify.status == 0 && verify.out.contains("ledger is consistent"))
        let cashIn = try await run(["cashin", "--db", db, "22890445566", "1500"])
        #expect(cashIn.status == 0 && cashIn.out.contains("balance 26 500 FCFA"))
        let reference = String(cashIn.out.prefix(while: { $0 != " " }))
        let reverse = try await run(["reverse", "--db", db, reference])
        #expect(reverse.status == 0, "\(reverse.err)")
        #expect(try await run(["ledger", "balance", "--db", db, "22890445566"]).out.contains("25 000 FCFA"))
        let show = try await run(["subscriber", "show", "--db", db, "22892000111"])
        #expect(show.out.contains("status blocked"))
        let statement = try await run(["ledger", "statement", "--db", db, "22890445566"])
        #expect(statement.out.split(separator: "\n").count == 3)

        let bad = try await run(["cashin", "--db", db, "22890445566", "abc"])
        #expect(bad.status != 0)
        #expect(bad.err.contains("amount must be a positive whole number"))
        let unknown = try await run(["ledger", "balance", "--db", db, "22899999999"])
        #expect(unknown.status != 0 && unknown.err.contains("no account 22899999999"))
        let add = try await run(["subscriber", "add", "--db", db, "93000001", "Esi Dogbe"], env: ["SIKA_NEW_PIN": "1234"])
        #expect(add.status != 0 && add.err.contains("trivial_pin"))
        #expect(try await run(["ledger", "verify", "--db", db]).status == 0)
    }
}
