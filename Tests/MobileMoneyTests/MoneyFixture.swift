import Foundation
import Ledger
import Logging
import MobileMoney
import Operators
import TestSupport

/// A fresh MobileMoney on a temporary ledger of one backend, seeded with the demo world, with a controllable clock
/// and a log capture (to prove that no PIN is ever logged).
final class MoneyFixture: Sendable {
    static let catalog = Shipped.catalog
    static let world = Shipped.world
    static let start: Int64 = TestClock.start

    let world: TestWorld
    let logs = LogCapture()
    let clock = TestClock()

    var money: MobileMoney { world.money }
    var directory: URL { world.directory }

    init(_ backend: TestBackend, seed: Bool = true) async throws {
        world = try await TestWorld.make(backend, seed: seed, clock: clock, logger: logs.logger(label: "test"))
    }

    func advance(minutes: Int64) { clock.advance(minutes: minutes) }

    func balance(_ msisdn: String) async throws -> Int64 { try await world.balance(msisdn) }

    /// Outbox bodies for one number, oldest first (seeding's own messages included).
    func sms(_ msisdn: String) async throws -> [String] {
        try await money.ledger.read { rows in try rows.messages(to: msisdn, after: 0).map(\.body) }
    }

    func pinOf(_ msisdn: String) -> String { Shipped.pin(of: msisdn) }
}
