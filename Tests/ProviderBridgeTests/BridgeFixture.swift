import Foundation
import GRDB
import Ledger
import MobileMoney
import ProviderBridge
import Synchronization

/// A fresh seeded ledger with both operators' simulators and a bridge, with short retry timings.
final class BridgeFixture: Sendable {
    static let repository = URL(filePath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let catalog = try! OperatorCatalog.load(from: repository.appending(path: "menus/operators.yaml"))
    static let world = try! DemoWorld.load(from: repository.appending(path: "fixtures/demo-world.yaml"))

    // Demo subscribers.
    static let kofi = "22890112233"  // T-Money, PIN 2580, 50 000
    static let ama = "22890445566"  // T-Money, 25 000
    static let akosua = "22896112233"  // Flooz, PIN 3719, 30 000
    static let edem = "22897223344"  // Flooz, PIN 6042, 10 000
    static let noWallet = "22896000000"  // Flooz range, no wallet

    let money: MobileMoney
    let directory: URL
    /// Outbox id once seeded: welcome and cash-in SMS are not part of the tests.
    let firstMessage: Int64

    init() async throws {
        directory = FileManager.default.temporaryDirectory.appending(path: "sika-bridge-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        var options = Ledger.Options()
        options.durable = false
        money = try MobileMoney.open(
            path: directory.appending(path: "bridge.sqlite").path, catalog: Self.catalog, pepper: .random(), ledgerOptions: options)
        try await Self.world.seed(into: money)
        firstMessage = try await money.ledger.read { db in try Int64.fetchOne(db, sql: "SELECT COALESCE(MAX(id), 0) FROM outbox") ?? 0 }
    }

    deinit { try? FileManager.default.removeItem(at: directory) }

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

    func pin(_ msisdn: String) -> String { Self.world.subscribers.first { $0.msisdn == msisdn }!.pin }

    func balance(_ msisdn: String) async throws -> Int64 {
        let subscriber = try await money.subscriber(msisdn)!
        return try await money.ledger.account(id: subscriber.accountID)!.balance
    }

    func account(_ code: String) async throws -> Int64 {
        try await money.ledger.account(code: code)?.balance ?? 0
    }

    /// Outbox bodies for one number, oldest first.
    func sms(_ msisdn: String) async throws -> [String] {
        let first = firstMessage
        return try await money.ledger.read { db in
            try String.fetchAll(db, sql: "SELECT body FROM outbox WHERE msisdn = ? AND id > ? ORDER BY id", arguments: [msisdn, first])
        }
    }

    func pendingCount() async throws -> Int {
        try await money.pendingOffNet(createdBefore: Int64.max).count
    }

    /// The ledger audit, the settlement check and the one-to-one match of debits and credits.
    func checkBooks() async throws -> [String] {
        try await OffNetAudit.problems(money)
    }
}
