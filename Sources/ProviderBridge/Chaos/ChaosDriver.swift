import Foundation
import Ledger
import MobileMoney

/// Drives many concurrent off-net transfers both ways through a bridge, for chaos tests, the hidden
/// `sika provider chaos` child and the benchmark. Who pays whom and how much follow from the seed.
public struct ChaosDriver: Sendable {
    /// What the transfers came to, as the senders were told.
    public struct Tally: Sendable, Hashable, CustomStringConvertible {
        public var completed = 0
        public var refunded = 0
        public var pending = 0
        /// Refused before any money moved (insufficient funds, limits).
        public var refusedUpFront = 0
        public var failed = 0

        public init() {}

        public var total: Int { completed + refunded + pending + refusedUpFront + failed }

        public var description: String {
            "completed \(completed), refunded \(refunded), pending \(pending), refused up front \(refusedUpFront), failed \(failed)"
        }
    }

    /// The PIN of every chaos wallet.
    public static let pin = "4827"

    public let bridge: any OffNetTransfers
    /// Wallets by operator.
    public let wallets: [String: [String]]

    public init(bridge: any OffNetTransfers, wallets: [String: [String]]) {
        self.bridge = bridge
        self.wallets = wallets
    }

    /// Opens (once) `perOperator` wallets per operator, each with `balance`, numbered in an unused part
    /// of each operator's range (`<prefix>5xxxxx`).
    public static func populate(_ money: MobileMoney, perOperator: Int, balance: Int64) async throws -> [String: [String]] {
        var wallets: [String: [String]] = [:]
        for op in money.catalog.operators {
            guard let prefix = op.numbering.first(where: { $0.count == 5 }) else { continue }
            for i in 0..<perOperator {
                let msisdn = prefix + "5" + String(format: "%05d", i)
                if try await money.subscriber(msisdn) == nil {
                    _ = try await money.register(msisdn: msisdn, name: "Chaos Client", pin: pin, confirmation: pin, language: .fr, tier: 2)
                    _ = try await money.cashIn(to: msisdn, amount: balance, idempotencyKey: "chaos:seed:\(msisdn)")
                }
                wallets[op.id, default: []].append(msisdn)
            }
        }
        return wallets
    }

    /// Sends `count` transfers, `concurrency` at a time, both ways; about one in twenty goes to a number
    /// with no wallet (a refusal). `onOutcome` sees each result as it comes.
    public func run(
        count: Int, concurrency: Int, seed: UInt64, keyPrefix: String = "chaos",
        onOutcome: @escaping @Sendable (Int, OffNetOutcome?) -> Void = { _, _ in }
    ) async -> Tally {
        let operators = wallets.keys.sorted()
        var random = SplitMix64(seed: seed)
        var plans: [(String, String, Int64)] = []
        for _ in 0..<count {
            let from = operators[Int(random.next() % UInt64(operators.count))]
            let others = operators.filter { $0 != from }
            let to = others[Int(random.next() % UInt64(others.count))]
            let sender = wallets[from]![Int(random.next() % UInt64(wallets[from]!.count))]
            var recipient = wallets[to]![Int(random.next() % UInt64(wallets[to]!.count))]
            if random.next() % 20 == 0 { recipient = String(recipient.prefix(6)) + "9" + String(recipient.suffix(4)) }
            plans.append((sender, recipient, Int64(100 + random.next() % 5000)))
        }
        let bridge = self.bridge
        return await withTaskGroup(of: (Int, OffNetOutcome?, Bool).self) { group in
            var tally = Tally()
            var next = 0
            func add(_ group: inout TaskGroup<(Int, OffNetOutcome?, Bool)>) {
                let index = next
                let (sender, recipient, amount) = plans[index]
                next += 1
                group.addTask {
                    do {
                        let outcome = try await bridge.send(
                            from: sender, to: recipient, amount: amount, pin: Self.pin, idempotencyKey: "\(keyPrefix):\(seed):\(index)")
                        return (index, outcome, false)
                    } catch is MobileMoneyError {
                        return (index, nil, true)
                    } catch {
                        return (index, nil, false)
                    }
                }
            }
            while next < min(concurrency, plans.count) { add(&group) }
            for await (index, outcome, refused) in group {
                switch outcome?.status {
                case .completed?: tally.completed += 1
                case .refunded?: tally.refunded += 1
                case .pending?: tally.pending += 1
                case nil: if refused { tally.refusedUpFront += 1 } else { tally.failed += 1 }
                }
                onOutcome(index, outcome)
                if next < plans.count { add(&group) }
            }
            return tally
        }
    }
}
