import Ledger
import NIOCore
import NIOEmbedded
import Testing

/// Each verb and each error code of the line protocol, on an in-memory channel with the real session
/// manager and ledger behind it.
@Suite struct LineConnectionHandlerTests {
    let world: GatewayWorld

    init() async throws { world = try await GatewayWorld() }

    @Test func linesBeforeHelloAreRefusedWith401ExceptPing() async throws {
        let line = try await LineHarness(core: world.core())
        #expect(try await line.ask("BEGIN s1 22890112233 *145#") == "ERR s1 401 HELLO first")
        #expect(try await line.ask("CONTINUE s1 1") == "ERR s1 401 HELLO first")
        #expect(try await line.ask("ABORT s1") == "ERR s1 401 HELLO first")
        #expect(try await line.ask("SMS 22890112233 1455 AIDE") == "ERR - 401 HELLO first")
        #expect(try await line.ask("PING 1") == "PONG 1")
        try await line.close()
    }

    @Test func helloChecksOperatorAndToken() async throws {
        let line = try await LineHarness(core: world.core())
        #expect(try await line.ask("HELLO tmoney wrong") == "ERR - 401 bad operator or token")
        #expect(try await line.ask("HELLO tmoney fl-secret") == "ERR - 401 bad operator or token")
        #expect(try await line.ask("HELLO orange tm-secret") == "ERR - 401 bad operator or token")
        #expect(try await line.ask("HELLO tmoney tm-secret") == "OK HELLO tmoney")
        #expect(try await line.ask("HELLO tmoney tm-secret") == "OK HELLO tmoney")
        #expect(try await line.ask("HELLO flooz fl-secret") == "ERR - 409 already authenticated as tmoney")
        try await line.close()
    }

    @Test func withoutAuthenticationAnyTokenIsAcceptedAndSessionsNeedNoHello() async throws {
        let line = try await LineHarness(core: world.core { $0.requireAuthentication = false })
        #expect(try await line.ask("BEGIN s1 22896112233 *155#").hasPrefix("CON s1 Flooz"))
        #expect(try await line.ask("HELLO tmoney anything") == "OK HELLO tmoney")
        try await line.close()
    }

    @Test func aTransferWalksToItsEndAndTheReceiptsArePushed() async throws {
        let core = world.core()
        let line = try await LineHarness(core: core)
        try await line.hello()
        #expect(try await line.ask("BEGIN s0 22890112233 *145*1*1*90445566*5000#").hasPrefix("CON s0 Envoyer 5 000 FCFA"))
        #expect(try await line.ask("CONTINUE s0 1") == "CON s0 Entrez votre code secret:")
        #expect(try await line.ask("CONTINUE s0 9999") == "END s0 Code secret incorrect. Il vous reste 2 essai(s).")
        #expect(
            try await line.ask("BEGIN s1 22890112233 *145#")
                == #"CON s1 T-Money\n1. Envoyer de l'argent\n2. Retrait\n3. Achat de credit\n4. Mon compte"#)
        #expect(try await line.ask("CONTINUE s1 1") == #"CON s1 Envoyer de l'argent\n1. Vers un numero T-Money\n2. Vers Flooz\n0. Retour"#)
        #expect(try await line.ask("CONTINUE s1 1") == "CON s1 Numero du beneficiaire:")
        #expect(try await line.ask("CONTINUE s1 90445566") == "CON s1 Montant a envoyer (FCFA):")
        #expect(try await line.ask("CONTINUE s1 5000").hasPrefix("CON s1 Envoyer 5 000 FCFA a AMA M."))
        #expect(try await line.ask("CONTINUE s1 1") == "CON s1 Entrez votre code secret:")
        let end = try await line.ask("CONTINUE s1 2580")
        #expect(end.hasPrefix("END s1 Envoi de 5 000 FCFA a AMA M. reussi"))
        #expect(!end.contains("2580"))
        #expect(try await line.ask("CONTINUE s1 1") == "ERR s1 404 no session s1")
        // The wrong PIN moved nothing; the transfer moved 5 000 and its 50 fee, once.
        #expect(try await world.money.walletBalance(msisdn: "22890112233") == 44_950)
        #expect(try await world.money.walletBalance(msisdn: "22890445566") == 30_000)
        let metrics = core.metrics.exposition()
        #expect(metrics.contains(#"sika_transfers_total{kind="p2p",outcome="wrong_pin"} 1"#))
        #expect(metrics.contains(#"sika_transfers_total{kind="p2p",outcome="ok"} 1"#))

        await core.dispatcher.pass()
        let receipts = [try await line.next(), try await line.next()].sorted()
        #expect(receipts[0].hasPrefix("SMS 1455 22890112233 "))
        #expect(receipts[1].hasPrefix("SMS 1455 22890445566 "))
        #expect(receipts.allSatisfy { $0.contains("5 000 FCFA") })
        try await Task.sleep(for: .milliseconds(100))
        #expect(try await world.money.ledger.undeliveredSMS(operatorID: "tmoney").isEmpty)
        try await line.close()
    }

