import Foundation
import LineFront
import Testing

extension SubprocessTests {
    /// The real `sika serve --demo` binary, started as a subprocess on free ports in a temporary directory,
    /// driven the way its users drive it: over the line socket, the JSON API, `/metrics`, and the commands
    /// the README prints.
    @Suite struct LiveServeTests {
        /// A USSD conversation on the socket; returns the final screen's text.
        static func ussd(_ client: LineClient, _ session: String, _ msisdn: String, _ dial: String, _ answers: [String]) async throws -> String {
            var line = try await client.begin(session: session, msisdn: msisdn, dial: dial)
            for answer in answers {
                guard case .screen = line else { break }
                line = try await client.reply(session: session, input: answer)
            }
            guard case .end(_, let text) = line else { throw CommandLineFailure("\(dial) did not end: \(line.rendered)") }
            return text
        }

        /// Waits (bounded) until an SMS for `msisdn` matching `predicate` arrived on `client`.
        static func sms(_ client: LineClient, to msisdn: String, where predicate: (String) -> Bool) async throws -> String? {
            let deadline = ContinuousClock.now + .seconds(30)
            while ContinuousClock.now < deadline {
                if let found = client.receivedSMS.first(where: { $0.msisdn == msisdn && predicate($0.text) }) { return found.text }
                try await Task.sleep(for: .milliseconds(20))
            }
            return nil
        }

