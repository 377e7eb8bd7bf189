import Foundation
import Ledger
import MobileMoney
import ProviderBridge
import Testing

/// Each injected fault, and what the saga makes of it.
@Suite struct FaultTests {
    @Test func unansweredCreditStaysPendingWithAnEnCoursSMS() async throws {
        let f = try await F()
        let net = try f.network("hold=\(F.akosua),hang=400", attempts: 1)
        let outcome = try await net.bridge.send(from: F.kofi, to: F.akosua, amount: 2000, pin: f.pin(F.kofi), idempotencyKey: "h")
        #expect(outcome.status == .pending)
        #expect(try await f.balance(F.kofi) == 47_900)
        #expect(try await f.account("suspense:tmoney") == 2000)
        #expect(try await f.balance(F.akosua) == 30_000)
        let sms = try await f.sms(F.kofi)
        #expect(sms.count == 1 && sms[0].contains("en cours"))
        // Telling twice is once.
        #expect(try await f.money.notifyOffNetPending(outcome.transfer.transferID) == false)
        #expect((net.providers["flooz"]!.faults.counts[.hold] ?? 0) >= 1)
    }

    @Test func serverErrorsAreRetriedUntilTheCreditLands() async throws {
        let f = try await F()
        // With 5xx=0.3 some keys fail once or twice before succeeding; every transfer must end credited.
        let net = try f.network("seed=3,5xx=0.3", attempts: 8)
        for i in 0..<20 {
            let outcome = try await net.bridge.send(from: F.kofi, to: F.akosua, amount: 100, pin: f.pin(F.kofi), idempotencyKey: "e\(i)")
            #expect(outcome.status == .completed, "\(outcome)")
        }
        #expect((net.providers["flooz"]!.faults.counts[.serverError] ?? 0) > 0)
        #expect(try await f.balance(F.akosua) == 32_000)
        #expect(try await f.checkBooks() == [])
    }

    @Test func aLostResponseIsRetriedAndReplayedNotCreditedTwice() async throws {
        let f = try await F()
        let net = try f.network("seed=11,lost=0.3", attempts: 10)
        for i in 0..<30 {
            let outcome = try await net.bridge.send(from: F.kofi, to: F.akosua, amount: 100, pin: f.pin(F.kofi), idempotencyKey: "l\(i)")
            #expect(outcome.status == .completed)
        }
        #expect((net.providers["flooz"]!.faults.counts[.lostResponse] ?? 0) > 0)
        #expect(try await f.balance(F.akosua) == 33_000)
        #expect(try await f.sms(F.akosua).count == 30)
        #expect(try await f.checkBooks() == [])
    }

    @Test func duplicatedRequestsCreditOnce() async throws {
        let f = try await F()
        let net = try f.network("seed=5,duplicate=1")
        for i in 0..<5 {
            _ = try await net.bridge.send(from: F.kofi, to: F.akosua, amount: 100, pin: f.pin(F.kofi), idempotencyKey: "d\(i)")
        }
        // Every request arrives twice; a retry after a slow attempt (a loaded machine) is one more request, duplicated too.
        #expect((net.providers["flooz"]!.faults.counts[.duplicate] ?? 0) >= 5)
        #expect(try await f.balance(F.akosua) == 30_500)
        #expect(try await f.sms(F.akosua).count == 5)
        #expect(try await f.checkBooks() == [])
    }

    @Test func resetsBeforeProcessingAreRetried() async throws {
        let f = try await F()
        let net = try f.network("seed=9,reset=0.3", attempts: 10)
        for i in 0..<20 {
            let outcome = try await net.bridge.send(from: F.edem, to: F.ama, amount: 100, pin: f.pin(F.edem), idempotencyKey: "x\(i)")
            #expect(outcome.status == .completed)
        }
        #expect((net.providers["tmoney"]!.faults.counts[.reset] ?? 0) > 0)
        #expect(try await f.checkBooks() == [])
    }

