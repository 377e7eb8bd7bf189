import Foundation
import Ledger
import ScriptTargets
import SessionScripts
import Sessions
import Synchronization
import Testing

@testable import GatewayCore
@testable import LineFront

/// The real servers on ephemeral ports, driven over TCP.
@Suite(.serialized) struct EndToEndTests {
    static func scripts() throws -> [SessionScript] {
        try ScriptSuite.files([repository.appending(path: "fixtures/scripts")]).flatMap { try ScriptParser.load(contentsOf: $0) }
    }

    @Test func everySessionScriptPassesOverTheSocket() async throws {
        let scripts = try Self.scripts()
        #expect(scripts.count >= 30)
        for script in scripts {
            let world = try await GatewayWorld()
            let running = try await RunningServer.start(world)
            let money = world.money
            // SMS checks wait for exactly what the outbox holds for the script (as `script run --connect` does with
            // the ledger at hand), not for a quiet spell that a loaded machine can outlast.
            let mark = try await money.lastOutboxID()
            let target = try await LineScriptTarget.connect(
                host: "127.0.0.1", port: running.linePort, catalog: GatewayWorld.catalog, tokens: GatewayWorld.tokens,
                balances: { msisdn in
                    guard let subscriber = try await money.subscriber(msisdn) else { return nil }
                    return try await money.ledger.account(id: subscriber.accountID)?.balance
                },
                sentSince: { msisdn in try await money.sentSMS(to: msisdn, after: mark) })
            let result = await ScriptRunner { target }.run(script)
            if !result.passed { Issue.record("\(result)") }
            await target.close()
            try await running.stop()
            world.remove()
        }
    }

    @Test func hundredsOfInterleavedSessionsOnSeveralConnections() async throws {
        let world = try await GatewayWorld()
        defer { world.remove() }
        let running = try await RunningServer.start(world)
        let callers: [(msisdn: String, dial: String, pin: String, balance: String, op: String)] = [
            ("22890112233", "*145#", "2580", "50 000", "tmoney"), ("22890445566", "*145#", "4826", "25 000", "tmoney"),
            ("22896112233", "*155#", "3719", "30 000", "flooz"), ("22897223344", "*155#", "6042", "10 000", "flooz"),
        ]
        var connected: [String: [LineClient]] = [:]
        for op in ["tmoney", "flooz"] {
            connected[op] = [try await running.connect(op), try await running.connect(op)]
        }
        let clients = connected
        let sessions = 400
        let failures = await withTaskGroup(of: String?.self) { group in
            for index in 0..<sessions {
                let caller = callers[index % callers.count]
                let client = clients[caller.op]![index / callers.count % 2]
                group.addTask {
                    do {
                        let id = "load-\(index)"
                        var answer = try await client.begin(session: id, msisdn: caller.msisdn, dial: caller.dial)
                        guard case .screen = answer else { throw GatewayError(.malformed, "begin: \(answer.rendered)") }
                        answer = try await client.reply(session: id, input: "4")
                        answer = try await client.reply(session: id, input: "1")
                        answer = try await client.reply(session: id, input: caller.pin)
                        guard case .end(_, let text) = answer, text.contains(caller.balance + " FCFA") else {
                            throw GatewayError(.malformed, "\(id): \(answer.rendered)")
                        }
                        return nil
                    } catch {
                        return "\(error)"
                    }
                }
            }
            return await group.compactMap { $0 }.reduce(into: []) { $0.append($1) }
        }
        #expect(failures == [])
        #expect(await running.server.core.sessions.activeSessions == 0)
        #expect(running.server.core.metrics.exposition().contains("sika_steps_total \(sessions * 4)"))
        for client in clients.values.flatMap({ $0 }) { await client.close() }
        try await running.stop()
    }

