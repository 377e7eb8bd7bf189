import Foundation
import Ledger
import MobileMoney
import Operators
import ProviderBridge
import Synchronization
import TestSupport

/// A fresh seeded ledger with both operators' simulators and a bridge, with short retry timings.
final class BridgeFixture: Sendable {
    static let catalog = Shipped.catalog
    static let world = Shipped.world

    // Demo subscribers.
    static let kofi = "22890112233"  // T-Money, PIN 2580, 50 000
    static let ama = "22890445566"  // T-Money, 25 000
    static let akosua = "22896112233"  // Flooz, PIN 3719, 30 000
    static let edem = "22897223344"  // Flooz, PIN 6042, 10 000
    static let noWallet = "22896000000"  // Flooz range, no wallet

    let world: TestWorld
    var money: MobileMoney { world.money }
    var directory: URL { world.directory }

    init(_ backend: TestBackend = .sqlite) async throws {
        world = try await TestWorld.make(backend)
    }

    /// Short pauses between retries, patient attempts: a provider that answers is always waited for (on a
    /// loaded machine it is slow, not broken), so what a test sees depends on the faults, never on timing.
    /// Faults end attempts by themselves (503, dropped connections, held requests dropped after `hang`);
    /// a test that needs the caller to give up passes a short `attemptTimeout` and holds the request.
    static func quickOptions(
        attempts: Int = 3, attemptTimeout: Duration = .seconds(10),
        breaker: CircuitBreaker.Options = .init(failureThreshold: 1000, cooldown: .seconds(1))
    ) -> OffNetBridge.Options {
        var options = OffNetBridge.Options()
        options.retry = RetryPolicy(
            maxAttempts: attempts, attemptTimeout: attemptTimeout, baseDelay: .milliseconds(5), maxDelay: .milliseconds(20),
            deadline: .seconds(30))
        options.breaker = breaker
        return options
    }

    static func reconcileNow() -> Reconciler.Options {
        var options = Reconciler.Options()
        options.threshold = .zero
        return options
    }

    func network(_ faults: String = "", attempts: Int = 3, breaker: CircuitBreaker.Options = .init(failureThreshold: 1000, cooldown: .seconds(1)))
        throws -> ProviderNetwork
    {
        ProviderNetwork.inProcess(
            money: money, faults: try FaultPlan.parse(faults), bridgeOptions: Self.quickOptions(attempts: attempts, breaker: breaker),
            reconcilerOptions: Self.reconcileNow())
    }

    func pin(_ msisdn: String) -> String { Shipped.pin(of: msisdn) }

    func balance(_ msisdn: String) async throws -> Int64 { try await world.balance(msisdn) }

    func account(_ code: String) async throws -> Int64 { try await world.balance(account: code) }

    /// Outbox bodies for one number since seeding, oldest first.
    func sms(_ msisdn: String) async throws -> [String] { try await world.sms(msisdn) }

    func pendingCount() async throws -> Int {
        try await money.pendingOffNet(createdBefore: Int64.max).count
    }

    /// The ledger audit, the settlement check and the one-to-one match of debits and credits.
    func checkBooks() async throws -> [String] {
        try await OffNetAudit.problems(money)
    }
}