    @Test(.timeLimit(.minutes(1))) func aTimeoutLeavesItPendingAndTheLateCreditIsPostedByReconciliation() async throws {
        let f = try await F()
        // Every first credit meets a timeout fault: Flooz holds it, unprocessed, until the test lets it go,
        // so the caller's only attempt (150 ms) gives up first on any machine; no sleep decides the order.
        let held = HeldCredit()
        let net = ProviderNetwork.inProcess(
            money: f.money, faults: try FaultPlan.parse("seed=1,timeout=1"),
            bridgeOptions: F.quickOptions(attempts: 1, attemptTimeout: .milliseconds(150)),
            hang: held.hang)
        let outcome = try await net.bridge.send(from: F.kofi, to: F.akosua, amount: 4000, pin: f.pin(F.kofi), idempotencyKey: "t")
        #expect(outcome.status == .pending)
        #expect(try await f.balance(F.kofi) == 45_900)
        #expect(try await f.balance(F.akosua) == 30_000, "held: not processed yet")
        #expect(try await f.account("suspense:tmoney") == 4000)

        // Flooz now processes the request its caller gave up on, and commits.
        guard case .answer(let status, _)? = await held.release() else {
            Issue.record("the late credit was not answered")
            return
        }
        #expect(status == 201)
        #expect(net.providers["flooz"]!.faults.counts[.timeout] == 1)
        #expect(try await f.balance(F.akosua) == 34_000, "the provider committed after the caller gave up")
        #expect(try await SettlementReport.compute(f.money).isConsistent == false, "credited there, still in suspense here")
        // The reconciler asks Flooz with time to spare: its answer, not a 150 ms timer, decides.
        var patient = OffNetBridge.Options()
        patient.retry = RetryPolicy(maxAttempts: 1, attemptTimeout: .seconds(30), deadline: .seconds(30))
        let reconciler = ProviderNetwork.inProcess(money: f.money, bridgeOptions: patient, reconcilerOptions: F.reconcileNow()).reconciler
        let report = await reconciler.reconcile()
        #expect(report.posted == 1 && report.voided == 0 && report.unknownCredits.isEmpty, "\(report)")
        #expect(try await f.pendingCount() == 0)
        #expect(try await f.account("suspense:tmoney") == 0)
        #expect(try await f.balance(F.kofi) == 45_900, "posted, not refunded")
        let sms = try await f.sms(F.kofi)
        #expect(sms.count == 2 && sms[0].contains("en cours") && sms[1].contains("réussi"))
        #expect(try await f.checkBooks() == [])
    }

    @Test func anOutageWindowOpensTheBreakerAndRefundsWhatNeverLeft() async throws {
        let f = try await F()
        // Requests 0..<50 answer 503; the breaker opens after 2 failures and rejects without calling.
        let net = try f.network("outage=0-50", attempts: 3, breaker: .init(failureThreshold: 2, cooldown: .seconds(30)))
        let first = try await net.bridge.send(from: F.kofi, to: F.akosua, amount: 1000, pin: f.pin(F.kofi), idempotencyKey: "o1")
        // 503 means "not processed": the money can go back at once.
        #expect(first.status == .refunded && first.reason == "unavailable")
        let caller = net.bridge.caller(from: "tmoney", to: "flooz")!
        #expect(caller.breaker.state == .open)
        let second = try await net.bridge.send(from: F.kofi, to: F.akosua, amount: 1000, pin: f.pin(F.kofi), idempotencyKey: "o2")
        #expect(second.status == .refunded)
        #expect(net.providers["flooz"]!.faults.counts[.outage] == 2, "the open breaker kept the second transfer off the wire")
        #expect(try await f.balance(F.kofi) == 50_000)
        #expect(try await f.checkBooks() == [])
    }

    @Test func theBreakerLetsOneProbeThroughAfterItsCooldown() async throws {
        let breaker = CircuitBreaker(options: .init(failureThreshold: 2, cooldown: .milliseconds(50)))
        breaker.recordFailure()
        #expect(breaker.allow())
        breaker.recordFailure()
        #expect(breaker.state == .open && !breaker.allow())
        try await Task.sleep(for: .milliseconds(80))
        #expect(breaker.allow(), "the probe")
        #expect(!breaker.allow(), "only one probe at a time")
        breaker.recordSuccess()
        #expect(breaker.state == .closed && breaker.allow())
    }

