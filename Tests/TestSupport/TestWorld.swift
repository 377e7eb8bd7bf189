import Foundation
import Ledger
import Logging
import MobileMoney
import Operators

/// The demo world of `fixtures/demo-world.yaml` on a fresh ledger, through the real operations: what
/// most tests above the ledger start from.
public final class TestWorld: Sendable {
    public let storage: TestLedger
    public let money: MobileMoney
    /// The last outbox id once seeded: the welcome and cash-in SMS of seeding are not part of a test.
    public let firstMessage: OutboxMessage.ID

    public var ledger: Ledger { storage.ledger }
    public var backend: TestBackend { storage.backend }
    public var directory: URL { storage.directory }

    private init(storage: TestLedger, money: MobileMoney, firstMessage: OutboxMessage.ID) {
        self.storage = storage
        self.money = money
        self.firstMessage = firstMessage
    }

    /// - Parameters:
    ///   - backend: the store the ledger lives in.
    ///   - seed: create the demo subscribers and agents.
    ///   - markSeedSMSDelivered: mark the seeding's SMS delivered, so a gateway does not push them.
    ///   - writers: PostgreSQL's writer connections (SQLite has one writer).
    ///   - batchesTransfers: whether PostgreSQL's batches write prepared transfers together.
    public static func make(
        _ backend: TestBackend = .sqlite, seed: Bool = true, markSeedSMSDelivered: Bool = false, clock: TestClock? = nil,
        pepper: PinPepper = .random(),
        options: MobileMoney.Options = MobileMoney.Options(), writers: Int = 2, batchesTransfers: Bool = true,
        logger: Logger = .quiet("sika.money.test")
    ) async throws -> TestWorld {
        let storage = try await TestLedger.open(
            backend, writers: writers, batchesTransfers: batchesTransfers, clock: clock?.read ?? LedgerContext.systemClock)
        let money = MobileMoney(ledger: storage.ledger, pepper: pepper, options: options, logger: logger)
        if seed { try await Shipped.world.seed(into: money) }
        if markSeedSMSDelivered {
            for op in Shipped.catalog.operators {
                var pending = try await money.ledger.undeliveredSMS(operatorID: op.id, limit: 500)
                while !pending.isEmpty {
                    try await money.ledger.markDelivered(pending.map(\.id))
                    pending = try await money.ledger.undeliveredSMS(operatorID: op.id, limit: 500)
                }
            }
        }
        let first = try await money.ledger.read { try $0.lastMessageID() }
        return TestWorld(storage: storage, money: money, firstMessage: first)
    }

    /// A subscriber's wallet balance.
    public func balance(_ msisdn: String) async throws -> Int64 {
        guard let subscriber = try await money.subscriber(msisdn) else { return 0 }
        return try await money.ledger.account(id: subscriber.accountID)?.balance ?? 0
    }

    /// An account's balance by code (`fees:tmoney`), 0 if there is none.
    public func balance(account code: String) async throws -> Int64 {
        try await money.ledger.account(code: code)?.balance ?? 0
    }

    /// Outbox bodies sent to `msisdn` since seeding, oldest first.
    public func sms(_ msisdn: String) async throws -> [String] {
        let first = firstMessage
        return try await money.ledger.read { rows in try rows.messages(to: msisdn, after: first).map(\.body) }
    }
}