    @Test func afterASeededFuzzTheServerStillAnswersAndTheLedgerVerifies() async throws {
        let world = try await GatewayWorld()
        defer { world.remove() }
        let running = try await RunningServer.start(world) { $0.maxSessionsPerConnection = 50 }
        var random = SplitMix64(seed: 0x5EED)
        let verbs = ["HELLO", "BEGIN", "CONTINUE", "ABORT", "SMS", "PING", "OK", "CON", "", "begin"]
        let words = [
            "tmoney", "flooz", "tm-secret", "s1", "s2", "x", "22890112233", "22896112233", "*145#", "*155#", "*145*1*1*90445566*100#", "1", "4",
            "2580", "0", "\\n", "\\", "SOLDE", "1455", "1555", "é", "-", "99999999999999999", "",
        ]
        let operators: [String?] = [nil, "tmoney", "flooz"]
        var fuzzers = [try await running.connect(operators[0])]
        for operatorID in operators.dropFirst() { fuzzers.append(try await running.connect(operatorID)) }
        for round in 0..<3000 {
            let index = round % fuzzers.count
            let bytes: [UInt8]
            if random.next() % 4 == 0 {
                let count = Int(random.next() % 200)
                bytes = (0..<count).map { _ in UInt8(truncatingIfNeeded: random.next()) }
            } else {
                let fields = (0..<Int(random.next() % 5)).map { _ in words[Int(random.next() % UInt64(words.count))] }
                bytes = Array((([verbs[Int(random.next() % UInt64(verbs.count))]] + fields).joined(separator: " ") + "\n").utf8)
            }
            do {
                try await fuzzers[index].send(bytes: bytes)
            } catch {
                // The server may hang up on a fuzzer for a documented reason (no HELLO in time on a loaded
                // machine, too many errors): the attack goes on over a new connection.
                await fuzzers[index].close()
                fuzzers[index] = try await running.connect(operators[index])
            }
        }
        for client in fuzzers { try? await client.send("") }
        let probe = try await running.connect("tmoney")
        #expect(try await probe.ping("alive") == "alive")
        let answer = try await probe.begin(session: "after-fuzz", msisdn: "22890112233", dial: "*145#")
        #expect(answer.rendered.hasPrefix("CON after-fuzz T-Money"))
        #expect(try await world.money.ledger.verify().isClean)
        for client in fuzzers + [probe] { await client.close() }
        try await running.stop()
    }

    @Test func undeliveredSMSGoOutAfterARestart() async throws {
        let world = try await GatewayWorld()
        defer { world.remove() }
        // First run: no operator connection says HELLO, so the receipts stay in the outbox.
        let first = try await RunningServer.start(world) { $0.requireAuthentication = false }
        let client = try await first.connect()
        let end = try await client.begin(session: "t1", msisdn: "22890112233", dial: "*145*1*1*90445566*1000#")
        #expect(end.rendered.hasPrefix("CON t1 "))
        let done = try await client.reply(session: "t1", input: "1")
        let final = done.rendered.contains("code secret") ? try await client.reply(session: "t1", input: "2580") : done
        #expect(final.rendered.hasPrefix("END t1 "), "\(final.rendered)")
        await client.close()
        try await first.stop()
        #expect(try await world.money.ledger.undeliveredSMS(operatorID: "tmoney").count == 2)
        // The money moved once, with its fee, before the receipts waited for a connection.
        for (msisdn, expected) in [("22890112233", Int64(50_000 - 1000 - 10)), ("22890445566", 26_000)] {
            let account = try #require(try await world.money.subscriber(msisdn)).accountID
            #expect(try await world.money.ledger.account(id: account)?.balance == expected, "\(msisdn)")
        }

        // Second run, on the same SQLite file: tmoney connects and gets both receipts.
        let reopened = try await GatewayWorld(directory: world.directory)
        let second = try await RunningServer.start(reopened)
        let tmoney = try await second.connect("tmoney")
        let deadline = ContinuousClock.now + .seconds(5)
        while tmoney.receivedSMS.count < 2, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(10)) }
        #expect(Set(tmoney.receivedSMS.map(\.msisdn)) == ["22890112233", "22890445566"])
        #expect(tmoney.receivedSMS.allSatisfy { $0.shortCode == "1455" && $0.text.contains("1 000 FCFA") })
        #expect(first.server.core.metrics.exposition().contains(#"sika_transfers_total{kind="p2p",outcome="ok"} 1"#))
        try await Task.sleep(for: .milliseconds(100))
        #expect(try await reopened.money.ledger.undeliveredSMS(operatorID: "tmoney").isEmpty)
        await tmoney.close()
        try await second.stop()
    }
}