    @Test func faultDecisionsDependOnTheSeedNotOnArrivalOrder() throws {
        let plan = try FaultPlan.parse("seed=42,5xx=0.2,reset=0.1,timeout=0.1,lost=0.1,duplicate=0.2,jitter=50")
        let keys = (0..<200).map { "K\($0)" }
        let a = FaultInjector(plan: plan)
        let b = FaultInjector(plan: plan)
        let forward = keys.map { a.decide(.credit, key: $0) }
        let backward = keys.reversed().map { b.decide(.credit, key: $0) }.reversed()
        #expect(forward == Array(backward))
        #expect(Set(forward.map(\.fault)).count >= 4)
        var other = plan
        other.seed = 43
        #expect(keys.map { FaultInjector(plan: other).decide(.credit, key: $0) } != forward)
    }

    @Test func faultPlansParseAndRejectNonsense() throws {
        let plan = try FaultPlan.parse(
            "seed=7,latency=50,jitter=10,5xx=0.05,timeout=0.02,reset=0.02,lost=0.02,duplicate=0.05,outage=200-260,hang=900,hold=22899001122+22898000001"
        )
        #expect(plan.seed == 7 && plan.latencyMs == 50 && plan.outage == 200..<260 && plan.hold.count == 2 && plan.hangMs == 900)
        #expect(try FaultPlan.parse("") == .none)
        let refusals = [
            "5xx=2": "invalid faults: 5xx must be a probability in 0...1",
            "bogus=1": "invalid faults: unknown fault 'bogus'",
            "outage=9-3": "invalid faults: outage must be FIRST-LAST, e.g. 200-260",
            "5xx=0.6,reset=0.6": "invalid faults: 5xx + timeout + reset + lost must not exceed 1",
            "hang=-1": "invalid faults: hang must be a duration such as 50, 50ms or 2s, not '-1'",
            "seed": "invalid faults: 'seed' is not key=value",
        ]
        for (text, message) in refusals {
            let error = #expect(throws: FaultPlanError.self) { try FaultPlan.parse(text) }
            #expect(error?.description == message, "\(text)")
        }
    }

    /// The spelling the README and `serve --help` use: `5xx` for the server-error probability, durations with a unit.
    @Test func faultPlansTakeDurationsWithUnitsAndTheServerErrorsAs5xx() throws {
        let plan = try FaultPlan.parse("seed=7,5xx=0.1,latency=50ms,jitter=20,hang=1.5s")
        #expect(plan.seed == 7 && plan.serverError == 0.1 && plan.latencyMs == 50 && plan.jitterMs == 20 && plan.hangMs == 1500)
        #expect(try FaultPlan.parse("hang=2s").hangMs == 2000)
        for bad in ["latency=50m", "latency=ms", "hang=-1s", "latency=1.5", "jitter=fast"] {
            #expect(throws: FaultPlanError.self, "\(bad)") { try FaultPlan.parse(bad) }
        }
        // One spelling: the old name is refused with the one to use.
        let error = #expect(throws: FaultPlanError.self) { try FaultPlan.parse("error=0.1") }
        #expect(error?.message == "the server-error probability is spelled 5xx, e.g. 5xx=0.1")
    }

    @Test func retryDelaysGrowExponentiallyWithJitterUnderTheCap() {
        let policy = RetryPolicy(baseDelay: .milliseconds(100), maxDelay: .milliseconds(800))
        var random = SystemRandomNumberGenerator()
        for _ in 0..<50 {
            let first = policy.delay(after: 1, random: &random)
            #expect(first >= .milliseconds(50) && first <= .milliseconds(100))
            let third = policy.delay(after: 3, random: &random)
            #expect(third >= .milliseconds(200) && third <= .milliseconds(400))
            let late = policy.delay(after: 12, random: &random)
            #expect(late >= .milliseconds(400) && late <= .milliseconds(800))
        }
    }
}