        /// Issue 16, item 10: every transfer counts, whatever the front. Two over USSD and three over the
        /// JSON API make five `p2p` `ok`; a wrong PIN on the API counts under `wrong_pin`; an off-net one
        /// under `off_net`.
        @Test func transfersCountInMetricsWhateverTheFront() async throws {
            let dir = try TemporaryDirectory("sika-metrics")
            defer { dir.remove() }
            let serve = try await ServeProcess.start(["--demo", "--db", "sika.sqlite"], in: dir.url)
            let client = try await LineClient.connect(host: "127.0.0.1", port: serve.linePort)
            try await client.hello(operatorID: "tmoney", token: serve.token("tmoney"))
            for number in 1...2 {
                let end = try await Self.ussd(client, "m\(number)", "22890112233", "*145*1*1*90445566*1000#", ["1", "2580"])
                #expect(end.contains("reussi"), "\(end)")
            }
            await client.close()
            let token = try await serve.apiToken("22890112233", "2580")
            let auth = [("Authorization", "Bearer \(token)")]
            for number in 1...3 {
                let answer = try await serve.http(
                    .POST, "/api/transactions", headers: auth + [("Idempotency-Key", "metrics-\(number)")],
                    body: #"{"senderPhoneNumber":"22890112233","receiverPhoneNumber":"22890445566","amount":1000,"pin":"2580"}"#)
                #expect(answer.status == 201, "\(answer.body)")
            }
            let wrong = try await serve.http(
                .POST, "/api/transactions", headers: auth,
                body: #"{"senderPhoneNumber":"22890112233","receiverPhoneNumber":"22890445566","amount":1000,"pin":"1111"}"#)
            #expect(wrong.status == 401)
            let offNet = try await serve.http(
                .POST, "/api/transfer", headers: auth,
                body:
                    #"{"senderPhoneNumber":"22890112233","receiverPhoneNumber":"22896112233","amount":2000,"fromService":"tmoney","toService":"flooz","pin":"2580"}"#
            )
            #expect(offNet.status == 201, "\(offNet.body)")
            let metrics = try await serve.http(.GET, "/metrics").body
            #expect(metrics.contains(#"sika_transfers_total{kind="p2p",outcome="ok"} 5"#), "\(metrics)")
            #expect(metrics.contains(#"sika_transfers_total{kind="p2p",outcome="wrong_pin"} 1"#))
            #expect(metrics.contains(#"sika_transfers_total{kind="off_net",outcome="ok"} 1"#))
            #expect(try await serve.stop() == 0)
        }

        /// Issue 16, item 16: an off-net transfer names its real counterparty (number and network, and the
        /// name the other network gave) in the SMS receipt, the USSD mini-statement and the JSON API, never
        /// a suspense account; and a restart prints the balances the ledger holds, not the seed's.
        @Test func offNetCounterpartiesAreRealAndARestartPrintsRealBalances() async throws {
            let dir = try TemporaryDirectory("sika-offnet-party")
            defer { dir.remove() }
            let serve = try await ServeProcess.start(["--demo", "--db", "sika.sqlite"], in: dir.url)
            #expect(serve.stdout.contains("22890112233   Kofi Amegah       fr    1     2580  50 000 FCFA"), "\(serve.stdout)")
            let client = try await LineClient.connect(host: "127.0.0.1", port: serve.linePort)
            try await client.hello(operatorID: "tmoney", token: serve.token("tmoney"))
            let end = try await Self.ussd(client, "o1", "22890112233", "*145*1*2*96112233*5000#", ["1", "2580"])
            #expect(end.contains("reussi"), "\(end)")
            let party = "AKOSUA D. (22896112233, Flooz)"
            let receipt = try await Self.sms(client, to: "22890112233") { $0.contains("5 000 FCFA") }
            #expect(receipt?.contains(party) == true, "\(receipt ?? "no SMS")")
            let statement = try await Self.ussd(client, "o2", "22890112233", "*145*4*2#", ["2580"])
            #expect(statement.contains(party), "\(statement)")
            #expect(!statement.lowercased().contains("suspense"))
            await client.close()

            let kofi = try await serve.apiToken("22890112233", "2580")
            let history = try await serve.http(.GET, "/api/transactions/22890112233?limit=5", headers: [("Authorization", "Bearer \(kofi)")])
            #expect(history.status == 200)
            #expect(history.body.contains(#""counterparty":"AKOSUA D.""#), "\(history.body)")
            #expect(history.body.contains(#""counterpartyPhoneNumber":"22896112233""#))
            #expect(history.body.contains(#""counterpartyNetwork":"Flooz""#))
            #expect(!history.body.lowercased().contains("suspense"))
            // The receiving side names the sender and its network, not a settlement account.
            let akosua = try await serve.apiToken("22896112233", "3719")
            let received = try await serve.http(.GET, "/api/transactions/22896112233?limit=5", headers: [("Authorization", "Bearer \(akosua)")])
            #expect(received.body.contains(#""counterpartyPhoneNumber":"22890112233""#), "\(received.body)")
            #expect(received.body.contains(#""counterpartyNetwork":"T-Money""#))
            #expect(!received.body.lowercased().contains("settlement"))
            #expect(try await serve.stop() == 0)

            let again = try await ServeProcess.start(["--demo", "--db", "sika.sqlite"], in: dir.url)
            #expect(again.stdout.contains("22890112233   Kofi Amegah       fr    1     2580  44 900 FCFA"), "\(again.stdout)")
            #expect(again.stdout.contains("22896112233   Akosua Dzifa      fr    1     3719  35 000 FCFA"))
            #expect(try await again.stop() == 0)
        }

        /// Issue 16, item 13: the README's `sika script run --connect …` passes against a fresh
        /// `sika serve --demo`: tokens from `<db>.tokens`, the demo world restored before each script.
        @Test func theReadmeScriptCommandPassesAgainstAFreshDemoServer() async throws {
            let readme = try String(contentsOf: repository.appending(path: "README.md"), encoding: .utf8)
            let match = try #require(readme.firstMatch(of: /swift run sika (script run --connect [^`#\n]+)/), "no script command in the README")
            let documented = match.output.1.trimmingCharacters(in: .whitespaces).split(separator: " ").map(String.init)
            #expect(documented.contains("--connect") && documented.contains("127.0.0.1:7145"), "\(documented)")

            let dir = try TemporaryDirectory("sika-scripts-live")
            defer { dir.remove() }
            let serve = try await ServeProcess.start(["--demo", "--db", "sika.sqlite"], in: dir.url)
            let tokens = dir.url.appending(path: "sika.sqlite.tokens").path
            let mode = try FileManager.default.attributesOfItem(atPath: tokens)[.posixPermissions] as? Int
            #expect(mode == 0o600, "the tokens file is \(String(mode ?? 0, radix: 8))")
            // The README's words exactly, but for the port: this server listens on a free one.
            let arguments = documented.map { $0 == "127.0.0.1:7145" ? "127.0.0.1:\(serve.linePort)" : $0 }
            let run = try await sika(arguments, in: dir.url)
            let summary = run.out.split(separator: "\n").last.map(String.init) ?? ""
            #expect(run.status == 0, "\(run.out)\n\(run.err)")
            #expect(summary.hasSuffix(" passed, 0 failed") && (Int(summary.prefix { $0.isNumber }) ?? 0) >= 38, "\(summary)")
            #expect(try await serve.stop() == 0)
            // Restoring the world between scripts kept the books exact.
            let verify = try await sika(["ledger", "verify", "--db", "sika.sqlite"], in: dir.url)
            #expect(verify.status == 0, "\(verify.out)")
        }

        /// The restore endpoint is demo-only: a server without `--demo` refuses it with 403.
        @Test func theDemoRestoreIsRefusedWithoutDemo() async throws {
            let dir = try TemporaryDirectory("sika-no-demo")
            defer { dir.remove() }
            let admin = "admin-token-for-the-no-demo-test"
            let jwt = String(repeating: "ab", count: 32)
            let serve = try await ServeProcess.start(
                ["--db", "sika.sqlite"], in: dir.url,
                env: ["SIKA_JWT_SECRET": jwt, "SIKA_ADMIN_TOKEN": admin, "SIKA_TOKEN_TMONEY": "t", "SIKA_TOKEN_FLOOZ": "f"])
            let answer = try await serve.http(.POST, "/api/admin/demo/reset", headers: [("Authorization", "Bearer \(admin)")])
            #expect(answer.status == 403 && answer.body.contains(#""code":"demo_only""#), "\(answer.status) \(answer.body)")
            let anonymous = try await serve.http(.POST, "/api/admin/demo/reset")
            #expect(anonymous.status == 401)
            #expect(try await serve.stop() == 0)
        }
    }
}
