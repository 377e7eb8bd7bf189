import Foundation
import Ledger
import MobileMoney
import ProviderBridge
import Testing

/// Hundreds of concurrent off-net transfers both ways against simulators injecting every fault type.
@Suite(.serialized) struct ChaosTests {
    @Test func everyFaultTypeAtOnceLosesAndCreatesNothing() async throws {
        let f = try await F()
        var plan = FaultPlan.chaos(seed: 2026)
        plan.outage = 300..<400
        // A breaker that trips only on a real outage, so that most transfers meet the other faults.
        var bridgeOptions = F.quickOptions(attempts: 4, breaker: .init(failureThreshold: 60, cooldown: .milliseconds(50)))
        // Generous attempt timeouts: on a loaded CI machine a slow answer is not the fault under test.
        bridgeOptions.retry.attemptTimeout = .milliseconds(400)
        bridgeOptions.retry.deadline = .seconds(2)
        plan.hangMs = 800
        let net = ProviderNetwork.inProcess(money: f.money, faults: plan, bridgeOptions: bridgeOptions, reconcilerOptions: F.reconcileNow())
        let wallets = try await ChaosDriver.populate(f.money, perOperator: 12, balance: 1_000_000)
        let start = ContinuousClock.now
        let tally = await ChaosDriver(bridge: net.bridge, wallets: wallets).run(count: 2000, concurrency: 64, seed: 2026)
        #expect(tally.total == 2000 && tally.failed == 0)
        // Hung credits land after their callers gave up; then reconcile until nothing is pending.
        try await Task.sleep(for: .milliseconds(plan.hangMs + 200))
        var passes = 0
        while try await f.pendingCount() > 0 && passes < 20 {
            _ = await net.reconciler.reconcile()
            passes += 1
            try await Task.sleep(for: .milliseconds(100))
        }
        let faults = ["tmoney", "flooz"].map { op in
            "\(op): "
                + net.providers[op]!.faults.counts.sorted { $0.key.rawValue < $1.key.rawValue }.map { "\($0.key.rawValue)=\($0.value)" }
                .joined(separator: " ")
        }
        let states = try await OffNetAudit.states(f.money)
        print("chaos: \(tally); after \(passes) reconciliation passes: \(states); \(ContinuousClock.now - start)")
        print("chaos faults: \(faults.joined(separator: "; "))")
        #expect(try await f.pendingCount() == 0)
        #expect(try await f.checkBooks() == [])
        for op in ["tmoney", "flooz"] {
            let counts = net.providers[op]!.faults.counts
            for fault in [Fault.serverError, .timeout, .reset, .lostResponse, .duplicate, .outage] {
                #expect((counts[fault] ?? 0) > 0, "\(op) never injected \(fault)")
            }
        }
        // Most transfers must get through the faults (the breaker may refund some under load).
        #expect((states["posted"] ?? 0) > 500)
    }
}
