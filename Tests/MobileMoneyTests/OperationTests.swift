import Foundation
import Ledger
import MobileMoney
import TestSupport
import Testing

/// The refusal code of an operation, or nil when it succeeded.
func refusal(_ body: () async throws -> Void) async -> MobileMoneyError? {
    do {
        try await body()
        return nil
    } catch let error as MobileMoneyError {
        return error
    } catch {
        Issue.record("unexpected error \(error)")
        return nil
    }
}

let kofi = "22890112233", ama = "22890445566", yao = "22891234567", abla = "22870998877", kossi = "22892000111"
let akosua = "22896112233", edem = "22897223344"

@Suite struct TransferOperationTests {
    @Test(arguments: TestBackend.allCases) func onNetTransferMovesMoneyAndWritesBothReceipts(_ backend: TestBackend) async throws {
        let f = try await MoneyFixture(backend)
        let result = try await f.money.transfer(from: kofi, to: "90445566", amount: 5000, pin: "2580", idempotencyKey: "t1")
        #expect(result.fee == 50)
        #expect(result.balance == 44_950)
        #expect(result.counterparty == "AMA M.")
        #expect(result.reference.hasPrefix("TM261127."))
        #expect(try await f.balance(kofi) == 44_950)
        #expect(try await f.balance(ama) == 30_000)
        let sent = try #require(try await f.sms(kofi).last)
        #expect(sent.contains("5 000 FCFA") && sent.contains("Ama Mensah") && sent.contains("Frais: 50 FCFA"))
        #expect(sent.contains("44 950 FCFA") && sent.contains(result.reference) && sent.contains("27/11/2026 10:00"))
        let got = try #require(try await f.sms(ama).last)
        #expect(got.hasPrefix("Vous avez recu 5 000 FCFA de Kofi Amegah (22890112233)"))
        #expect(got.contains("30 000 FCFA"))

        let english = try await f.money.transfer(from: kofi, to: yao, amount: 1000, pin: "2580", idempotencyKey: "t2")
        #expect(try await f.sms(yao).last?.hasPrefix("You received 1 000 FCFA from Kofi Amegah") == true)
        #expect(english.fee == 10)
        #expect(try await f.money.ledger.verify().isClean)
    }

    @Test(arguments: TestBackend.allCases) func replayedTransferMovesNothingAndSendsNoSecondReceipt(_ backend: TestBackend) async throws {
        let f = try await MoneyFixture(backend)
        let first = try await f.money.transfer(from: kofi, to: ama, amount: 2000, pin: "2580", idempotencyKey: "once")
        let again = try await f.money.transfer(from: kofi, to: ama, amount: 2000, pin: "2580", idempotencyKey: "once")
        #expect(again.replayed && again.reference == first.reference && again.balance == first.balance)
        #expect(try await f.balance(kofi) == 50_000 - 2050)
        #expect(try await f.sms(ama).filter { $0.contains("2 000 FCFA") }.count == 1)
        let conflict = await refusal { _ = try await f.money.transfer(from: kofi, to: ama, amount: 3000, pin: "2580", idempotencyKey: "once") }
        #expect(conflict?.code == .idempotencyConflict)
    }

