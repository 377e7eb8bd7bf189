import Foundation
import LedgerPostgres
import ProviderBridge
import TestSupport
import Testing

/// Several nodes on one PostgreSQL database each run a reconciler: one acts at a time (an advisory lock per
/// pass), and one that runs anyway, lock or not, settles nothing twice.
@Suite struct ReconcilerLockTests {
    /// Two pending off-net transfers whose debits never reached the provider (the node died between the steps).
    static func pendingWorld() async throws -> (BridgeFixture, PostgresAdvisoryLock) {
        let f = try await F(.postgres)
        let endpoint = try #require(f.world.storage.endpoint)
        for key in ["lock-1", "lock-2"] {
            _ = try await f.money.beginOffNet(from: F.kofi, to: F.akosua, amount: 3000, pin: f.pin(F.kofi), idempotencyKey: key)
        }
        #expect(try await f.pendingCount() == 2)
        return (f, PostgresAdvisoryLock(endpoint: endpoint))
    }

    static func reconciler(_ f: BridgeFixture, lock: PostgresAdvisoryLock?) throws -> Reconciler {
        var options = F.reconcileNow()
        options.exclusive = lock
        return ProviderNetwork.inProcess(money: f.money, bridgeOptions: F.quickOptions(), reconcilerOptions: options).reconciler
    }

    @Test func aSecondReconcilerWhileTheFirstHoldsTheLockDoesNothing() async throws {
        let (f, lock) = try await Self.pendingWorld()
        let first = try Self.reconciler(f, lock: lock)
        let second = try Self.reconciler(f, lock: PostgresAdvisoryLock(endpoint: lock.endpoint))
        // The first node's pass holds the lock (here: the test holds it, as the first pass would) while the second runs.
        let inner = try await lock.whileHolding("reconciler") { await second.reconcile() }
        let during = try #require(inner)
        #expect(during.skipped && during.examined == 0, "\(during)")
        #expect(during.description.contains("another reconciler holds the lock"))
        #expect(try await f.pendingCount() == 2, "the skipped pass settled nothing")
        #expect(try await f.balance(F.kofi) == 50_000 - 2 * 3100, "held, not refunded")
        // Released: the next pass acts, and a pass after it finds nothing left.
        let after = await first.reconcile()
        #expect(!after.skipped && after.voided == 2, "\(after)")
        #expect(await second.reconcile().examined == 0)
        #expect(try await f.balance(F.kofi) == 50_000)
        #expect(try await f.checkBooks() == [])
    }

    @Test(arguments: [true, false])
    func twoReconcilersAtOnceSettleEachTransferOnce(locked: Bool) async throws {
        let (f, lock) = try await Self.pendingWorld()
        let a = try Self.reconciler(f, lock: locked ? lock : nil)
        let b = try Self.reconciler(f, lock: locked ? PostgresAdvisoryLock(endpoint: lock.endpoint) : nil)
        async let one = a.reconcile()
        async let two = b.reconcile()
        let reports = await [one, two]
        // Whichever acted, each transfer was voided once: a second reconciler running anyway changed nothing.
        #expect(try await f.pendingCount() == 0, "\(reports)")
        #expect(try await f.balance(F.kofi) == 50_000, "refunded once each, never twice")
        #expect(try await f.balance(F.akosua) == 30_000)
        #expect(try await f.checkBooks() == [])
        if locked { #expect(reports.filter { !$0.skipped }.map(\.voided).reduce(0, +) == 2, "\(reports)") }
    }
}