    @Test func numbersAndServicesOfAnotherOperatorAreRefusedWith403() async throws {
        let line = try await LineHarness(core: world.core())
        try await line.hello()
        #expect(try await line.ask("BEGIN s1 22896112233 *145#") == "ERR s1 403 22896112233 is outside tmoney's numbering range")
        #expect(try await line.ask("BEGIN s2 22890112233 *155#") == "ERR s2 403 *155# is flooz's service")
        #expect(try await line.ask("SMS 22896112233 1455 AIDE") == "ERR - 403 22896112233 is outside tmoney's numbering range")
        #expect(try await line.ask("SMS 22890112233 1555 AIDE") == "ERR - 403 1555 is not tmoney's short code")
        #expect(try await line.ask("SMS 22890112233 9999 AIDE") == "ERR - 400 9999 is not tmoney's short code")
        try await line.close()
    }

    /// A second `HELLO` is checked like the first and never changes who the connection is.
    @Test func aSecondHelloNeverChangesTheConnectionsIdentity() async throws {
        let line = try await LineHarness(core: world.core())
        try await line.hello()
        #expect(try await line.ask("HELLO tmoney wrong") == "ERR - 401 bad token; still authenticated as tmoney")
        #expect(try await line.ask("HELLO flooz fl-secret") == "ERR - 409 already authenticated as tmoney")
        #expect(try await line.ask("HELLO flooz wrong") == "ERR - 409 already authenticated as tmoney")
        // Still T-Money: its numbers are served, Flooz's are not.
        #expect(try await line.ask("BEGIN s1 22896112233 *155#") == "ERR s1 403 22896112233 is outside tmoney's numbering range")
        #expect(try await line.ask("BEGIN s2 22890112233 *145#").hasPrefix("CON s2 T-Money"))
        #expect(try await line.ask("HELLO tmoney tm-secret") == "OK HELLO tmoney")
        try await line.close()
    }

    /// The dial string is normalised once and checked in the form the engine starts: spaces around it
    /// do not get another operator's service code past the 403.
    @Test func aDialStringIsCheckedInTheFormTheEngineRuns() async throws {
        let line = try await LineHarness(core: world.core())
        try await line.hello()
        #expect(try await line.ask("BEGIN i4 22890112233 *155# ") == "ERR i4 403 *155# is flooz's service")
        #expect(try await line.ask("BEGIN i5 22890112233  *155#") == "ERR i5 403 *155# is flooz's service")
        #expect(try await line.ask("BEGIN i6 22890112233 *155*1*1#  ") == "ERR i6 403 *155*1*1# is flooz's service")
        #expect(try await line.ask("BEGIN i7 22890112233 *155 #").hasPrefix("ERR i7 400 "))
        #expect(try await line.ask("BEGIN i8 22890112233 *145*4# ").hasPrefix("CON i8 Mon compte"))
        try await line.close()
    }

