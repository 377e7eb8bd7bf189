import ArgumentParser
import CommandSupport
import Foundation
import Ledger
import Logging
import ProviderBridge
import ServiceLifecycle

/// `sika provider …`: the operators' wallet API, simulated.
struct ProviderCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "provider",
        abstract: "Run an operator's provider API simulator (off-net transfers).",
        subcommands: [Serve.self]
    )

    /// `sika provider serve --operator flooz --faults …`.
    struct Serve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Serve one operator's provider API over HTTP, fronting its wallets in the ledger.",
            discussion: """
                The API is described in docs/PROVIDER_API.md. Every other operator of the catalog may call it \
                with the key `sim-<caller>-<operator>` (printed at start). --faults injects seeded, reproducible \
                faults, e.g. --faults 'seed=7,latency=20ms,jitter=30ms,5xx=0.05,timeout=0.02,reset=0.02,lost=0.02,duplicate=0.05,outage=200-260,hang=3s,hold=22899001122' \
                (durations in milliseconds, or seconds with `s`; see docs/PROVIDER_API.md).
                """
        )

        @OptionGroup var store: StoreOptions
        @Option(name: .customLong("operator"), help: "The operator whose wallets to front (tmoney, flooz).") var operatorID: String
        @Option(help: "Address to listen on.") var host = "127.0.0.1"
        @Option(help: "Port (default: 7301 for the first operator of the catalog, 7302 for the second…).") var port: Int?
        @Option(help: "Faults to inject (see the discussion); empty for none.") var faults = ""

        func validate() throws {
            do { _ = try FaultPlan.parse(faults) } catch { throw ValidationError(error.description) }
        }

        func run() async throws {
            let money = try await store.open()
            let operatorID = self.operatorID
            guard let index = money.catalog.operators.firstIndex(where: { $0.id == operatorID }) else {
                throw ValidationError("unknown operator \(operatorID); the catalog has \(money.catalog.operators.map(\.id).joined(separator: ", "))")
            }
            let plan = try FaultPlan.parse(faults)
            let logger = Logger(label: "sika.provider")
            let core = ProviderNetwork.simulator(for: operatorID, money: money, faults: plan, logger: logger)
            let host = self.host
            let callers = money.catalog.operators.map(\.id).filter { $0 != operatorID }
            let simulator = ProviderSimulator(provider: core, host: host, port: port ?? 7301 + index) { bound in
                print("provider \(operatorID) listening on http://\(host):\(bound)")
                for caller in callers { print("  API key for \(caller): \(SimulatedProvider.defaultAPIKey(source: caller, provider: operatorID))") }
            }
            var configuration = ServiceGroupConfiguration(services: [simulator], logger: logger)
            configuration.gracefulShutdownSignals = [.sigterm, .sigint]
            let group = ServiceGroup(configuration: configuration)
            try await group.run()
            let counts = core.faults.counts.sorted { $0.key.rawValue < $1.key.rawValue }.map { "\($0.key.rawValue)=\($0.value)" }
            print("faults: \(counts.joined(separator: " "))")
        }
    }
}