    @Test(arguments: TestBackend.allCases) func everyRefusal(_ backend: TestBackend) async throws {
        let f = try await MoneyFixture(backend)
        let m = f.money
        #expect(
            await refusal { _ = try await m.transfer(from: kofi, to: kofi, amount: 100, pin: "2580", idempotencyKey: "a") }?.code == .selfTransfer)
        #expect(
            await refusal { _ = try await m.transfer(from: kofi, to: "93000000", amount: 100, pin: "2580", idempotencyKey: "b") }?.code
                == .unknownRecipient)
        #expect(
            await refusal { _ = try await m.transfer(from: kofi, to: kossi, amount: 100, pin: "2580", idempotencyKey: "c") }?.code
                == .recipientBlocked)
        #expect(
            await refusal { _ = try await m.transfer(from: kofi, to: akosua, amount: 100, pin: "2580", idempotencyKey: "d") }?.code == .otherNetwork)
        #expect(
            await refusal { _ = try await m.transfer(from: kofi, to: "12", amount: 100, pin: "2580", idempotencyKey: "e") }?.code == .invalidMSISDN)
        #expect(
            await refusal { _ = try await m.transfer(from: kofi, to: ama, amount: 49_990, pin: "2580", idempotencyKey: "f") }?.code
                == .insufficientFunds)
        #expect(await refusal { _ = try await m.transfer(from: kofi, to: ama, amount: 50, pin: "2580", idempotencyKey: "g") }?.limit == .minimum)
        #expect(await refusal { _ = try await m.transfer(from: kossi, to: ama, amount: 100, pin: "1983", idempotencyKey: "h") }?.code == .blocked)
        #expect(
            await refusal { _ = try await m.transfer(from: "93000000", to: ama, amount: 100, pin: "2580", idempotencyKey: "i") }?.code
                == .unknownSubscriber)
        #expect(await refusal { _ = try await m.transfer(from: kofi, to: ama, amount: 0, pin: "2580", idempotencyKey: "j") }?.code == .invalidAmount)
        // Abla is tier 0: 200 000 a day.
        _ = try await m.transfer(from: abla, to: kofi, amount: 150_000, pin: "5064", idempotencyKey: "k")
        #expect(await refusal { _ = try await m.transfer(from: abla, to: ama, amount: 60_000, pin: "5064", idempotencyKey: "l") }?.limit == .daily)
        #expect(await refusal { _ = try await m.transfer(from: kofi, to: abla, amount: 10_000, pin: "2580", idempotencyKey: "m") } == nil)
        // Abla's wallet is tier 0 and holds at most 500 000.
        #expect(await refusal { _ = try await m.cashIn(to: abla, amount: 200_000, idempotencyKey: "n") }?.limit == .balanceCap)
        let full = try await f.balance(abla)
        #expect(full == 450_000 - 150_000 - 1000 + 10_000)
        #expect(try await m.ledger.verify().isClean)
        #expect(try await f.balance(kofi) == 50_000 + 150_000 - 10_100)
    }

    @Test(arguments: TestBackend.allCases) func lookupChecksBeforeThePin(_ backend: TestBackend) async throws {
        let f = try await MoneyFixture(backend)
        let quote = try await f.money.lookupRecipient(sender: kofi, recipient: "90445566", amount: 5000)
        #expect(quote.name == "AMA M." && quote.fee == 50 && quote.total == 5050 && quote.network == "T-Money")
        #expect(await refusal { _ = try await f.money.lookupRecipient(sender: kofi, recipient: ama, amount: 600_000) }?.limit == .maximum)
        #expect(await refusal { _ = try await f.money.lookupRecipient(sender: kofi, recipient: edem, amount: 500) }?.code == .otherNetwork)
    }
}

@Suite struct PinLockoutTests {
    @Test(arguments: TestBackend.allCases) func threeWrongPinsLockForAConfiguredTime(_ backend: TestBackend) async throws {
        let f = try await MoneyFixture(backend)
        let m = f.money
        #expect(await refusal { _ = try await m.balance(msisdn: kofi, pin: "1111") }?.attemptsLeft == 2)
        // A success resets the count.
        #expect(try await m.balance(msisdn: kofi, pin: "2580") == 50_000)
        #expect(await refusal { _ = try await m.balance(msisdn: kofi, pin: "1111") }?.attemptsLeft == 2)
        #expect(await refusal { _ = try await m.transfer(from: kofi, to: ama, amount: 100, pin: "9999", idempotencyKey: "w") }?.attemptsLeft == 1)
        let locked = await refusal { _ = try await m.statement(msisdn: kofi, pin: "0000") }
        #expect(locked?.code == .locked)
        #expect(locked?.lockedUntil == MoneyFixture.start + 30 * 60_000)
        #expect(try await m.subscriber(kofi)?.status == .locked)
        #expect(await refusal { _ = try await m.balance(msisdn: kofi, pin: "2580") }?.code == .locked, "even the right PIN is refused while locked")
        #expect(try await f.balance(kofi) == 50_000, "no money moved")
        f.advance(minutes: 31)
        #expect(try await m.subscriber(kofi)?.status == .active)
        #expect(try await m.balance(msisdn: kofi, pin: "2580") == 50_000)
        #expect(f.logs.text.contains("wallet locked"))
    }

