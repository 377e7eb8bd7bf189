import Dispatch
import Foundation
import Ledger
import MobileMoney
import Operators
import TestSupport
import Testing

/// An on-net transfer is checked on a snapshot before its write job (PIN, recipient, key, receipts), and the
/// job only rechecks. Whatever changes between the snapshot and the commit must still be honoured exactly as
/// if the job had checked everything itself: each test holds the commit queue, lets the transfer take its
/// snapshot and queue its job, then commits a change *ahead of it* (in the holding job), and looks at the outcome.
@Suite struct PreparedTransferTests {
    static let pepper = try! PinPepper(bytes: Array(repeating: 7, count: 32))

    /// A fresh demo world whose PIN pepper the test knows (to write a new PIN's hash by hand).
    final class Race: Sendable {
        let world: TestWorld
        let clock = TestClock()
        var money: MobileMoney { world.money }

        init() async throws {
            world = try await TestWorld.make(clock: clock, pepper: PreparedTransferTests.pepper)
        }

        /// Runs `transfer` while the commit queue is held, and commits `change` after the transfer took its
        /// snapshot and queued its job, before that job runs. Returns the transfer's outcome.
        func run(
            change: @escaping @Sendable (LedgerTransaction) throws -> Void, transfer: @escaping @Sendable (MobileMoney) async throws -> TransferResult
        ) async throws -> Result<TransferResult, MobileMoneyError> {
            let started = Signal()
            let release = DispatchSemaphore(value: 0)
            let money = self.money
            let holder = Task {
                try await money.ledger.write { tx in
                    started.fire()
                    release.wait()
                    try change(tx)
                }
            }
            await started.wait()
            let racing = Task { () -> Result<TransferResult, MobileMoneyError> in
                do {
                    return .success(try await transfer(money))
                } catch let error as MobileMoneyError {
                    return .failure(error)
                } catch {
                    return .failure(MobileMoneyError(.storage, "\(error)"))
                }
            }
            // The transfer's job is queued: its snapshot was read before the change commits.
            let deadline = ContinuousClock.now + .seconds(30)
            while money.ledger.queuedWrites < 1, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(1)) }
            #expect(money.ledger.queuedWrites == 1, "the transfer never queued its job")
            release.signal()
            try await holder.value
            return await racing.value
        }

        func row(_ msisdn: String) async throws -> SubscriberRow {
            try #require(try await money.ledger.read { try $0.subscriber(msisdn: msisdn) })
        }

        func clean() async throws {
            let report = try await money.ledger.verify()
            #expect(report.isClean, "\(report)")
        }
    }

    @Test func anUnracedTransferCommitsAsPreparedWithTheSameReceipts() async throws {
        let r = try await Race()
        let result = try await r.money.transfer(from: kofi, to: ama, amount: 5000, pin: "2580", idempotencyKey: "p1")
        #expect(r.money.preparedWrites == PreparedWriteStats(applied: 1, stale: 0, reads: 1))
        #expect(result.fee == 50 && result.balance == 44_950 && result.counterparty == "AMA M.")
        let sent = try #require(try await r.world.sms(kofi).last)
        #expect(
            sent == "Transfert de 5 000 FCFA à Ama Mensah (22890445566) réussi. Frais: 50 FCFA. Nouveau solde: 44 950 FCFA. "
                + "Ref: \(result.reference) le 27/11/2026 10:00.")
        let got = try #require(try await r.world.sms(ama).last)
        #expect(
            got == "Vous avez recu 5 000 FCFA de Kofi Amegah (22890112233). Nouveau solde: 30 000 FCFA. Ref: \(result.reference) le 27/11/2026 10:00."
        )
        // A wrong PIN is never prepared: the job checks it and counts the failure, as before.
        let wrong = try await r.run(change: { _ in }) { try await $0.transfer(from: kofi, to: ama, amount: 100, pin: "1111", idempotencyKey: "p2") }
        #expect(wrong.failure?.code == .wrongPin && wrong.failure?.attemptsLeft == 2)
        #expect(r.money.preparedWrites == PreparedWriteStats(applied: 1, stale: 0, reads: 1))
        try await r.clean()
    }

    /// With preparation off (the bench's baseline) every check runs in the job, with the same outcome.
    @Test func withPreparationOffEveryTransferIsCheckedInItsJob() async throws {
        var options = MobileMoney.Options()
        options.preparesTransfers = false
        let world = try await TestWorld.make(options: options)
        let result = try await world.money.transfer(from: kofi, to: ama, amount: 5000, pin: "2580", idempotencyKey: "off")
        #expect(result.fee == 50 && result.balance == 44_950)
        #expect(world.money.preparedWrites == PreparedWriteStats())
        #expect(try await world.money.ledger.verify().isClean)
    }

    /// A prepared transfer writes the e-mail notices of verified addresses in its job, with the very values
    /// the full check's job writes (the notice's SMS values, fee, balance, reference and time filled in there).
    @Test func aPreparedTransferWritesTheSameEmailNoticesAsTheFullCheck() async throws {
        let r = try await Race()
        func mail(_ transfer: Int64) async throws -> [MailOutboxMessage] {
            try await r.money.mailOutbox(.queued, limit: 100).filter { $0.transferID == transfer }.sorted { $0.id < $1.id }
        }
        let prepared = try await r.money.transfer(from: kofi, to: ama, amount: 5000, pin: "2580", idempotencyKey: "m1")
        #expect(r.money.preparedWrites.applied == 1)
        // A failure counted keeps the next transfer off the prepared path: its job checks everything, as before.
        _ = await refusal { _ = try await r.money.transfer(from: kofi, to: ama, amount: 5000, pin: "1111", idempotencyKey: "m2") }
        let full = try await r.money.transfer(from: kofi, to: ama, amount: 5000, pin: "2580", idempotencyKey: "m3")
        #expect(r.money.preparedWrites.applied == 1)
        let (one, two) = (try await mail(prepared.transferID), try await mail(full.transferID))
        try #require(one.count == 2 && two.count == 2)
        #expect(one.map(\.notice) == ["transfer_sent", "transfer_received"] && two.map(\.notice) == one.map(\.notice))
        #expect(one.map(\.msisdn) == [kofi, ama] && one.map(\.address) == two.map(\.address))
        for (a, b) in zip(one, two) {
            #expect(Set(a.values.keys) == Set(b.values.keys))
            #expect(a.values["amount"] == b.values["amount"] && a.values["party"] == b.values["party"] && a.values["fee"] == b.values["fee"])
        }
        #expect(one[0].values["reference"] == prepared.reference && one[0].values["balance"] == "44950" && one[0].values["fee"] == "50")
        #expect(one[1].values["balance"] == "30000" && one[1].values["fee"] == "0")
        // Rendered when sent, it reads as its SMS.
        let sms = try #require(try await r.world.sms(kofi).first { $0.contains(prepared.reference) })
        let email = try #require(r.money.mailContent(one[0]))
        for figure in ["5 000 FCFA", "50 FCFA", "44 950 FCFA", prepared.reference, "Ama Mensah (22890445566)"] {
            #expect(sms.contains(figure) && email.text.contains(figure), "\(figure)")
        }
        try await r.clean()
    }

    /// Parties come from the snapshots already read when they are there: a second transfer reads nothing
    /// before its job. A snapshot gone stale behind MobileMoney's back (a PIN set straight in the store) only
    /// costs a fallback, and is read again next time.
    @Test func aCachedSnapshotIsUsedAndAStaleOneOnlyCostsAFallback() async throws {
        let r = try await Race()
        _ = try await r.money.transfer(from: kofi, to: ama, amount: 1000, pin: "2580", idempotencyKey: "s1")
        _ = try await r.money.transfer(from: kofi, to: ama, amount: 1000, pin: "2580", idempotencyKey: "s2")
        #expect(r.money.preparedWrites == PreparedWriteStats(applied: 2, stale: 0, reads: 1))
        let salt = Data(repeating: 3, count: 16)
        let hash = PinHasher(pepper: Self.pepper).hash(pin: "1357", salt: salt)
        try await r.money.ledger.write { tx in try tx.rows.setPin(msisdn: kofi, salt: salt, hash: hash) }
        let old = await refusal { _ = try await r.money.transfer(from: kofi, to: ama, amount: 1000, pin: "2580", idempotencyKey: "s3") }
        #expect(old?.code == .wrongPin)
        #expect(r.money.preparedWrites == PreparedWriteStats(applied: 2, stale: 1, reads: 1))
        // The failure just counted keeps the next one off the prepared path (its job clears it); then it is back.
        _ = try await r.money.transfer(from: kofi, to: ama, amount: 1000, pin: "1357", idempotencyKey: "s4")
        #expect(r.money.preparedWrites == PreparedWriteStats(applied: 2, stale: 1, reads: 2))
        _ = try await r.money.transfer(from: kofi, to: ama, amount: 1000, pin: "1357", idempotencyKey: "s5")
        #expect(r.money.preparedWrites == PreparedWriteStats(applied: 3, stale: 1, reads: 3))
        #expect(try await r.world.balance(kofi) == 50_000 - 4 * 1010)
        try await r.clean()
    }

    @Test func aPinChangedAfterTheSnapshotRefusesTheOldPinAndCountsTheFailure() async throws {
        let r = try await Race()
        let salt = Data(repeating: 1, count: 16)
        let hash = PinHasher(pepper: Self.pepper).hash(pin: "1357", salt: salt)
        let outcome = try await r.run(change: { tx in try tx.rows.setPin(msisdn: kofi, salt: salt, hash: hash) }) {
            try await $0.transfer(from: kofi, to: ama, amount: 1000, pin: "2580", idempotencyKey: "pin")
        }
        #expect(outcome.failure?.code == .wrongPin)
        #expect(r.money.preparedWrites.stale == 1)
        #expect(try await r.row(kofi).failedPins == 1)
        #expect(try await r.world.balance(kofi) == 50_000)
        #expect(try await r.money.transfer(from: kofi, to: ama, amount: 1000, pin: "1357", idempotencyKey: "pin2").fee == 10)
        try await r.clean()
    }

    @Test func aLockReachedAfterTheSnapshotRefusesEvenTheRightPin() async throws {
        let r = try await Race()
        let until = TestClock.start + 30 * 60_000
        let outcome = try await r.run(change: { tx in try tx.rows.setPinFailures(msisdn: kofi, failures: 0, lockedUntil: until) }) {
            try await $0.transfer(from: kofi, to: ama, amount: 1000, pin: "2580", idempotencyKey: "lock")
        }
        #expect(outcome.failure?.code == .locked && outcome.failure?.lockedUntil == until)
        #expect(r.money.preparedWrites.stale == 1)
        #expect(try await r.world.balance(kofi) == 50_000)
        #expect(try await r.world.balance(ama) == 25_000)
        try await r.clean()
    }

    @Test func aFailureCountedAfterTheSnapshotIsClearedByTheRightPin() async throws {
        let r = try await Race()
        let outcome = try await r.run(change: { tx in try tx.rows.setPinFailures(msisdn: kofi, failures: 2, lockedUntil: 0) }) {
            try await $0.transfer(from: kofi, to: ama, amount: 1000, pin: "2580", idempotencyKey: "count")
        }
        let balance = try #require(outcome.success).balance
        #expect(balance == 48_990)
        #expect(r.money.preparedWrites.stale == 1)
        #expect(try await r.row(kofi).failedPins == 0)
        try await r.clean()
    }

    @Test func aPayerOrPayeeBlockedAfterTheSnapshotIsRefused() async throws {
        let r = try await Race()
        let payer = try await r.run(change: { tx in _ = try tx.rows.setBlocked(msisdn: kofi, true) }) {
            try await $0.transfer(from: kofi, to: ama, amount: 1000, pin: "2580", idempotencyKey: "b1")
        }
        #expect(payer.failure?.code == .blocked)
        let payee = try await r.run(change: { tx in _ = try tx.rows.setBlocked(msisdn: ama, true) }) {
            try await $0.transfer(from: yao, to: ama, amount: 1000, pin: "7391", idempotencyKey: "b2")
        }
        #expect(payee.failure?.code == .recipientBlocked)
        #expect(r.money.preparedWrites.applied == 0 && r.money.preparedWrites.stale == 2)
        for (wallet, balance) in [(ama, 25_000), (yao, 20_000), (kofi, 50_000)] { #expect(try await r.world.balance(wallet) == Int64(balance)) }
        try await r.clean()
    }

    @Test func aBalanceSpentAfterTheSnapshotIsRefusedAndNeverGoesNegative() async throws {
        let r = try await Race()
        let kofiAccount = try #require(try await r.money.subscriber(kofi)).accountID
        let yaoAccount = try #require(try await r.money.subscriber(yao)).accountID
        // Kofi's other session spends 49 000 of his 50 000 in between.
        let outcome = try await r.run(
            change: { tx in
                _ = try tx.transfer(TransferRequest(idempotencyKey: "elsewhere", debit: kofiAccount, credit: yaoAccount, amount: 48_750, kind: .p2p))
            }
        ) { try await $0.transfer(from: kofi, to: ama, amount: 1000, pin: "2580", idempotencyKey: "late") }
        #expect(outcome.failure?.code == .insufficientFunds)
        // The snapshot still held (same PIN, same parties): the refusal came from the balance read in the job.
        #expect(r.money.preparedWrites.applied == 0 && r.money.preparedWrites.stale == 0)
        #expect(try await r.world.balance(kofi) == 50_000 - 48_750 - 250)
        #expect(try await r.world.balance(ama) == 25_000)
        #expect(try await r.money.ledger.read { try $0.transfer(idempotencyKey: "late") } == nil)
        try await r.clean()
    }

    @Test func aDailyTotalAndATierChangedAfterTheSnapshotAreHonoured() async throws {
        let r = try await Race()
        let kofiAccount = try #require(try await r.money.subscriber(kofi)).accountID
        let day = CivilDate.epochDay(millis: TestClock.start)
        // Tier 1 allows 1 000 000 a day, tier 0 only 200 000: with 198 000 already sent, 5 000 more fits only the first.
        let outcome = try await r.run(
            change: { tx in
                try tx.setTier(0, of: kofiAccount)
                _ = try tx.rows.addOutgoing(account: kofiAccount, day: day, amount: 198_000)
            }
        ) { try await $0.transfer(from: kofi, to: ama, amount: 5000, pin: "2580", idempotencyKey: "cap") }
        #expect(outcome.failure?.code == .limitExceeded && outcome.failure?.limit == .daily)
        #expect(r.money.preparedWrites.stale == 1)
        #expect(try await r.money.ledger.outgoingToday(kofiAccount) == 198_000)
        // The same total with the tier unchanged: the snapshot holds, and the job's fresh total refuses.
        let fresh = try await Race()
        let account = try #require(try await fresh.money.subscriber(kofi)).accountID
        let capped = try await fresh.run(change: { tx in _ = try tx.rows.addOutgoing(account: account, day: day, amount: 998_000) }) {
            try await $0.transfer(from: kofi, to: ama, amount: 5000, pin: "2580", idempotencyKey: "cap")
        }
        #expect(capped.failure?.code == .limitExceeded && capped.failure?.limit == .daily)
        #expect(fresh.money.preparedWrites.applied == 0 && fresh.money.preparedWrites.stale == 0)
        try await r.clean()
        try await fresh.clean()
    }

    @Test func aKeyUsedAfterTheSnapshotReplaysInsteadOfMovingMoneyTwice() async throws {
        let r = try await Race()
        let kofiAccount = try #require(try await r.money.subscriber(kofi)).accountID
        let amaAccount = try #require(try await r.money.subscriber(ama)).accountID
        let outcome = try await r.run(
            change: { tx in
                _ = try tx.transfer(TransferRequest(idempotencyKey: "dup", debit: kofiAccount, credit: amaAccount, amount: 2000, kind: .p2p))
            }
        ) { try await $0.transfer(from: kofi, to: ama, amount: 2000, pin: "2580", idempotencyKey: "dup") }
        #expect(outcome.success?.replayed == true)
        #expect(r.money.preparedWrites.stale == 1)
        #expect(try await r.world.balance(kofi) == 50_000 - 2050)
        #expect(try await r.world.balance(ama) == 27_000)
        try await r.clean()
    }

    @Test func aLanguageChangedAfterTheSnapshotWritesTheReceiptInTheNewOne() async throws {
        let r = try await Race()
        let outcome = try await r.run(change: { tx in _ = try tx.rows.setLanguage(msisdn: ama, "en") }) {
            try await $0.transfer(from: kofi, to: ama, amount: 1000, pin: "2580", idempotencyKey: "lang")
        }
        #expect(outcome.success != nil)
        #expect(r.money.preparedWrites.stale == 1)
        #expect(try await r.world.sms(ama).last?.hasPrefix("You received 1 000 FCFA from Kofi Amegah") == true)
        try await r.clean()
    }

    @Test func manyConcurrentTransfersBetweenFewWalletsKeepEveryRule() async throws {
        // Wallets paying each other concurrently: snapshots go stale all the time (a balance, a retried key),
        // and the books must still balance with no wallet below zero, each movement with its two receipts.
        let r = try await Race()
        let wallets = [kofi, ama, yao]
        let pins = [kofi: "2580", ama: "4826", yao: "7391"]
        let money = r.money
        let outcomes = await withTaskGroup(of: Result<TransferResult, MobileMoneyError>.self) { group in
            for index in 0..<120 {
                group.addTask {
                    // Every fourth request retries the one three before it (same payer, payee, amount and key).
                    let key = "c\(index % 4 == 3 ? index - 3 : index)"
                    let from = wallets[index % 3]
                    do {
                        return .success(
                            try await money.transfer(
                                from: from, to: wallets[(index + 1) % 3], amount: 4_000, pin: pins[from] ?? "", idempotencyKey: key))
                    } catch let error as MobileMoneyError {
                        return .failure(error)
                    } catch {
                        return .failure(MobileMoneyError(.storage, "\(error)"))
                    }
                }
            }
            return await group.reduce(into: []) { $0.append($1) }
        }
        for case .failure(let error) in outcomes { #expect(error.code == .insufficientFunds, "\(error)") }
        let moved = outcomes.compactMap { $0.success }.filter { !$0.replayed }
        #expect(!moved.isEmpty && moved.count <= 90, "one movement per key at most")
        let receipts = try await money.ledger.read {
            try $0.messages(to: kofi, after: 0) + $0.messages(to: ama, after: 0) + $0.messages(to: yao, after: 0)
        }
        for result in moved {
            #expect(receipts.filter { $0.transferID == result.transferID }.count == 2, "\(result.reference)")
        }
        #expect(Set(moved.map(\.transferID)).count == moved.count)
        for wallet in wallets { #expect(try await r.world.balance(wallet) >= 0) }
        #expect(r.money.preparedWrites.applied > 0)
        try await r.clean()
    }
}

extension Result {
    var failure: Failure? { if case .failure(let error) = self { error } else { nil } }
    var success: Success? { if case .success(let value) = self { value } else { nil } }
}
