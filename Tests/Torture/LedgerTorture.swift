import ArgumentParser
import CommandSupport
import Foundation
import Ledger
import MobileMoney

extension SikaTorture {
    /// The child process of the crash test: runs transfers from many tasks and prints each one as soon as
    /// it is committed, until it is killed. The parent then checks that every printed transfer survived.
    struct LedgerTransfers: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "ledger", abstract: "Run random transfers forever, printing each committed one.")
        @OptionGroup var store: StoreOptions
        @Option(help: "Concurrent callers.") var callers: Int = 16
        @Option(help: "Wallets to move money between.") var wallets: Int = 20
        @Option(help: "Random seed.") var seed: UInt64 = 1

        func run() async throws {
            let money = try await store.open()
            let pin = "2580"
            let numbers = (0..<wallets).map { String(format: "2289010%04d", $0) }
            for number in numbers where try await money.subscriber(number) == nil {
                try await money.register(msisdn: number, name: "Torture Wallet", pin: pin, confirmation: pin, tier: 2)
                _ = try await money.cashIn(to: number, amount: 1_000_000, idempotencyKey: "torture:fund:\(number)")
            }
            "READY\n".withCString { _ = write(STDOUT_FILENO, $0, strlen($0)) }
            let run = UUID().uuidString
            await withTaskGroup(of: Void.self) { group in
                for caller in 0..<callers {
                    group.addTask {
                        var rng = SplitMix64(seed: seed &+ UInt64(caller))
                        var n = 0
                        while true {
                            n += 1
                            let from = numbers[Int(rng.next() % UInt64(numbers.count))]
                            let to = numbers[Int(rng.next() % UInt64(numbers.count))]
                            let amount = Int64(100 + rng.next() % 5_000)
                            let key = "torture:\(run):\(caller):\(n)"
                            if let result = try? await money.transfer(from: from, to: to, amount: amount, pin: pin, idempotencyKey: key) {
                                // One write per line so a kill never leaves half a line that looks whole.
                                let line = "COMMITTED \(result.transferID) \(key) \(amount)\n"
                                line.withCString { _ = write(STDOUT_FILENO, $0, strlen($0)) }
                            }
                        }
                    }
                }
            }
        }
    }
}