    @Test func sessionErrors404And409() async throws {
        let line = try await LineHarness(core: world.core())
        try await line.hello()
        #expect(try await line.ask("CONTINUE nope 1") == "ERR nope 404 no session nope")
        #expect(try await line.ask("ABORT nope") == "ERR nope 404 no session nope")
        #expect(try await line.ask("BEGIN s1 22890112233 *145#").hasPrefix("CON s1 "))
        #expect(try await line.ask("BEGIN s1 22890112233 *145#") == "ERR s1 409 session s1 already exists")
        try await line.send("ABORT s1")
        #expect(try await line.isQuiet())
        #expect(try await line.ask("CONTINUE s1 1") == "ERR s1 404 no session s1")
        #expect(try await line.ask("BEGIN s1 22890112233 *145#").hasPrefix("CON s1 "))
        #expect(try await line.ask("BEGIN s2 22890112233 *999#").hasPrefix("ERR s2 400 "))
        try await line.close()
    }

    @Test func aBadAnswerKeepsTheSessionAndEscapesTravelBothWays() async throws {
        let line = try await LineHarness(core: world.core())
        try await line.hello()
        _ = try await line.ask("BEGIN s1 22890112233 *145#")
        // The screen's newlines come back escaped; the answer (with an escaped newline) is not a choice.
        #expect(try await line.ask(#"CONTINUE s1 a\nb\\c"#).hasPrefix(#"CON s1 Choix invalide.\nT-Money\n1. Envoyer"#))
        #expect(try await line.ask("CONTINUE s1 4").hasPrefix(#"CON s1 Mon compte\n1. Solde"#))
        try await line.close()
    }

    @Test func garbageGetsTheDocumentedAnswersAndTheConnectionStays() async throws {
        let line = try await LineHarness(core: world.core())
        try await line.hello()
        #expect(try await line.ask("GARBAGE") == "ERR - 400 unknown verb")
        #expect(try await line.ask("") == "ERR - 400 empty line")
        #expect(try await line.ask("BEGIN s!1 22890112233 *145#") == "ERR - 400 bad session id (1-64 of A-Z a-z 0-9 . _ : -)")
        try await line.send(bytes: Array("PING ".utf8) + [0xFF, 0xFE, UInt8(ascii: "\n")])
        #expect(try await line.next() == "ERR - 400 invalid UTF-8")
        try await line.send(String(repeating: "A", count: 5000))
        #expect(try await line.next() == "ERR - 413 line longer than 4096 bytes")
        try await line.send(bytes: Array(repeating: UInt8(ascii: "B"), count: 1 << 20))
        #expect(try await line.next() == "ERR - 413 line longer than 4096 bytes")
        // The rest of the megabyte line, up to its newline, is discarded without an answer.
        try await line.send("tail of the long line")
        #expect(try await line.isQuiet())
        #expect(try await line.ask("PING after") == "PONG after")
        try await line.close()
    }