    /// Wrong PINs guessed all at once (several writer connections on PostgreSQL): the counter is read and
    /// written under the wallet's lock, so no guess slips through between two others and the lock comes on time.
    @Test(arguments: TestBackend.allCases) func concurrentWrongPinsGetNoExtraGuesses(_ backend: TestBackend) async throws {
        let f = try await MoneyFixture(backend)
        let m = f.money
        let guesses = ["1111", "2222", "3333", "4444", "5555", "6666", "7777", "8888", "9999", "0000", "1357", "2468"]
        let outcomes = await withTaskGroup(of: MobileMoneyError?.self) { group in
            for pin in guesses { group.addTask { await refusal { _ = try await m.balance(msisdn: kofi, pin: pin) } } }
            return await group.reduce(into: [MobileMoneyError?]()) { $0.append($1) }
        }
        let codes = outcomes.map { $0?.code }
        #expect(codes.filter { $0 == .wrongPin }.count == 2, "\(codes)")
        #expect(codes.filter { $0 == .locked }.count == guesses.count - 2, "\(codes)")
        #expect(try await m.subscriber(kofi)?.status == .locked)
    }

    @Test(arguments: TestBackend.allCases) func changePin(_ backend: TestBackend) async throws {
        let f = try await MoneyFixture(backend)
        let m = f.money
        #expect(await refusal { try await m.changePin(msisdn: ama, old: "1111", new: "7391", confirmation: "7391") }?.code == .wrongPin)
        #expect(await refusal { try await m.changePin(msisdn: ama, old: "4826", new: "7391", confirmation: "7392") }?.code == .pinMismatch)
        #expect(await refusal { try await m.changePin(msisdn: ama, old: "4826", new: "4826", confirmation: "4826") }?.code == .samePin)
        #expect(await refusal { try await m.changePin(msisdn: ama, old: "4826", new: "5566", confirmation: "5566") }?.code == .trivialPin)
        try await m.changePin(msisdn: ama, old: "4826", new: "7391", confirmation: "7391")
        #expect(try await m.balance(msisdn: ama, pin: "7391") == 25_000)
        #expect(await refusal { _ = try await m.balance(msisdn: ama, pin: "4826") }?.code == .wrongPin)
        #expect(try await f.sms(ama).last?.hasPrefix("Votre code secret a été modifié") == true)
    }

    @Test(arguments: TestBackend.allCases) func noPinEverReachesTheLogs(_ backend: TestBackend) async throws {
        let f = try await MoneyFixture(backend)
        let m = f.money
        _ = try await m.transfer(from: kofi, to: ama, amount: 1000, pin: "2580", idempotencyKey: "x")
        _ = await refusal { _ = try await m.balance(msisdn: yao, pin: "7777") }
        _ = await refusal { _ = try await m.balance(msisdn: yao, pin: "7778") }
        _ = await refusal { _ = try await m.balance(msisdn: yao, pin: "7779") }
        try await m.changePin(msisdn: ama, old: "4826", new: "6193", confirmation: "6193")
        let logs = f.logs.text
        #expect(!logs.isEmpty)
        for pin in ["2580", "7777", "7778", "7779", "4826", "6193"] { #expect(!logs.contains(pin), "PIN \(pin) was logged") }
    }
}

@Suite struct AccountOperationTests {
    @Test(arguments: TestBackend.allCases) func statementWithPin(_ backend: TestBackend) async throws {
        let f = try await MoneyFixture(backend)
        _ = try await f.money.transfer(from: kofi, to: ama, amount: 1000, pin: "2580", idempotencyKey: "s1")
        f.advance(minutes: 5)
        _ = try await f.money.transfer(from: ama, to: kofi, amount: 300, pin: "4826", idempotencyKey: "s2")
        let lines = try await f.money.statement(msisdn: kofi, pin: "2580")
        #expect(lines.map(\.signedAmount) == [300, -1000, 50_000])
        #expect(lines[1].fee == 10)
        #expect(lines[0].counterpartyLabel == "Ama Mensah")
    }

