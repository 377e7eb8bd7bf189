import CommandSupport
import Foundation
import Ledger
import LedgerSQLite
import MobileMoney
import Operators

/// A throwaway ledger with funded tier-2 wallets: the starting world of every benchmark.
struct BenchWorld {
    static let pin = "2580"
    /// A wallet that only receives, for journeys that need a fixed recipient.
    static let receiver = "22893999999"

    let money: MobileMoney
    let wallets: [String]

    /// The numbers of `count` bench wallets: `22890000000`, `22890000001`…
    static func numbers(_ count: Int) -> [String] { (0..<count).map { String(format: "2289%07d", $0) } }

    /// Opens a fresh ledger at `path`, registers and funds `count` wallets in parallel, and the receiver.
    /// With `emails`, every wallet has a verified address, so each transfer also writes both parties' e-mails.
    static func make(
        path: String, catalog: OperatorCatalog, wallets count: Int, options: Ledger.Options = Ledger.Options(), emails: Bool = false,
        money moneyOptions: MobileMoney.Options = MobileMoney.Options()
    ) async throws -> BenchWorld {
        try await make(
            ledger: try await Ledger.openSQLite(path: path, catalog: catalog, options: options), wallets: count, emails: emails, money: moneyOptions)
    }

    /// Registers and funds `count` wallets, and the receiver, on a fresh `ledger` of any store.
    /// - Parameter pepper: the PIN pepper; processes that share the world (several nodes) must share it.
    /// - Parameter inOrder: one wallet after the other, so that their account ids follow their numbers (the pgbench
    ///   anchor computes a wallet's account from its number).
    static func make(
        ledger: Ledger, wallets count: Int, emails: Bool = false, money moneyOptions: MobileMoney.Options = MobileMoney.Options(),
        pepper: PinPepper = .random(), inOrder: Bool = false
    ) async throws -> BenchWorld {
        let money = MobileMoney(ledger: ledger, pepper: pepper, options: moneyOptions)
        let wallets = numbers(count)
        @Sendable func open(_ number: String) async throws {
            try await money.register(msisdn: number, name: "Bench Wallet", pin: pin, confirmation: pin, tier: 2)
            _ = try await money.cashIn(to: number, amount: 4_000_000, idempotencyKey: "fund:\(number)")
            if emails {
                try await money.setVerifiedEmail(msisdn: number, EmailContact(address: "w\(number)@bench.example", displayName: "Bench Wallet"))
            }
        }
        if inOrder {
            for number in wallets { try await open(number) }
        } else {
            try await withThrowingTaskGroup(of: Void.self) { group in
                for number in wallets { group.addTask { try await open(number) } }
                try await group.waitForAll()
            }
        }
        try await money.register(msisdn: receiver, name: "Bench Receiver", pin: pin, confirmation: pin, tier: 2)
        return BenchWorld(money: money, wallets: wallets)
    }

    /// The line every benchmark prints: the durability read back from the ledger's writer connection
    /// when the run ends, never the one the benchmark asked for.
    static func durabilityLine(_ ledger: Ledger) async throws -> String {
        "ledger durability (read back from the writer): \(try await StoreOptions.durabilityLine(ledger))"
    }

    /// A new temporary directory for a benchmark's databases; the caller removes it.
    static func directory(_ name: String) throws -> URL {
        let url = URL(fileURLWithPath: NSTemporaryDirectory()).appending(path: "sika-bench-\(name)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}