    @Test func aFloodOfBeginsHitsTheSessionCapWith429() async throws {
        let line = try await LineHarness(core: world.core { $0.maxSessionsPerConnection = 3 })
        try await line.hello()
        try await line.send((1...5).map { "BEGIN f\($0) 22890112233 *145#" }.joined(separator: "\n"))
        var answers: [String] = []
        for _ in 1...5 { answers.append(try await line.next()) }
        #expect(answers.filter { $0.hasPrefix("CON ") }.count == 3)
        #expect(
            answers.filter { $0.contains(" 429 ") }.sorted() == [
                "ERR f4 429 too many live sessions on this connection", "ERR f5 429 too many live sessions on this connection",
            ])
        try await line.close()
    }

    @Test func whileShuttingDownNewSessionsGet503AndLiveOnesContinue() async throws {
        let core = world.core()
        let line = try await LineHarness(core: core)
        try await line.hello()
        _ = try await line.ask("BEGIN s1 22890112233 *145#")
        core.beginDraining()
        #expect(try await line.ask("BEGIN s2 22890112233 *145#") == "ERR s2 503 shutting down")
        #expect(try await line.ask("CONTINUE s1 4").hasPrefix("CON s1 Mon compte"))
        try await line.close()
    }

    @Test func interleavedSessionsKeepPerSessionOrder() async throws {
        let line = try await LineHarness(core: world.core())
        try await line.hello()
        // Pipelined: three answers for a and three for b in one write, without waiting for screens.
        try await line.send(
            "BEGIN a 22890112233 *145#", "BEGIN b 22890445566 *145#", "CONTINUE a 4", "CONTINUE b 1", "CONTINUE a 1", "CONTINUE b 0",
            "CONTINUE a 2580", "CONTINUE b 4")
        var bySession: [String: [String]] = [:]
        for _ in 0..<8 {
            let answer = try await line.next()
            bySession[String(answer.split(separator: " ")[1]), default: []].append(answer)
        }
        #expect(
            bySession["a"]?.map { String($0.prefix(18)) } == [
                "CON a T-Money\\n1. ", "CON a Mon compte\\n", "CON a Solde\\nEntre", "END a Votre solde ",
            ])
        #expect(bySession["b"]?.count == 4)
        #expect(bySession["b"]?.last?.hasPrefix("CON b Mon compte") == true)
        try await line.close()
    }

    @Test func tooManyLinesQueuedForOneSessionGet429() async throws {
        let line = try await LineHarness(core: world.core { $0.maxQueuedPerSession = 2 })
        try await line.hello()
        try await line.send((["BEGIN q 22890112233 *145#", "CONTINUE q 4"] + Array(repeating: "CONTINUE q 0", count: 4)).joined(separator: "\n"))
        var answers: [String] = []
        for _ in 0..<6 { answers.append(try await line.next()) }
        #expect(answers.contains("ERR q 429 too many lines waiting for session q"))
        try await line.close()
    }

    @Test func sessionIdsAreScopedPerConnectionAndOperator() async throws {
        let core = world.core()
        let tmoney = try await LineHarness(core: core)
        let flooz = try await LineHarness(core: core)
        try await tmoney.hello("tmoney")
        try await flooz.hello("flooz")
        #expect(try await tmoney.ask("BEGIN s1 22890112233 *145#").hasPrefix("CON s1 T-Money"))
        #expect(try await flooz.ask("BEGIN s1 22896112233 *155#").hasPrefix("CON s1 Flooz"))
        #expect(await core.sessions.activeSessions == 2)
        try await tmoney.close()
        try await Task.sleep(for: .milliseconds(50))
        #expect(await core.sessions.activeSessions == 1)
        try await flooz.close()
    }

    @Test func idleSessionsExpire() async throws {
        let core = world.core { $0.idleTimeout = .milliseconds(100) }
        let line = try await LineHarness(core: core)
        try await line.hello()
        _ = try await line.ask("BEGIN s1 22890112233 *145#")
        try await Task.sleep(for: .milliseconds(150))
        #expect(try await line.ask("CONTINUE s1 1") == "ERR s1 404 session s1 expired")
        _ = try await line.ask("BEGIN s2 22890112233 *145#")
        try await Task.sleep(for: .milliseconds(150))
        // The connection's own sweep forgets it too (and so frees its place under the cap).
        await line.channel.testingEventLoop.advanceTime(by: .seconds(10))
        #expect(try await line.ask("CONTINUE s2 1") == "ERR s2 404 no session s2")
        try await Task.sleep(for: .milliseconds(50))
        #expect(await core.sessions.activeSessions == 0)
        try await line.close()
    }

    @Test func mobileOriginatedSMSIsAnsweredInTheSubscribersLanguage() async throws {
        let line = try await LineHarness(core: world.core())
        try await line.hello()
        let solde = try await line.ask("SMS 22890112233 1455 solde")
        #expect(solde.hasPrefix("SMS 1455 22890112233 T-Money: votre solde s'affiche sur le menu *145#"))
        #expect(!solde.contains("50 000"))
        #expect(try await line.ask("SMS 22891234567 1455 HELP").hasPrefix("SMS 1455 22891234567 T-Money: dial *145# to send money"))
        #expect(try await line.ask("SMS 22891234567 1455 SOLDE").hasPrefix("SMS 1455 22891234567 T-Money: your balance is shown"))
        #expect(
            try await line.ask("SMS 22890112233 1455 bonjour").hasPrefix("SMS 1455 22890112233 T-Money: message non compris. Envoyez AIDE au 1455"))
        #expect(try await line.ask("SMS 22893999999 1455 HELP").hasPrefix("SMS 1455 22893999999 T-Money: dial *145#"))
        try await line.close()
    }
}
