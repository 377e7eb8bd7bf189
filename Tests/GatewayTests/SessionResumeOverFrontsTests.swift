import Foundation
import Sessions
import SessionsSQLite
import Testing

@testable import GatewayCore
@testable import Serve

/// Resume over the real fronts: the network releases a line session while its transfer runs, and a
/// server restarted on the same session file takes back the sessions that were waiting.
@Suite struct SessionResumeOverFrontsTests {
    @Test func anAbortDuringTheTransferResumesToItsOutcomeOverTheLine() async throws {
        let world = try await GatewayWorld()
        defer { world.remove() }
        let running = try await RunningServer.start(world)
        let line = try await RawConnection.connect(port: running.linePort)
        try await line.send("HELLO tmoney \(GatewayWorld.tokens.tokens["tmoney"]!)\nBEGIN s1 22890112233 *145#\n")
        for input in ["1", "1", "90445566", "5000", "1"] { try await line.send("CONTINUE s1 \(input)\n") }
        #expect(try await line.wait { $0.lines.contains("CON s1 Entrez votre code secret:") })
        // The PIN and, right behind it, the network's release: the phone never sees the END.
        try await line.send("CONTINUE s1 2580\nABORT s1\n")
        // Receipts come over the same connection (SMS lines), so the END is looked for, not taken last.
        #expect(try await line.wait { $0.lines.contains { $0.hasPrefix("END s1 Envoi de 5 000 FCFA") } })
        let outcome = String(try #require(line.lines.first { $0.hasPrefix("END s1 ") }).dropFirst("END s1 ".count))
        #expect(!line.lines.contains { $0.hasPrefix("ERR s1") })
        try await line.send("BEGIN s2 22890112233 *145#\n")
        #expect(try await line.wait { $0.lines.contains("CON s2 Reprendre l'operation en cours?\\n1. Oui\\n2. Non") })
        try await line.send("CONTINUE s2 1\n")
        #expect(try await line.wait { $0.lines.contains("END s2 \(outcome)") })
        #expect(try await world.money.ledger.account(id: try #require(await world.money.subscriber("22890112233")).accountID)?.balance == 44950)
        await line.close()
        try await running.stop()
    }

    /// `ABORT` is not answered, so a gateway sends the phone's next dial right behind it, even in the same
    /// packet. The drop must be recorded before the new dial looks for a session to resume (CI once saw the
    /// menu instead of the question when the two ran side by side). Twenty rounds, each pair in one write.
    @Test func aDialRightBehindTheDropIsOfferedTheResume() async throws {
        let world = try await GatewayWorld()
        defer { world.remove() }
        let running = try await RunningServer.start(world)
        let line = try await RawConnection.connect(port: running.linePort)
        try await line.send("HELLO tmoney \(GatewayWorld.tokens.tokens["tmoney"]!)\n")
        for round in 0..<20 {
            try await line.send("BEGIN a\(round) 22890112233 *145#\nCONTINUE a\(round) 1\nCONTINUE a\(round) 1\nCONTINUE a\(round) 90445566\n")
            #expect(try await line.wait { $0.lines.contains("CON a\(round) Montant a envoyer (FCFA):") })
            try await line.send("ABORT a\(round)\nBEGIN b\(round) 22890112233 *145#\n")
            #expect(try await line.wait { $0.lines.contains { $0.hasPrefix("CON b\(round) ") } })
            #expect(line.lines.contains("CON b\(round) Reprendre l'operation en cours?\\n1. Oui\\n2. Non"))
            // Refused: a fresh menu, the old session forgotten; then the phone hangs up.
            try await line.send("CONTINUE b\(round) 2\nABORT b\(round) cancel\n")
            #expect(try await line.wait { $0.lines.contains { $0.hasPrefix("CON b\(round) T-Money") } })
        }
        await line.close()
        try await running.stop()
    }

    @Test func aServerRestartedOnTheSessionFileResumesOverHTTPAndReplaysEndedCallbacks() async throws {
        let world = try await GatewayWorld()
        defer { world.remove() }
        let path = world.directory.appending(path: "sika.sqlite.sessions.sqlite").path
        let base = [("serviceCode", "*145#"), ("phoneNumber", "22890112233")]
        func serve(_ body: (Int) async throws -> Void) async throws { try await Self.serve(world, sessions: path, body) }
        var ended = ""
        try await serve { http in
            // A transfer cancelled at its confirmation: the session ends (END), it is not resumable.
            for text in ["", "1", "1*1", "1*1*90445566", "1*1*90445566*5000"] {
                _ = try await Self.ussd(port: http, [("sessionId", "e1"), ("text", text)] + base)
            }
            ended = try await Self.ussd(port: http, [("sessionId", "e1"), ("text", "1*1*90445566*5000*2")] + base).body
            #expect(ended.hasPrefix("END "))
            for text in ["", "1", "1*1", "1*1*90445566"] { _ = try await Self.ussd(port: http, [("sessionId", "w1"), ("text", text)] + base) }
        }
        try await serve { http in
            let replayed = try await Self.ussd(port: http, [("sessionId", "e1"), ("text", "1*1*90445566*5000*2")] + base).body
            let offer = try await Self.ussd(port: http, [("sessionId", "w2"), ("text", "")] + base).body
            let resumed = try await Self.ussd(port: http, [("sessionId", "w2"), ("text", "1")] + base).body
            #expect(replayed == ended)
            #expect(offer == "CON Reprendre l'operation en cours?\n1. Oui\n2. Non")
            #expect(resumed == "CON Montant a envoyer (FCFA):")
        }
    }

    /// The aggregator goes on with a session that was waiting when the server stopped, under its own id: it is
    /// taken back by the resume rules (the question, then its screen), never started afresh from `text`; another
    /// caller under that id is `409`, and once it could no longer be resumed it is `404`, like an expired one.
    @Test func aContinuationAfterARestartResumesTheSessionItContinues() async throws {
        let world = try await GatewayWorld()
        defer { world.remove() }
        let path = world.directory.appending(path: "sika.sqlite.sessions.sqlite").path
        let kofi = [("serviceCode", "*145#"), ("phoneNumber", "22890112233")]
        let ama = [("serviceCode", "*145#"), ("phoneNumber", "22890445566")]
        func serve(idleTimeout: Duration = .seconds(180), _ body: (Int) async throws -> Void) async throws {
            try await Self.serve(world, sessions: path, idleTimeout: idleTimeout, body)
        }
        try await serve { http in
            for text in ["", "1", "1*1", "1*1*90445566"] { _ = try await Self.ussd(port: http, [("sessionId", "c1"), ("text", text)] + kofi) }
            for text in ["", "4", "4*3"] { _ = try await Self.ussd(port: http, [("sessionId", "c2"), ("text", text)] + ama) }
        }
        try await serve { http in
            // The next answer of c1 (the amount) comes after the restart: the question, not the amount applied.
            let offer = try await Self.ussd(port: http, [("sessionId", "c1"), ("text", "1*1*90445566*5000")] + kofi)
            #expect(offer == (200, "CON Reprendre l'operation en cours?\n1. Oui\n2. Non"))
            let resumed = try await Self.ussd(port: http, [("sessionId", "c1"), ("text", "1*1*90445566*5000*1")] + kofi)
            #expect(resumed == (200, "CON Montant a envoyer (FCFA):"))
            let confirm = try await Self.ussd(port: http, [("sessionId", "c1"), ("text", "1*1*90445566*5000*1*5000")] + kofi)
            #expect(confirm.body.hasPrefix("CON Envoyer 5 000 FCFA a AMA M."))
            _ = try await Self.ussd(port: http, [("sessionId", "c1"), ("text", "1*1*90445566*5000*1*5000*1")] + kofi)
            let done = try await Self.ussd(port: http, [("sessionId", "c1"), ("text", "1*1*90445566*5000*1*5000*1*2580")] + kofi)
            #expect(done.body.hasPrefix("END Envoi de 5 000 FCFA a AMA M. reussi"))
            // The replay-after-END rule holds for the resumed session.
            #expect(try await Self.ussd(port: http, [("sessionId", "c1"), ("text", "1*1*90445566*5000*1*5000*1*2580")] + kofi) == done)
            // c2 is Ama's: Kofi's number under its id is another caller.
            let stolen = try await Self.ussd(port: http, [("sessionId", "c2"), ("text", "4*3*2580")] + kofi)
            #expect(stolen.status == 409)
        }
        let balance = try await world.money.ledger.account(id: try #require(await world.money.subscriber("22890112233")).accountID)?.balance
        #expect(balance == 44_950)
        // Past the idle timeout since its last step, c2 would have expired without the restart: 404, and it stays so.
        try await serve(idleTimeout: .milliseconds(200)) { http in
            try await Task.sleep(for: .milliseconds(300))
            #expect(try await Self.ussd(port: http, [("sessionId", "c2"), ("text", "4*3*4826")] + ama).status == 404)
            #expect(try await Self.ussd(port: http, [("sessionId", "c2"), ("text", "4*3*4826")] + ama).status == 404)
        }
    }

    /// A server on `world`'s ledger and the session file at `sessions`, as `sika serve` starts (taking back what the
    /// file held), running `body` with its HTTP port, then stopped gracefully (the store flushed).
    static func serve(
        _ world: GatewayWorld, sessions path: String, idleTimeout: Duration = .seconds(180), _ body: (Int) async throws -> Void
    ) async throws {
        let store = try SQLiteSessionStore.open(path: path)
        let core = world.core(store: store) { $0.idleTimeout = idleTimeout }
        _ = try await core.sessions.recover()
        let server = SikaServer(core: core, endedSessions: store.endedSessions, logger: core.logger)
        let group = try server.serviceGroup()
        let task = Task { try await group.run() }
        let (_, http) = try await server.waitUntilListening()
        try await body(http)
        await group.triggerGracefulShutdown()
        try await task.value
    }

    /// `POST /ussd` as T-Money's aggregator, on its own connection.
    static func ussd(port: Int, _ fields: [(String, String)]) async throws -> (status: Int, body: String) {
        let body = HTTPScriptTarget.form(fields)
        let connection = try await RawConnection.connect(port: port)
        let token = GatewayWorld.aggregatorTokens.tokens["tmoney"]!
        try await connection.send(
            "POST /ussd HTTP/1.1\r\nHost: sika\r\nConnection: close\r\nAuthorization: Bearer \(token)\r\n"
                + "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: \(body.utf8.count)\r\n\r\n\(body)")
        guard try await connection.wait(until: { $0.isClosed }) else { throw GatewayError(.unavailable, "no answer") }
        let text = connection.text
        guard let split = text.range(of: "\r\n\r\n") else { throw GatewayError(.malformed, "no HTTP head") }
        let status = Int(text.split(separator: " ").dropFirst().first ?? "") ?? 0
        return (status, String(text[split.upperBound...]))
    }
}
