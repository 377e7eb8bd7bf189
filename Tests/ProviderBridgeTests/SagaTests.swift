import Foundation
import Ledger
import MobileMoney
import ProviderBridge
import Testing

typealias F = BridgeFixture

/// Each step of the off-net saga, against in-process simulators.
@Suite struct SagaTests {
    @Test func creditedTransferIsPostedIntoSettlementWithBothReceipts() async throws {
        let f = try await F()
        let net = try f.network()
        let outcome = try await net.bridge.send(from: F.kofi, to: F.akosua, amount: 5000, pin: f.pin(F.kofi), idempotencyKey: "t1")
        #expect(outcome.status == .completed)
        #expect(outcome.transfer.state == .posted)
        #expect(outcome.transfer.fee == 100)
        #expect(try await f.balance(F.kofi) == 44_900)
        #expect(try await f.balance(F.akosua) == 35_000)
        // Step 3: suspense emptied into the settlement account; the fee stays with the home operator.
        #expect(try await f.account("suspense:tmoney") == 0)
        #expect(try await f.account("settlement:tmoney:flooz") == 5000)
        #expect(try await f.account("settlement:flooz:tmoney") == -5000)
        #expect(try await f.account("fees:tmoney") == 100)
        let sent = try await f.sms(F.kofi)
        #expect(sent.count == 1 && sent[0].contains("AKOSUA D. (22896112233, Flooz)") && sent[0].contains(outcome.transfer.providerKey))
        let received = try await f.sms(F.akosua)
        #expect(received.count == 1 && received[0].contains("5 000 FCFA de 22890112233 (T-Money)"))
        #expect(try await f.checkBooks() == [])
    }

    @Test func bothDirectionsNetInSettlement() async throws {
        let f = try await F()
        let net = try f.network()
        _ = try await net.bridge.send(from: F.kofi, to: F.akosua, amount: 5000, pin: f.pin(F.kofi), idempotencyKey: "a")
        _ = try await net.bridge.send(from: F.edem, to: F.ama, amount: 2000, pin: f.pin(F.edem), idempotencyKey: "b")
        let report = try await SettlementReport.compute(f.money)
        #expect(report.positions.count == 1)
        #expect(report.positions[0].net == 3000)
        #expect(report.isConsistent)
        #expect(try await f.account("settlement:tmoney:flooz") == 3000)
        #expect(try await f.checkBooks() == [])
    }

    @Test func refusedCreditIsVoidedAndTheSenderToldWhy() async throws {
        let f = try await F()
        let net = try f.network()
        let outcome = try await net.bridge.send(from: F.kofi, to: F.noWallet, amount: 3000, pin: f.pin(F.kofi), idempotencyKey: "r")
        #expect(outcome.status == .refunded)
        #expect(outcome.reason == "unknown_recipient")
        #expect(outcome.transfer.state == .voided)
        #expect(try await f.balance(F.kofi) == 50_000)
        #expect(try await f.account("suspense:tmoney") == 0)
        #expect(try await f.account("fees:tmoney") == 0)
        #expect(try await f.money.ledger.outgoingToday(try await f.money.subscriber(F.kofi)!.accountID) == 0)
        let sms = try await f.sms(F.kofi)
        #expect(sms.count == 1 && sms[0].contains("numero sans compte Flooz") && sms[0].contains("rembourses"))
        #expect(try await f.checkBooks() == [])
    }

    @Test func theProviderRefusesACreditOverTheBalanceCapAndRecordsIt() async throws {
        let f = try await F()
        // Edem holds 10 000 on Flooz; tier 1 caps a wallet at 2 000 000.
        let (credit, replayed) = try await f.money.creditOffNet(
            operatorID: "flooz", key: "TMcap", source: "tmoney", sender: F.kofi, recipient: F.edem, amount: 1_990_001)
        #expect(credit.state == .refused && credit.code == "limit_exceeded" && !replayed)
        #expect(try await f.balance(F.edem) == 10_000)
        let again = try await f.money.creditOffNet(
            operatorID: "flooz", key: "TMcap", source: "tmoney", sender: F.kofi, recipient: F.edem, amount: 1_990_001)
        #expect(again.credit.state == .refused && again.replayed)
        let fits = try await f.money.creditOffNet(
            operatorID: "flooz", key: "TMfits", source: "tmoney", sender: F.kofi, recipient: F.edem, amount: 1_990_000)
        #expect(fits.credit.state == .credited)
    }

    @Test func refusalsBeforeTheDebitMoveNothing() async throws {
        let f = try await F()
        let net = try f.network()
        let wrongPin = await #expect(throws: MobileMoneyError.self) {
            try await net.bridge.send(from: F.kofi, to: F.akosua, amount: 5000, pin: "0000", idempotencyKey: "w")
        }
        #expect(wrongPin?.code == .wrongPin && wrongPin?.attemptsLeft == 2)
        await #expect { try await net.bridge.send(from: F.kofi, to: F.ama, amount: 5000, pin: f.pin(F.kofi), idempotencyKey: "s") } throws: {
            ($0 as? MobileMoneyError)?.code == .sameNetwork
        }
        await #expect { try await net.bridge.send(from: F.kofi, to: F.akosua, amount: 60_000, pin: f.pin(F.kofi), idempotencyKey: "i") } throws: {
            ($0 as? MobileMoneyError)?.code == .insufficientFunds
        }
        #expect(try await f.balance(F.kofi) == 50_000)
        #expect(try await f.balance(F.akosua) == 30_000)
        #expect(try await f.pendingCount() == 0)
        #expect(try await f.money.ledger.outgoingToday(try await f.money.subscriber(F.kofi)!.accountID) == 0)
        #expect(try await f.sms(F.kofi).isEmpty)
        #expect(try await f.sms(F.akosua).isEmpty)
    }

    @Test func replayingTheKeyDoesNotDebitTwice() async throws {
        let f = try await F()
        let net = try f.network()
        let first = try await net.bridge.send(from: F.kofi, to: F.akosua, amount: 1000, pin: f.pin(F.kofi), idempotencyKey: "same")
        let again = try await net.bridge.send(from: F.kofi, to: F.akosua, amount: 1000, pin: f.pin(F.kofi), idempotencyKey: "same")
        #expect(again.status == .completed)
        #expect(again.transfer.replayed)
        #expect(again.transfer.transferID == first.transfer.transferID)
        #expect(try await f.balance(F.kofi) == 50_000 - 1100)
        #expect(try await f.balance(F.akosua) == 31_000)
        await #expect { try await net.bridge.send(from: F.kofi, to: F.edem, amount: 1000, pin: f.pin(F.kofi), idempotencyKey: "same") } throws: {
            ($0 as? MobileMoneyError)?.code == .idempotencyConflict
        }
    }

    @Test func quotePricesWithTheOffNetTariffAndNamesTheNetwork() async throws {
        let f = try await F()
        let quote = try await f.network().bridge.quote(sender: F.kofi, recipient: "96112233", amount: 20_000)
        #expect(quote.network == "Flooz")
        #expect(quote.fee == F.catalog.operator("tmoney")!.fees.offNet.fee(for: 20_000))
        #expect(quote.fee == 200)
    }
}
