import ChildProcess
import Foundation
import TestSupport
import Testing

/// The off-net saga survives a SIGKILL: a child process runs thousands of concurrent off-net transfers
/// both ways against faulty in-process simulators and is killed mid-run; reconciliation then settles
/// every pending debit, and the books must balance to the franc.
@Suite(.serialized) struct OffNetCrashTests {
    func sika(_ arguments: [String], binary: URL = sikaBinary) async throws -> FinishedProcess {
        try await FinishedProcess.run(binary, arguments, in: repository)
    }

    @Test func killedMidRunThenReconciledBalancesExactly() async throws {
        let dir = FileManager.default.temporaryDirectory.appending(path: "sika-offnet-crash-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let db = dir.appending(path: "crash.sqlite").path
        let operators = repository.appending(path: "menus/operators.yaml").path

        let child = ChildProcess()
        child.executableURL = tortureBinary
        child.arguments = [
            "offnet", "--db", db, "--operators", operators, "--transfers", "3000", "--concurrency", "48", "--seed", "11",
        ]
        let run = try await KilledProcess.run(child, afterReports: 800) { $0.hasPrefix("OUTCOME") }
        let outcomes = run.reports.count
        #expect(run.killed, "the child finished before it could be killed")
        #expect(outcomes >= 800, "the child reported only \(outcomes) outcomes")

        // Restarted: a new bridge process on the same ledger sends more, to the end, beside the debris.
        let restart = try await sika(
            ["offnet", "--db", db, "--operators", operators, "--transfers", "400", "--concurrency", "48", "--seed", "12"], binary: tortureBinary)
        #expect(restart.status == 0 && restart.out.contains("DONE"), "\(restart.out.suffix(300))")

        var report = ""
        for _ in 0..<5 {
            let pass = try await sika(["reconcile", "--db", db, "--operators", operators, "--local", "--threshold", "0"])
            report = pass.out
            if pass.status == 0 && pass.out.contains("still pending 0") { break }
        }
        #expect(report.contains("still pending 0"), "\(report)")
        let audit = try await sika(["offnet-audit", "--db", db, "--operators", operators], binary: tortureBinary)
        print(
            "off-net crash test: \(outcomes) outcomes before SIGKILL; restart: \(restart.out.split(separator: "\n").last ?? ""); reconcile: \(report.split(separator: "\n").first ?? ""); \(audit.out)"
        )
        #expect(audit.status == 0, "\(audit.out)")
        #expect(audit.out.contains("pending") == false)
        let settlement = try await sika(["settlement", "--db", db, "--operators", operators])
        #expect(settlement.status == 0, "\(settlement.out)")
        let verify = try await sika(["ledger", "verify", "--db", db, "--operators", operators])
        #expect(verify.status == 0, "\(verify.out)")
    }
}
