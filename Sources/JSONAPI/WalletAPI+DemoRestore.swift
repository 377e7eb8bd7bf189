import Foundation
import Hummingbird
import MobileMoney

extension WalletAPI {
    /// `POST /api/admin/demo/reset` (admin, behind ``AdminAuthMiddleware``): puts the demo world back as `fixtures/demo-world.yaml`
    /// describes it (balances by adjustments against issuance, PINs, locks, daily counters, session-start
    /// limits), so each session script replayed against a live `sika serve --demo` starts from the same
    /// world. Refused with 403 `demo_only` unless the server runs with `--demo`.
    func restoreDemoWorld() async throws -> Response {
        guard let demoRestore else {
            throw APIError(.forbidden, "demo_only", "the demo world can be restored only on a server started with --demo")
        }
        let report = try await mapped { try await demoRestore() }
        logger.notice("demo world restored", metadata: ["report": "\(report)"])
        return try json(
            .ok,
            [
                "restored": .integer(Int64(report.restored.count)), "adjustments": .integer(Int64(report.adjustments)),
                "closed": .array(report.removed.map(JSONOut.string)), "kept": .array(report.kept.map(JSONOut.string)),
                "pending": .array(report.pending.map(JSONOut.string)),
            ])
    }
}
