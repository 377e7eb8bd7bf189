import Foundation
import Ledger
import MobileMoney
import TestSupport
import Testing
import Yams

@Suite struct MenuActionsTests {
    @Test func implementsExactlyTheCatalogOfTheMenus() throws {
        let yaml = try String(contentsOf: Repository.root.appending(path: "menus/actions.yaml"), encoding: .utf8)
        let root = try #require(try Yams.load(yaml: yaml) as? [String: Any])
        let actions = try #require(root["actions"] as? [String: [String: Any]])
        var declared: [String: Set<String>] = [:]
        for (name, spec) in actions { declared[name] = Set((spec["outcomes"] as? [String]) ?? []) }
        #expect(declared == MenuActions.outcomes)
    }

    @Test(arguments: TestBackend.allCases) func actionsAnswerWithOutcomesAndValues(_ backend: TestBackend) async throws {
        let f = try await MoneyFixture(backend)
        let actions = MenuActions(money: f.money)
        let lookup = await actions.perform("lookup_recipient", arguments: ["msisdn": ama, "amount": "5000"], caller: kofi, requestID: "s1")
        #expect(lookup == MenuActionOutcome("ok", ["recipient.name": "AMA M.", "recipient.network": "T-Money", "fee": "50", "total": "5050"]))
        let wrong = await actions.perform("transfer", arguments: ["msisdn": ama, "amount": "5000", "pin": "1111"], caller: kofi, requestID: "s1")
        #expect(wrong == MenuActionOutcome("wrong_pin", ["attempts_left": "2"]))
        let ok = await actions.perform("transfer", arguments: ["msisdn": ama, "amount": "5000", "pin": "2580"], caller: kofi, requestID: "s1")
        #expect(ok.outcome == "ok" && ok.values["balance"] == "44950" && ok.values["reference"]?.hasPrefix("TM") == true)
        let retried = await actions.perform("transfer", arguments: ["msisdn": ama, "amount": "5000", "pin": "2580"], caller: kofi, requestID: "s1")
        #expect(retried == ok, "a retried step is the same request")
        #expect(try await f.balance(kofi) == 44_950)
        #expect(
            await actions.perform("lookup_recipient", arguments: ["msisdn": ama, "amount": "50"], caller: kofi, requestID: "s2").outcome
                == "below_minimum")
        #expect(
            await actions.perform("lookup_recipient", arguments: ["msisdn": "22860000000", "amount": "500"], caller: kofi, requestID: "s2").outcome
                == "unknown_recipient")
        #expect(
            await actions.perform("lookup_recipient", arguments: ["msisdn": akosua, "amount": "500"], caller: kofi, requestID: "s2").outcome
                == "other_network")
        let poor = await actions.perform("transfer", arguments: ["msisdn": kofi, "amount": "30000", "pin": "4826"], caller: ama, requestID: "s3")
        #expect(poor.outcome == "insufficient_funds")
        let statement = await actions.perform("statement", arguments: ["pin": "2580"], caller: kofi, requestID: "s4")
        #expect(statement.outcome == "ok")
        #expect(statement.values["statement"]?.split(separator: "\n").first?.hasPrefix("27/11 -5 000 FCFA AMA M. TM261127.") == true)
        #expect(await actions.perform("statement", arguments: ["pin": "8153"], caller: "22899001122", requestID: "s5").outcome == "empty")
        _ = await actions.perform("balance", arguments: ["pin": "0000"], caller: yao, requestID: "s6")
        _ = await actions.perform("balance", arguments: ["pin": "0000"], caller: yao, requestID: "s6")
        let locked = await actions.perform("balance", arguments: ["pin": "0000"], caller: yao, requestID: "s6")
        #expect(locked == MenuActionOutcome("locked", ["lock_minutes": "30"]))
        #expect(await actions.perform("set_language", arguments: ["language": "en"], caller: kofi, requestID: "s7").outcome == "ok")
        #expect(try await f.money.subscriber(kofi)?.language == .en)
        let reg = await actions.perform(
            "register", arguments: ["name": "Esi Dogbe", "pin": "4826", "pin_confirm": "4826"], caller: "22893000001", requestID: "s8")
        #expect(reg == MenuActionOutcome("ok", ["subscriber.name": "Esi Dogbe"]))
        #expect(await actions.perform("nope", arguments: [:], caller: kofi, requestID: "s9").outcome == "error")
    }
}

@Suite struct RandomizedMoneyTests {
    /// Many tasks run transfers, replays, wrong PINs, cash-outs and reversals; the books must balance.
    @Test(arguments: TestBackend.allCases) func randomOperationsNeverLoseOrCreateMoney(_ backend: TestBackend) async throws {
        let f = try await MoneyFixture(backend)
        let m = f.money
        let people = MoneyFixture.world.subscribers.filter { $0.status != .blocked && $0.msisdn.hasPrefix("2289") || $0.msisdn.hasPrefix("2287") }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for task in 0..<12 {
                group.addTask {
                    var rng = SplitMix64(seed: UInt64(task) + 99)
                    var done: [(String, String, Int64, String)] = []
                    for n in 0..<120 {
                        let a = people[Int(rng.next() % UInt64(people.count))]
                        let b = people[Int(rng.next() % UInt64(people.count))]
                        let amount = Int64(50 + rng.next() % 8000)
                        let pin = rng.next() % 10 == 0 ? "9090" : a.pin
                        let key = "rand:\(task):\(n)"
                        switch rng.next() % 10 {
                        case 0..<6:
                            if (try? await m.transfer(from: a.msisdn, to: b.msisdn, amount: amount, pin: pin, idempotencyKey: key)) != nil {
                                done.append((a.msisdn, b.msisdn, amount, key))
                            }
                        case 6, 7:
                            if let (from, to, amount, key) = done.randomElement(using: &rng) {
                                let pin = people.first { $0.msisdn == from }!.pin
                                _ = try? await m.transfer(from: from, to: to, amount: amount, pin: pin, idempotencyKey: key)
                            }
                        case 8:
                            _ = try? await m.cashOut(from: a.msisdn, agentCode: "123456", amount: amount, pin: pin, idempotencyKey: key)
                        default:
                            if let (_, _, _, key) = done.randomElement(using: &rng),
                                let t = try? await m.ledger.read({ try $0.transfer(idempotencyKey: key)?.id })
                            {
                                _ = try? await m.reverse(transferID: t)
                            }
                        }
                    }
                }
            }
            try await group.waitForAll()
        }
        let report = try await m.ledger.verify()
        #expect(report.isClean, "\(report)")
        #expect(report.transfers > 300)
    }
}
