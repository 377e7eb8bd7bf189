import ArgumentParser
import CommandSupport
import Foundation
import ProviderBridge

/// `sika settlement`: what the operators owe each other.
struct SettlementCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "settlement",
        abstract: "Print each pair of operators' net position from the ledger.",
        discussion: """
            For each pair, prints who owes whom, the posted off-net totals both ways, and both settlement \
            accounts. Exits non-zero if the accounts do not equal the posted totals (a credit not yet \
            reconciled, or worse).
            """
    )

    @OptionGroup var store: StoreOptions

    func run() async throws {
        let report = try await SettlementReport.compute(try await store.open())
        print(report)
        if !report.isConsistent { throw ExitCode.failure }
    }
}
