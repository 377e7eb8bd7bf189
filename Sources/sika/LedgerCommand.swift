import ArgumentParser
import CommandSupport
import Foundation
import Ledger
import MobileMoney
import Operators
import SikaResources

/// `sika ledger …`: create, seed, audit and read the ledger.
struct LedgerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ledger",
        abstract: "Create, seed, audit, read and copy the ledger.",
        subcommands: [Init.self, Seed.self, Verify.self, Balance.self, Statement.self, Copy.self]
    )

    struct Init: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create an empty ledger with every operator's system accounts.")
        @OptionGroup var store: StoreOptions

        func run() async throws {
            let money = try await store.open()
            print("ledger ready at \(money.ledger.location)")
        }
    }

    struct Seed: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create the demo world (subscribers with known PINs, agents) and print it.")
        @OptionGroup var store: StoreOptions
        @Option(help: "Demo world description (default: fixtures/demo-world.yaml of $SIKA_HOME, else built in).") var world: String?

        func run() async throws {
            let money = try await store.open()
            let demo = try DemoWorld.load(from: URL(fileURLWithPath: world ?? SikaHome().world.path))
            try await demo.seed(into: money)
            print(try await demo.summary(in: money))
        }
    }

    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Recompute every balance from the transfers and check that the books balance.")
        @OptionGroup var store: StoreOptions

        func run() async throws {
            let report = try await store.open().ledger.verify()
            print(report)
            if !report.isClean { throw ExitCode.failure }
        }
    }

    struct Balance: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show an account's balance (a wallet by MSISDN, or an account code).")
        @OptionGroup var store: StoreOptions
        @Argument(help: "MSISDN (22890112233) or account code (fees:tmoney).") var account: String

        func run() async throws {
            let money = try await store.open()
            let found = try await resolveAccount(account, in: money)
            print("\(found.code)  \(found.label)  \(MoneyFormat.amount(found.balance))")
        }
    }

    struct Statement: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show an account's last movements, newest first.")
        @OptionGroup var store: StoreOptions
        @Argument(help: "MSISDN or account code.") var account: String
        @Option(help: "How many movements.") var limit: Int = 10

        func run() async throws {
            let money = try await store.open()
            let found = try await resolveAccount(account, in: money)
            // A wallet's statement comes from MobileMoney, which names the other party of off-net transfers.
            let entries =
                if let msisdn = found.msisdn {
                    try await money.history(msisdn: msisdn, limit: limit)
                } else {
                    try await money.ledger.statement(of: found.id, limit: limit)
                }
            for entry in entries {
                let who =
                    entry.offNetCounterparty ?? entry.counterpartyMSISDN.map { "\(entry.counterpartyLabel) (\($0))" } ?? entry.counterpartyLabel
                let fee = entry.fee > 0 ? " fee \(MoneyFormat.amount(entry.fee))" : ""
                print(
                    "\(entry.reference)  \(MoneyFormat.dateTime(entry.transfer.createdAt))  \(entry.transfer.kind.rawValue)  "
                        + "\(MoneyFormat.amount(entry.signedAmount))\(fee)  \(who)  balance \(MoneyFormat.amount(entry.balanceAfter))")
            }
        }
    }
}

/// Finds an account by MSISDN (a wallet) or by its code.
func resolveAccount(_ text: String, in money: MobileMoney) async throws -> Account {
    if let subscriber = try? await money.subscriber(text), let account = try await money.ledger.account(id: subscriber.accountID) {
        return account
    }
    if let account = try await money.ledger.account(code: text) { return account }
    throw ValidationError("no account \(text)")
}
