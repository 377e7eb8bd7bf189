import Foundation
import Logging
import MobileMoney
import ProviderBridge
import Sessions
import Simulator

extension ServeCommand {
    /// What `POST /api/admin/demo/reset` does on `serve --demo`, so every session script replayed against
    /// the live server starts from the seeded world: pending off-net transfers are settled first, through
    /// the real reconciler asked at once (held credits are fenced at the provider, then voided: money is
    /// never guessed), then the world file is restored (`DemoWorld.restore`), then the demo numbers get
    /// their session-start allowance back and their resumable sessions are forgotten, and the web simulator's
    /// inboxes are emptied (their receipts speak of balances that are no more).
    static func demoRestore(
        _ world: DemoWorld, money: MobileMoney, offNet: ProviderNetwork, sessions: SessionManager, simulator: SimulatedNetwork? = nil
    ) -> @Sendable () async throws -> DemoWorld.RestoreReport {
        let reconciler: Reconciler = {
            var options = offNet.reconciler.options
            options.threshold = .zero
            options.auditWindow = 0
            return Reconciler(bridge: offNet.bridge, options: options, logger: Logger(label: "sika.demo"))
        }()
        return {
            _ = await reconciler.reconcile()
            let report = try await world.restore(into: money)
            for number in world.subscribers.map(\.msisdn) + report.removed {
                sessions.resetSessionStarts(msisdn: number)
                // A session dropped before the restore belongs to a world that is gone: never offer it back.
                await sessions.forgetResumable(msisdn: number)
            }
            await simulator?.reset()
            return report
        }
    }
}