    @Test(arguments: TestBackend.allCases) func cashInCashOutAndAgents(_ backend: TestBackend) async throws {
        let f = try await MoneyFixture(backend)
        let m = f.money
        let cashIn = try await m.cashIn(to: ama, amount: 10_000, agentCode: "123456", idempotencyKey: "ci")
        #expect(cashIn.balance == 35_000)
        #expect(try await f.sms(ama).last?.hasPrefix("Depot de 10 000 FCFA par Agent Be Kpota") == true)
        #expect(try await m.ledger.account(code: "agent:tmoney:123456")?.balance == 990_000)
        let quote = try await m.lookupAgent(subscriber: ama, agentCode: "123456", amount: 10_000)
        #expect(quote.fee == 250 && quote.name == "Agent Be Kpota")
        let out = try await m.cashOut(from: ama, agentCode: "123456", amount: 10_000, pin: "4826", idempotencyKey: "co")
        #expect(out.fee == 250 && out.balance == 24_750)
        #expect(try await m.ledger.account(code: "agent:tmoney:123456")?.balance == 1_000_000)
        #expect(
            await refusal { _ = try await m.cashOut(from: ama, agentCode: "654321", amount: 1000, pin: "4826", idempotencyKey: "x") }?.code
                == .unknownAgent)
        #expect(await refusal { _ = try await m.cashIn(to: akosua, amount: 100, agentCode: "123456", idempotencyKey: "y") }?.code == .unknownAgent)
        #expect(try await m.ledger.verify().isClean)
    }

    @Test(arguments: TestBackend.allCases) func airtimeForSelfAndOthersOnTheSameNetwork(_ backend: TestBackend) async throws {
        let f = try await MoneyFixture(backend)
        let m = f.money
        let own = try await m.airtime(from: kofi, for: kofi, amount: 500, pin: "2580", idempotencyKey: "a1")
        #expect(own.balance == 49_500 && own.fee == 0)
        _ = try await m.airtime(from: kofi, for: "93000000", amount: 1000, pin: "2580", idempotencyKey: "a2")
        #expect(try await f.sms("22893000000").last?.hasPrefix("Vous avez recu 1 000 FCFA de credit de KOFI A.") == true)
        #expect(
            await refusal { _ = try await m.airtime(from: kofi, for: akosua, amount: 500, pin: "2580", idempotencyKey: "a3") }?.code == .otherNetwork)
        #expect(try await m.ledger.account(code: "airtime:tmoney")?.balance == 1500)
    }

    @Test(arguments: TestBackend.allCases) func reversalCompensatesAndIsIdempotent(_ backend: TestBackend) async throws {
        let f = try await MoneyFixture(backend)
        let m = f.money
        let t = try await m.transfer(from: kofi, to: ama, amount: 5000, pin: "2580", idempotencyKey: "r1")
        let reversal = try await m.reverse(reference: t.reference)
        #expect(!reversal.replayed)
        #expect(try await f.balance(kofi) == 50_000)
        #expect(try await f.balance(ama) == 25_000)
        #expect(try await f.sms(kofi).last?.hasPrefix("Annulation: 5 050 FCFA vous sont rendus") == true)
        let again = try await m.reverse(reference: t.reference)
        #expect(again.replayed && again.reference == reversal.reference)
        #expect(try await f.balance(kofi) == 50_000)
        // The original is still there: a reversal never deletes.
        #expect(try await m.ledger.transfer(id: t.transferID)?.state == .posted)
        #expect(await refusal { _ = try await m.reverse(reference: reversal.reference) }?.code == .notReversible)
        #expect(await refusal { _ = try await m.reverse(reference: "TM261127.999999") }?.code == .unknownTransfer)
        // Money already spent cannot be taken back.
        let t2 = try await m.transfer(from: kofi, to: ama, amount: 20_000, pin: "2580", idempotencyKey: "r2")
        _ = try await m.transfer(from: ama, to: yao, amount: 40_000, pin: "4826", idempotencyKey: "r3")
        #expect(await refusal { _ = try await m.reverse(reference: t2.reference) }?.code == .insufficientFunds)
        #expect(try await m.ledger.verify().isClean)
    }
}
