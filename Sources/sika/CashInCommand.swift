import ArgumentParser
import CommandSupport
import Foundation
import MobileMoney
import Operators

/// `sika cashin`: fund a wallet from an agent's float or the operator's e-money issuance.
struct CashInCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cashin", abstract: "Fund a wallet from an agent's float (--agent) or from e-money issuance.")
    @OptionGroup var store: StoreOptions
    @Argument(help: "MSISDN to fund.") var msisdn: String
    @Argument(help: "Amount in FCFA.") var amount: String
    @Option(help: "6-digit agent code paying the cash-in.") var agent: String?
    @Option(help: "Idempotency key (default: a new one). Reuse it to retry safely.") var key: String?

    func validate() throws { _ = try parseAmount(amount) }

    func run() async throws {
        let money = try await store.open()
        let result = try await money.cashIn(
            to: msisdn, amount: try parseAmount(amount), agentCode: agent, idempotencyKey: key ?? "cli:\(UUID().uuidString)")
        print(
            "\(result.reference)  cash-in \(MoneyFormat.amount(result.amount)) to \(msisdn)  balance \(MoneyFormat.amount(result.balance))\(result.replayed ? "  (replayed)" : "")"
        )
    }
}

/// `sika reverse`: a compensating transfer for a posted movement.
struct ReverseCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reverse", abstract: "Reverse a posted transfer by reference (TM261127.000123); the fee is refunded.")
    @OptionGroup var store: StoreOptions
    @Argument(help: "Reference printed on the receipt.") var reference: String

    func run() async throws {
        let result = try await store.open().reverse(reference: reference)
        print(
            "\(result.reference)  reversal of \(reference): \(MoneyFormat.amount(result.amount)) returned\(result.replayed ? " (already reversed)" : "")"
        )
    }
}
