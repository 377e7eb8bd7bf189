import Foundation
import LineFront
import Testing

extension SubprocessTests {
    /// `sika serve` killed with SIGKILL in the middle of a session, then started again on the same `--db`:
    /// the session that waited for an answer is offered back to its number (sessions are in
    /// `<db>.sessions.sqlite` by default).
    @Suite struct SessionRestartTests {
        @Test func aSessionSurvivesSIGKILLAndIsOfferedBack() async throws {
            let dir = try TemporaryDirectory("sika-sessions-kill")
            defer { dir.remove() }
            let first = try await ServeProcess.start(["--demo", "--db", "sika.sqlite"], in: dir.url)
            #expect(first.stdout.contains("Sessions "), "\(first.stdout)")
            let client = try await LineClient.connect(host: "127.0.0.1", port: first.linePort)
            try await client.hello(operatorID: "tmoney", token: try first.token("tmoney"))
            _ = try await client.begin(session: "s1", msisdn: "22890112233", dial: "*145#")
            for input in ["1", "1"] { _ = try await client.reply(session: "s1", input: input) }
            let amount = try await client.reply(session: "s1", input: "90445566")
            #expect(amount == .screen(session: "s1", text: "Montant a envoyer (FCFA):"))
            // Past the store's coalescing delay, then no shutdown at all.
            try await Task.sleep(for: .milliseconds(300))
            kill(first.process.processIdentifier, SIGKILL)
            first.process.waitUntilExit()
            #expect(first.process.terminationReason == .uncaughtSignal)
            await client.close()

            let mode = try FileManager.default.attributesOfItem(atPath: dir.url.appending(path: "sika.sqlite.sessions.sqlite").path)[
                .posixPermissions]
            #expect((mode as? Int).map { $0 & 0o077 == 0 } == true)
            let again = try await ServeProcess.start(["--demo", "--db", "sika.sqlite"], in: dir.url)
            #expect(again.stdout.contains("1 session(s) from before the restart may be resumed"), "\(again.stdout)")
            let next = try await LineClient.connect(host: "127.0.0.1", port: again.linePort)
            try await next.hello(operatorID: "tmoney", token: try again.token("tmoney"))
            let offer = try await next.begin(session: "s2", msisdn: "22890112233", dial: "*145#")
            #expect(offer == .screen(session: "s2", text: "Reprendre l'operation en cours?\n1. Oui\n2. Non"))
            #expect(try await next.reply(session: "s2", input: "1") == .screen(session: "s2", text: "Montant a envoyer (FCFA):"))
            await next.close()
            #expect(try await again.stop() == 0)
        }
    }
}
