import Foundation
import Ledger
import TestSupport
import Testing

/// SQLite answers ``TransferRecheck`` with one statement, PostgreSQL with two sent as one round trip (the parties
/// locked, then the keys and the day's total); the plain lookups (`recheckByLookups`, the default every store gets)
/// are the reference both must agree with, whatever state the parties are in.
@Suite struct TransferRecheckTests {
    @Test(arguments: TestBackend.allCases)
    func theStoresRecheckAgreesWithThePlainLookupsOverRandomStates(_ backend: TestBackend) async throws {
        let world = try await TestWorld.make(backend)
        let ledger = world.ledger
        let numbers = Shipped.world.subscribers.map(\.msisdn)
        var random = SplitMix64(seed: 20_261_127)
        var held = 0
        var stale = 0
        for round in 0..<400 {
            // One random change to a random subscriber, through the store's own writes.
            let who = numbers[Int(random.next() % UInt64(numbers.count))]
            let change = Int(random.next() % 8)
            let value = Int64(random.next() % 4)
            let salt = Data(repeating: UInt8(round % 256), count: 16)
            try await ledger.write { tx in
                guard let row = try tx.rows.subscriber(msisdn: who) else { return }
                switch change {
                case 0: _ = try tx.rows.setBlocked(msisdn: who, value == 0)
                case 1: try tx.rows.setPinFailures(msisdn: who, failures: Int(value % 3), lockedUntil: value == 3 ? tx.now + 60_000 : 0)
                case 2: _ = try tx.rows.setLanguage(msisdn: who, value % 2 == 0 ? "fr" : "en")
                case 3: try tx.setTier(Int(value % 3), of: row.account.id)
                case 4: try tx.rows.setPin(msisdn: who, salt: salt, hash: Data(repeating: UInt8(value), count: 32))
                case 5: _ = try tx.rows.addOutgoing(account: row.account.id, day: tx.day + value % 2, amount: 1000 * (value + 1))
                case 6: try tx.rows.setPinFailures(msisdn: who, failures: 0, lockedUntil: 0)
                default: _ = try tx.rows.setBlocked(msisdn: who, false)
                }
            }
            // A question built from the rows as they are now, each part perturbed now and then.
            let payer = numbers[Int(random.next() % UInt64(numbers.count))]
            let payee = numbers[Int(random.next() % UInt64(numbers.count))]
            let perturb = (0..<8).map { _ in random.next() % 6 == 0 }
            let key = perturb[7] ? "r\(round / 2)" : "r\(round)"
            let answers = try await ledger.write { tx -> (TransferRecheckRow, TransferRecheckRow)? in
                guard let a = try tx.rows.subscriber(msisdn: payer), let b = try tx.rows.subscriber(msisdn: payee) else { return nil }
                let question = TransferRecheck(
                    debit: .init(
                        msisdn: a.msisdn, account: perturb[0] ? b.account.id : a.account.id, language: perturb[1] ? "xx" : a.language,
                        tier: perturb[2] ? a.account.tier + 1 : a.account.tier),
                    debitPin: .init(salt: perturb[3] ? Data([1]) : a.pinSalt, hash: perturb[4] ? Data([2]) : a.pinHash),
                    credit: .init(msisdn: b.msisdn, account: b.account.id, language: perturb[5] ? "xx" : b.language, tier: b.account.tier),
                    day: tx.day + (perturb[6] ? 1 : 0), key: key, feeKey: LedgerTransaction.feeKey(key))
                let answers = (try tx.rows.recheck(question), try tx.rows.recheckByLookups(question))
                // Some keys are taken so that the key half of the question is exercised too.
                if round % 3 == 0, a.account.id != b.account.id, a.account.balance > 2000 {
                    _ = try tx.transfer(
                        TransferRequest(
                            idempotencyKey: "r\(round)", debit: a.account.id, credit: b.account.id, amount: 100, kind: .p2p, enforceLimits: false))
                }
                return answers
            }
            guard let (oneStatement, lookups) = answers else { continue }
            #expect(oneStatement == lookups, "round \(round): \(oneStatement) vs \(lookups)")
            if oneStatement.holds { held += 1 } else { stale += 1 }
        }
        // Both outcomes were seen many times, so the comparison covered both.
        #expect(held > 10 && stale > 10, "held \(held), stale \(stale)")
        #expect(try await ledger.verify().isClean)
    }
}
