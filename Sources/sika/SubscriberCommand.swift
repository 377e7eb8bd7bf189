import ArgumentParser
import CommandSupport
import Foundation
import MobileMoney
import Operators

/// `sika subscriber …`: register and inspect subscribers.
struct SubscriberCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "subscriber",
        abstract: "Register and inspect subscribers.",
        subcommands: [Add.self, Show.self, Block.self]
    )

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Register a subscriber. The PIN is read from $SIKA_NEW_PIN or asked for.")
        @OptionGroup var store: StoreOptions
        @Argument(help: "MSISDN, e.g. 22890112233 or 90112233.") var msisdn: String
        @Argument(help: "Full name.") var name: String
        @Option(help: "fr or en.") var language: String = "fr"
        @Option(help: "KYC tier.") var tier: Int = 0

        func validate() throws {
            guard Language(rawValue: language) != nil else { throw ValidationError("language must be fr or en") }
        }

        func run() async throws {
            // A PIN on the command line would land in shell history and `ps`; read it from the environment or the terminal.
            let pin = ProcessInfo.processInfo.environment["SIKA_NEW_PIN"] ?? String(cString: getpass("New PIN (4 digits): "))
            let money = try await store.open()
            let subscriber = try await money.register(
                msisdn: msisdn, name: name, pin: pin, confirmation: pin, language: Language(rawValue: language)!, tier: tier)
            print("registered \(subscriber.msisdn) \(subscriber.name) on \(subscriber.operatorID)")
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show a subscriber: operator, name, language, status, tier, balance, e-mail address.")
        @OptionGroup var store: StoreOptions
        @Argument(help: "MSISDN.") var msisdn: String

        func run() async throws {
            let money = try await store.open()
            guard let s = try await money.subscriber(msisdn) else { throw ValidationError("\(msisdn) is not registered") }
            let balance = try await money.ledger.account(id: s.accountID)?.balance ?? 0
            print("\(s.msisdn)  \(s.name)  operator \(s.operatorID)  language \(s.language.rawValue)  status \(s.status.rawValue)  tier \(s.kycTier)")
            print("balance \(MoneyFormat.amount(balance))")
            if let email = try await money.email(msisdn: msisdn) {
                let name = email.displayName.map { "\($0) " } ?? ""
                let state =
                    email.verified
                    ? "verified \(MoneyFormat.dateTime(email.verifiedAt ?? 0)): gets every notice"
                    : "not verified\(email.codeExpiresAt.map { ", code pending until \(MoneyFormat.dateTime($0))" } ?? ""): gets no notice"
                print("e-mail \(name)<\(email.address)> (\(state))")
            } else {
                print("e-mail none")
            }
        }
    }

    struct Block: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Block (or with --unblock, unblock) a subscriber.")
        @OptionGroup var store: StoreOptions
        @Argument(help: "MSISDN.") var msisdn: String
        @Flag(help: "Unblock instead.") var unblock = false

        func run() async throws {
            try await store.open().setBlocked(msisdn: msisdn, !unblock)
            print("\(msisdn) \(unblock ? "unblocked" : "blocked")")
        }
    }
}
