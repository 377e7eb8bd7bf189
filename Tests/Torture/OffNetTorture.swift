import ArgumentParser
import CommandSupport
import Foundation
import Ledger
import ProviderBridge

extension SikaTorture {
    /// The child process of the off-net crash test.
    struct OffNet: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "offnet", abstract: "Run concurrent off-net transfers both ways against in-process faulty simulators."
        )

        @OptionGroup var store: StoreOptions
        @Option var transfers = 2000
        @Option var concurrency = 32
        @Option var wallets = 20
        @Option var seed: UInt64 = 7
        @Option var faults = ""

        func run() async throws {
            var ledgerOptions = Ledger.Options()
            ledgerOptions.maxBatch = 256
            let money = try await store.open(ledgerOptions: ledgerOptions)
            let plan = faults.isEmpty ? FaultPlan.chaos(seed: seed) : try FaultPlan.parse(faults)
            var options = OffNetBridge.Options()
            options.retry = RetryPolicy(
                maxAttempts: 4, attemptTimeout: .milliseconds(200), baseDelay: .milliseconds(5), maxDelay: .milliseconds(40),
                deadline: .seconds(1))
            let network = ProviderNetwork.inProcess(money: money, faults: plan, bridgeOptions: options)
            let population = try await ChaosDriver.populate(money, perOperator: wallets, balance: 2_000_000)
            Self.emit("READY")
            let tally = await ChaosDriver(bridge: network.bridge, wallets: population).run(count: transfers, concurrency: concurrency, seed: seed) {
                index, outcome in
                Self.emit("OUTCOME \(index) \(outcome?.status.rawValue ?? "refused")")
            }
            Self.emit("DONE \(tally)")
        }

        /// One line straight to standard output, unbuffered: the parent reads it before the SIGKILL.
        static func emit(_ line: String) {
            FileHandle.standardOutput.write(Data((line + "\n").utf8))
        }
    }

    /// Checks the off-net books after a crash test.
    struct OffNetAudit: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "offnet-audit", abstract: "Check that every off-net debit matches its credit and the books balance.")

        @OptionGroup var store: StoreOptions

        func run() async throws {
            let money = try await store.open()
            let states = try await ProviderBridge.OffNetAudit.states(money).sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
            print("off-net debits: \(states.joined(separator: " "))")
            let problems = try await ProviderBridge.OffNetAudit.problems(money)
            for problem in problems { print("PROBLEM \(problem)") }
            if !problems.isEmpty { throw ExitCode.failure }
            print("off-net books are consistent")
        }
    }
}
