import ArgumentParser
import CommandSupport
import Foundation
import Logging
import ProviderBridge

/// `sika reconcile`: settle the off-net transfers whose outcome is unknown.
struct ReconcileCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reconcile",
        abstract: "Ask the providers about pending off-net transfers and post or void them.",
        discussion: """
            Every off-net transfer pending for longer than --threshold is asked about; credited ones are \
            posted, refused or unknown ones reversed at the provider and voided. Transfers still pending past \
            --max-age, and credits a provider reports that this ledger has no record of, are printed and \
            make the command exit non-zero, and so does a provider that cannot be reached. By default the providers are reached over HTTP where `sika serve` \
            runs them (7301, 7302…); --local calls in-process simulators on the same ledger instead.
            """
    )

    @OptionGroup var store: StoreOptions
    @Option(help: "Seconds a transfer must have been pending before it is asked about.") var threshold = 30
    @Option(help: "Seconds after which a pending transfer is raised.") var maxAge = 3600
    @Option(help: "Provider host.") var host = "127.0.0.1"
    @Option(help: "Port of the first operator's provider; the next ones follow.") var basePort = 7301
    @Flag(help: "Use in-process simulators on this ledger instead of HTTP.") var local = false

    func run() async throws {
        let money = try await store.open()
        var options = Reconciler.Options()
        options.threshold = .seconds(threshold)
        options.maxAge = .seconds(maxAge)
        // Several nodes on one database: one reconciler at a time (a second one reports `skipped`).
        options.exclusive = try store.exclusiveLock()
        let network =
            local
            ? ProviderNetwork.inProcess(money: money, reconcilerOptions: options)
            : ProviderNetwork.simulated(money: money, host: host, basePort: basePort, reconcilerOptions: options)
        let report = await network.reconciler.reconcile()
        print(report)
        if report.skipped { return }
        if !report.unreachable.isEmpty {
            // Nothing those providers hold was settled or audited: that is a failure, not a quiet "0 examined".
            let operators = money.catalog.operators.map(\.id)
            let names = report.unreachable.keys.sorted().map { id in
                let port = operators.firstIndex(of: id).map { basePort + $0 } ?? basePort
                return "\(id) at http://\(host):\(port)"
            }
            throw CommandFailure(
                "cannot reach the provider\(names.count > 1 ? "s" : "") of \(names.joined(separator: ", ")) (is `sika serve` running?); "
                    + "\(report.stillPending) pending transfer(s) left as they were")
        }
        if !report.overdue.isEmpty || !report.unknownCredits.isEmpty || !report.conflicts.isEmpty { throw ExitCode.failure }
    }
}
