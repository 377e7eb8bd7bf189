import ArgumentParser
import CommandSupport
import Foundation
import Ledger
import LedgerSQLite
import Logging
import MobileMoney
import Operators
import ProviderBridge
import SikaResources

/// `sika-bench offnet`: off-net transfers per second through the bridge and HTTP simulators (at 0 and
/// 50 ms of provider latency), and the time the reconciler takes to settle 1 000 pending transfers.
struct OffNetBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "offnet", abstract: "Off-net transfers per second over HTTP simulators, and reconciliation time.")

    @Option(help: "Transfers per latency setting.") var transfers = 2000
    @Option(help: "Transfers in flight at once.") var concurrency = 64
    @Option(help: "Pending transfers to settle by reconciliation.") var pending = 1000
    @Flag(help: "Tiny counts: proves the bench runs and verifies clean (CI), measures nothing.") var smoke = false

    mutating func validate() throws {
        if smoke { (transfers, concurrency, pending) = (64, 8, 32) }
        guard transfers > 0, concurrency > 0, pending > 0 else { throw ValidationError("counts must be positive") }
    }

    func run() async throws {
        CommandLogging.bootstrap(defaultLevel: .error)
        let catalog = try OperatorCatalog.load(from: SikaHome().operators)
        let dir = URL(fileURLWithPath: NSTemporaryDirectory()).appending(path: "sika-bench-offnet-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        // Durable, as in production: every commit is fsynced (group commit shares them).
        let money = MobileMoney(
            ledger: try await Ledger.openSQLite(path: dir.appending(path: "offnet.sqlite").path, catalog: catalog), pepper: .random())
        let wallets = try await ChaosDriver.populate(money, perOperator: 64, balance: 4_000_000)

        for latency in [0, 50] {
            var plan = FaultPlan()
            plan.latencyMs = latency
            let rate = try await Self.withHTTP(money, plan) { bridge, _ in
                let start = ContinuousClock.now
                let tally = await ChaosDriver(bridge: bridge, wallets: wallets).run(
                    count: transfers, concurrency: concurrency, seed: UInt64(latency + 1), keyPrefix: "bench\(latency)")
                let seconds = Self.seconds(ContinuousClock.now - start)
                return (Double(tally.total) / seconds, tally)
            }
            print(
                "off-net over HTTP, provider latency \(String(format: "%2d", latency)) ms, \(concurrency) in flight  "
                    + "\(String(format: "%8.0f", rate.0)) transfers/s  (\(rate.1))")
        }

        // Every credit commits but its answer is lost: the saga leaves each transfer pending.
        var lost = FaultPlan()
        lost.lostResponse = 1
        let (settled, seconds) = try await Self.withHTTP(money, lost, attempts: 1) { bridge, reconciler in
            let made = await ChaosDriver(bridge: bridge, wallets: wallets).run(
                count: pending, concurrency: concurrency, seed: 99, keyPrefix: "pending")
            print("saga with every answer lost: \(made)")
            let waiting = try await money.pendingOffNet(createdBefore: Int64.max, limit: 100_000).count
            let start = ContinuousClock.now
            let report = await reconciler.reconcile(now: Int64.max / 2)
            let elapsed = Self.seconds(ContinuousClock.now - start)
            print("pending before reconciliation: \(waiting); \(report.description.split(separator: "\n").first ?? "")")
            return (report.posted + report.voided, elapsed)
        }
        print("reconciliation settled \(settled) pending transfers in \(String(format: "%.2f", seconds)) s")
        let problems = try await OffNetAudit.problems(money)
        guard problems.isEmpty else { throw ValidationError("the off-net books do not balance: \(problems)") }
        print("books consistent")
        print(try await BenchWorld.durabilityLine(money.ledger))
    }

    /// Runs both simulators on free ports with `plan` and gives `body` a bridge and reconciler that reach them over HTTP.
    static func withHTTP<T: Sendable>(
        _ money: MobileMoney, _ plan: FaultPlan, attempts: Int = 4,
        _ body: @Sendable (OffNetBridge, Reconciler) async throws -> T
    ) async throws -> T {
        let ops = money.catalog.operators.map(\.id)
        var cores: [String: SimulatedProvider] = [:]
        for op in ops { cores[op] = ProviderNetwork.simulator(for: op, money: money, faults: plan, logger: .init(label: "bench")) }
        return try await ProviderSimulator.serving(cores, logger: Logger(label: "bench")) { ports in
            var providers: [any Provider] = []
            for op in ops {
                for source in ops where source != op {
                    providers.append(
                        HTTPProvider(
                            operatorID: op, source: source, baseURL: "http://127.0.0.1:\(ports[op]!)",
                            apiKey: SimulatedProvider.defaultAPIKey(source: source, provider: op)))
                }
            }
            var options = OffNetBridge.Options()
            options.retry.maxAttempts = attempts
            // Measure the bridge, not the breaker: the pending phase fails every credit on purpose.
            options.breaker = .init(failureThreshold: Int.max, cooldown: .seconds(1))
            let bridge = OffNetBridge(money: money, providers: providers, options: options)
            var reconcilerOptions = Reconciler.Options()
            reconcilerOptions.concurrency = 32
            reconcilerOptions.auditWindow = 0
            return try await body(bridge, Reconciler(bridge: bridge, options: reconcilerOptions))
        }
    }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
}
