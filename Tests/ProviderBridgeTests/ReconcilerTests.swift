import Foundation
import Ledger
import MobileMoney
import ProviderBridge
import Testing

/// The reconciler settles what the saga could not, and reports what it must not absorb.
@Suite struct ReconcilerTests {
    @Test func aDebitThatNeverReachedTheProviderIsFencedThenVoided() async throws {
        let f = try await F()
        let net = try f.network()
        // The process died between step 1 and step 2.
        let debit = try await f.money.beginOffNet(from: F.kofi, to: F.akosua, amount: 3000, pin: f.pin(F.kofi), idempotencyKey: "c1")
        let report = await net.reconciler.reconcile()
        #expect(report.examined == 1 && report.voided == 1)
        #expect(try await f.balance(F.kofi) == 50_000)
        // The sender is told by both channels (Kofi's address is verified in the demo world), with the same reference.
        #expect(try await f.sms(F.kofi).last?.contains("Montant et frais rembourses") == true)
        let refund = try #require(try await f.money.mailOutbox(.queued).first { $0.msisdn == F.kofi })
        #expect(refund.notice == "offnet_refunded" && refund.transferID == debit.transferID)
        let mail = try #require(f.money.mailContent(refund))
        #expect(mail.subject.contains(debit.providerKey) && mail.text.contains("Le montant et les frais vous ont été remboursés"))
        // A copy of the request that was stuck in the network arrives late: the fence refuses it.
        let late = try await f.money.creditOffNet(
            operatorID: "flooz", key: debit.providerKey, source: "tmoney", sender: F.kofi, recipient: F.akosua, amount: 3000)
        #expect(late.credit.state == .reversed)
        #expect(try await f.balance(F.akosua) == 30_000)
        #expect(try await f.checkBooks() == [])
    }

    @Test func aCreditWhoseAnswerDiedWithTheProcessIsPosted() async throws {
        let f = try await F()
        let net = try f.network()
        let debit = try await f.money.beginOffNet(from: F.kofi, to: F.akosua, amount: 3000, pin: f.pin(F.kofi), idempotencyKey: "c2")
        _ = try await f.money.creditOffNet(
            operatorID: "flooz", key: debit.providerKey, source: "tmoney", sender: F.kofi, recipient: F.akosua, amount: 3000)
        let report = await net.reconciler.reconcile()
        #expect(report.posted == 1 && report.voided == 0)
        #expect(try await f.balance(F.kofi) == 46_900)
        #expect(try await f.balance(F.akosua) == 33_000)
        #expect(try await f.checkBooks() == [])
        // A second pass finds nothing to do.
        let again = await net.reconciler.reconcile()
        #expect(again.examined == 0)
    }

    @Test func aCreditWithNoRecordHereIsReportedNotAbsorbed() async throws {
        let f = try await F()
        let net = try f.network()
        _ = try await f.money.creditOffNet(operatorID: "flooz", key: "GHOST-1", source: "tmoney", sender: F.kofi, recipient: F.edem, amount: 700)
        let before = try await f.balance(F.kofi)
        let report = await net.reconciler.reconcile()
        #expect(report.unknownCredits.map(\.idempotencyKey) == ["GHOST-1"])
        #expect(report.description.contains("UNKNOWN CREDIT flooz key GHOST-1"))
        #expect(try await f.balance(F.kofi) == before)
        #expect(try await f.money.offNetTransfer(providerKey: "GHOST-1") == nil)
    }

    @Test func aProviderThatStaysDownLeavesItPendingAndRaisesItPastTheMaximumAge() async throws {
        let f = try await F()
        var options = F.reconcileNow()
        options.maxAge = .zero
        let down = ProviderNetwork.inProcess(
            money: f.money, faults: try FaultPlan.parse("outage=0-100000"), bridgeOptions: F.quickOptions(), reconcilerOptions: options)
        let debit = try await f.money.beginOffNet(from: F.kofi, to: F.akosua, amount: 3000, pin: f.pin(F.kofi), idempotencyKey: "c3")
        try await Task.sleep(for: .milliseconds(5))
        let report = await down.reconciler.reconcile()
        #expect(report.stillPending == 1 && report.overdue == [debit.providerKey])
        #expect(try await f.pendingCount() == 1)
        #expect(try await f.balance(F.kofi) == 46_900, "held, neither lost nor refunded on a guess")
    }

    @Test func youngPendingTransfersAreLeftToTheSaga() async throws {
        let f = try await F()
        var options = Reconciler.Options()
        options.threshold = .seconds(60)
        let net = ProviderNetwork.inProcess(money: f.money, bridgeOptions: F.quickOptions(), reconcilerOptions: options)
        _ = try await f.money.beginOffNet(from: F.kofi, to: F.akosua, amount: 3000, pin: f.pin(F.kofi), idempotencyKey: "c4")
        #expect(await net.reconciler.reconcile().examined == 0)
        #expect(await net.reconciler.reconcile(now: f.money.ledger.context.clock() + 61_000).examined == 1)
    }

    @Test func aSpentCreditCannotBeReversedAndIsPostedInstead() async throws {
        let f = try await F()
        let net = try f.network()
        let debit = try await f.money.beginOffNet(from: F.kofi, to: "22899001122", amount: 3000, pin: f.pin(F.kofi), idempotencyKey: "c5")
        _ = try await f.money.creditOffNet(
            operatorID: "flooz", key: debit.providerKey, source: "tmoney", sender: F.kofi, recipient: "22899001122", amount: 3000)
        // Afi spends it at once, then someone asks Flooz to reverse.
        _ = try await f.money.transfer(from: "22899001122", to: F.akosua, amount: 2500, pin: f.pin("22899001122"), idempotencyKey: "spend")
        let afiBefore = try await f.balance("22899001122")
        let spent = await #expect(throws: MobileMoneyError.self) {
            try await f.money.reverseOffNet(operatorID: "flooz", key: debit.providerKey, source: "tmoney")
        }
        #expect(spent?.code == .insufficientFunds, "\(String(describing: spent))")
        #expect(try await f.balance("22899001122") == afiBefore, "a refused reversal takes nothing")
        #expect(try await f.money.offNetCredit(operatorID: "flooz", key: debit.providerKey)?.state == .credited)
        #expect(await net.reconciler.reconcile().posted == 1)
        #expect(try await f.checkBooks() == [])
    }

    @Test func runningAsAServiceSettlesPeriodicallyAndStopsWhenCancelled() async throws {
        let f = try await F()
        var options = F.reconcileNow()
        options.interval = .milliseconds(20)
        let net = ProviderNetwork.inProcess(money: f.money, bridgeOptions: F.quickOptions(), reconcilerOptions: options)
        let service = Task { try await net.reconciler.run() }
        _ = try await f.money.beginOffNet(from: F.kofi, to: F.akosua, amount: 3000, pin: f.pin(F.kofi), idempotencyKey: "svc")
        var waited = 0
        while try await f.pendingCount() > 0 && waited < 100 {
            try await Task.sleep(for: .milliseconds(20))
            waited += 1
        }
        #expect(try await f.pendingCount() == 0, "the periodic pass settled it")
        service.cancel()
        try await service.value
        #expect(try await f.checkBooks() == [])
    }
}
