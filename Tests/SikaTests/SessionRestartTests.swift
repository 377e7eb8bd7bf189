import AsyncHTTPClient
import Foundation
import LineFront
import NIOCore
import TestSupport
import Testing

extension SubprocessTests {
    /// `sika serve` stopped with SIGTERM or killed with SIGKILL in the middle of sessions on every front, then
    /// started again on the same `--db` (sessions are in `<db>.sessions.sqlite` by default): each session that
    /// waited for an answer is taken back by the resume rules, and an ended `POST /ussd` session still answers
    /// its final screen to a replayed request.
    @Suite struct SessionRestartTests {
        static let kofi = "22890112233"
        static let ama = "22890445566"
        static let akosua = "22896112233"
        static let prompt = "Reprendre l'operation en cours?\n1. Oui\n2. Non"

        @Test(arguments: [SIGTERM, SIGKILL])
        func sessionsOfEveryFrontSurviveARestart(signal: Int32) async throws {
            let dir = try TemporaryDirectory("sika-sessions-restart")
            defer { dir.remove() }
            let first = try await ServeProcess.start(["--demo", "--db", "sika.sqlite"], in: dir.url)
            #expect(first.stdout.contains("Sessions "), "\(first.stdout)")
            // The line socket: Kofi's transfer, up to the amount.
            let client = try await LineClient.connect(host: "127.0.0.1", port: first.linePort)
            try await client.hello(operatorID: "tmoney", token: try first.token("tmoney"))
            _ = try await client.begin(session: "s1", msisdn: Self.kofi, dial: "*145#")
            for input in ["1", "1"] { _ = try await client.reply(session: "s1", input: input) }
            #expect(try await client.reply(session: "s1", input: "90445566") == .screen(session: "s1", text: "Montant a envoyer (FCFA):"))
            // POST /ussd: Ama sends 1 000 to Kofi, up to the PIN; and a balance check that ended.
            let aggregator = try first.aggregatorToken("tmoney")
            for text in ["", "1", "1*1", "1*1*90112233", "1*1*90112233*1000"] {
                _ = try await first.ussd("h1", Self.ama, text, token: aggregator)
            }
            #expect(try await first.ussd("h1", Self.ama, "1*1*90112233*1000*1", token: aggregator) == "CON Entrez votre code secret:")
            for text in ["", "4", "4*1"] { _ = try await first.ussd("e1", Self.ama, text, token: aggregator) }
            let ended = try await first.ussd("e1", Self.ama, "4*1*4826", token: aggregator)
            #expect(ended.hasPrefix("END Votre solde"), "\(ended)")
            // The web simulator's API: Akosua's phone (Flooz), two screens in.
            let phone = try await first.http(.POST, "/simulator/api/phones", body: #"{"msisdn":"\#(Self.akosua)"}"#)
            #expect(phone.status == 201)
            var exchange = try await first.simulator("/phones/\(Self.akosua)/dial", #"{"dial":"*155#"}"#)
            let web = try #require(exchange["session"] as? String)
            for input in ["1", "1"] { exchange = try await first.simulator("/sessions/\(web)/answer", #"{"input":"\#(input)"}"#) }
            let waiting = try #require(exchange["screen"] as? String)
            #expect(exchange["final"] as? Bool == false)

            // Past the store's coalescing delay, then the signal.
            try await Task.sleep(for: .milliseconds(300))
            kill(first.process.processIdentifier, signal)
            await first.process.exited()
            if signal == SIGKILL {
                #expect(first.process.terminationReason == .uncaughtSignal)
            } else {
                #expect(first.process.terminationStatus == 0)
            }
            await client.close()
            let mode = try FileManager.default.attributesOfItem(atPath: dir.url.appending(path: "sika.sqlite.sessions.sqlite").path)[
                .posixPermissions]
            #expect((mode as? Int).map { $0 & 0o077 == 0 } == true)

            let again = try await ServeProcess.start(["--demo", "--db", "sika.sqlite"], in: dir.url)
            #expect(again.stdout.contains("3 session(s) from before the restart may be resumed"), "\(again.stdout)")
            let token = try again.aggregatorToken("tmoney")
            // POST /ussd goes on under its own id, with the PIN: the resume question, the PIN asked again, one transfer.
            #expect(try await again.ussd("h1", Self.ama, "1*1*90112233*1000*1*4826", token: token) == "CON " + Self.prompt)
            #expect(try await again.ussd("h1", Self.ama, "1*1*90112233*1000*1*4826*1", token: token) == "CON Entrez votre code secret:")
            let sent = try await again.ussd("h1", Self.ama, "1*1*90112233*1000*1*4826*1*4826", token: token)
            #expect(sent.hasPrefix("END Envoi de 1 000 FCFA a KOFI A. reussi"), "\(sent)")
            #expect(try await again.ussd("h1", Self.ama, "1*1*90112233*1000*1*4826*1*4826", token: token) == sent)
            #expect(try await again.ussd("e1", Self.ama, "4*1*4826", token: token) == ended)
            // The socket: the same number dials again (the gateway's ids start again too).
            let next = try await LineClient.connect(host: "127.0.0.1", port: again.linePort)
            try await next.hello(operatorID: "tmoney", token: try again.token("tmoney"))
            #expect(try await next.begin(session: "s1", msisdn: Self.kofi, dial: "*145#") == .screen(session: "s1", text: Self.prompt))
            #expect(try await next.reply(session: "s1", input: "1") == .screen(session: "s1", text: "Montant a envoyer (FCFA):"))
            await next.close()
            // The web phone dials again.
            #expect(try await again.http(.POST, "/simulator/api/phones", body: #"{"msisdn":"\#(Self.akosua)"}"#).status == 201)
            exchange = try await again.simulator("/phones/\(Self.akosua)/dial", #"{"dial":"*155#"}"#)
            #expect(exchange["screen"] as? String == Self.prompt)
            let resumed = try #require(exchange["session"] as? String)
            exchange = try await again.simulator("/sessions/\(resumed)/answer", #"{"input":"1"}"#)
            #expect(exchange["screen"] as? String == waiting)
            #expect(try await again.stop() == 0)
            // Money moved once: Kofi got 1 000, and his own transfer never ran.
            let balance = try await sika(["ledger", "balance", Self.kofi, "--db", "sika.sqlite"], in: dir.url)
            #expect(balance.out.contains("51 000 FCFA"), "\(balance.out) \(balance.err)")
        }
    }
}

extension ServeProcess {
    /// The aggregator secret printed for `operatorID` (`  aggregator token tmoney: …`).
    func aggregatorToken(_ operatorID: String) throws -> String {
        guard let match = stdout.firstMatch(of: try Regex("aggregator token \(operatorID): ([0-9a-f]+)")) else {
            throw CommandLineFailure("no aggregator token for \(operatorID) in: \(stdout)")
        }
        return String(match.output[1].substring ?? "")
    }

    /// `POST /ussd` as an aggregator: the body of the answer (`CON …`, `END …`).
    func ussd(_ session: String, _ phone: String, _ text: String, token: String) async throws -> String {
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(httpPort)/ussd")
        request.method = .POST
        request.headers.add(name: "Authorization", value: "Bearer \(token)")
        request.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
        let fields = [("sessionId", session), ("serviceCode", "*145#"), ("phoneNumber", phone), ("text", text)]
        let form = fields.map { "\($0)=\($1.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)" }.joined(separator: "&")
        request.body = .bytes(ByteBuffer(string: form))
        let response = try await HTTPClient.forTests.execute(request, timeout: .seconds(60))
        return String(buffer: try await response.body.collect(upTo: 1 << 20))
    }

    /// A `POST` to the web simulator's API, answered by an exchange.
    func simulator(_ path: String, _ body: String) async throws -> [String: Any] {
        let answer = try await http(.POST, "/simulator/api" + path, body: body)
        guard answer.status == 200, let object = try JSONSerialization.jsonObject(with: Data(answer.body.utf8)) as? [String: Any] else {
            throw CommandLineFailure("\(path): \(answer.status) \(answer.body)")
        }
        return object
    }
}
