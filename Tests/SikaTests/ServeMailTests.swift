import Foundation
import MailDelivery
import TestSupport
import Testing

extension SubprocessTests {
    /// `sika serve --demo --smtp …` against aiosmtpd, a relay nobody here wrote: what a person sees when they
    /// turn mail on, a SIGKILL in the middle of a delivery, and `sika mail outbox` for what is stuck.
    @Suite(.enabled(if: AiosmtpdFixture.isAvailable, Comment(rawValue: AiosmtpdFixture.installHint)))
    struct ServeMailTests {
        static let kofiAddress = "kofi.amegah@tmoney.example", amaAddress = "ama.mensah@tmoney.example"
        static let akosuaAddress = "akosua.dzifa@flooz.example"

        /// An on-net transfer through the JSON API as Kofi; returns its reference.
        static func transfer(_ serve: ServeProcess, to receiver: String, amount: Int, key: String) async throws -> String {
            let token = try await serve.apiToken("22890112233", "2580")
            let answer = try await serve.http(
                .POST, "/api/transactions", headers: [("Authorization", "Bearer \(token)"), ("Idempotency-Key", key)],
                body: #"{"senderPhoneNumber":"22890112233","receiverPhoneNumber":"\#(receiver)","amount":\#(amount),"pin":"2580"}"#)
            guard answer.status == 201, let match = answer.body.firstMatch(of: /"reference":"([A-Z0-9.]+)"/) else {
                throw CommandLineFailure("transfer refused: \(answer.status) \(answer.body)")
            }
            return String(match.1)
        }

        @Test func theDemoMailsBothPartiesOfATransferOnAndOffNet() async throws {
            let relay = try await AiosmtpdFixture()
            defer { relay.stop() }
            let dir = try TemporaryDirectory("sika-mail-demo")
            defer { dir.remove() }
            let serve = try await ServeProcess.start(
                ["--demo", "--db", "sika.sqlite", "--smtp", "smtp://127.0.0.1:\(relay.port)", "--mail-from", "Sika Demo <notices@sika.example>"],
                in: dir.url)
            #expect(serve.stdout.contains("E-mail addresses (every notice to a verified one goes by e-mail too):"), "\(serve.stdout)")
            for address in [Self.kofiAddress, Self.amaAddress, Self.akosuaAddress] { #expect(serve.stdout.contains(address)) }
            #expect(serve.stdout.contains("E-mail notices: through smtp://127.0.0.1:\(relay.port) (STARTTLS when offered)"))

            let reference = try await Self.transfer(serve, to: "22890445566", amount: 5000, key: "mail-1")
            var received = try await relay.received(count: 2)
            #expect(received.count == 2)
            #expect(Set(received.flatMap(\.recipients)) == [Self.kofiAddress, Self.amaAddress], "exactly one each")
            for message in received {
                let head = MIMEReader.split(message.text)
                #expect(head.header("From") == "\"Sika Demo\" <notices@sika.example>")
                #expect(head.header("Message-ID")?.hasSuffix("@sika.example>") == true)
                #expect(MIMEReader.decodeWords(head.header("Subject") ?? "").contains(reference))
            }

            // Off-net, T-Money to Flooz: the sender's receipt and the recipient's, each by e-mail too.
            let token = try await serve.apiToken("22890112233", "2580")
            let offNet = try await serve.http(
                .POST, "/api/transfer", headers: [("Authorization", "Bearer \(token)")],
                body:
                    #"{"senderPhoneNumber":"22890112233","receiverPhoneNumber":"22896112233","amount":2000,"fromService":"tmoney","toService":"flooz","pin":"2580"}"#
            )
            #expect(offNet.status == 201, "\(offNet.body)")
            received = try await relay.received(count: 4)
            #expect(received.count == 4)
            #expect(received.dropFirst(2).flatMap(\.recipients).sorted() == [Self.akosuaAddress, Self.kofiAddress])
            let metrics = try await serve.http(.GET, "/metrics")
            #expect(metrics.body.contains(#"sika_mail_attempts_total{outcome="sent"} 4"#), "\(metrics.body)")
            try await Task.sleep(for: .milliseconds(1500))
            #expect(try relay.received().count == 4, "nothing is sent twice")
            #expect(try await serve.stop() == 0)

            let shown = try await sika(["subscriber", "show", "22890112233", "--db", "sika.sqlite"], in: dir.url)
            #expect(shown.status == 0 && shown.out.contains("e-mail Kofi Amegah <\(Self.kofiAddress)> (verified"), "\(shown.out) \(shown.err)")
            let outbox = try await sika(["mail", "outbox", "--db", "sika.sqlite"], in: dir.url)
            #expect(outbox.out.hasPrefix("Mail outbox: 0 queued, 0 retrying, 0 failed, 0 dead"), "\(outbox.out) \(outbox.err)")
            let none = try await sika(["subscriber", "show", "22891234567", "--db", "sika.sqlite"], in: dir.url)
            #expect(none.out.contains("e-mail none"))
        }

        /// STARTTLS required and AUTH, the password from the `--secrets` file (never the URL), the relay's own CA.
        @Test func overSTARTTLSWithAuthThePasswordFromTheSecretsFile() async throws {
            let relay = try await AiosmtpdFixture(["--starttls", "--auth", "sika:pa55-w0rd"])
            defer { relay.stop() }
            let dir = try TemporaryDirectory("sika-mail-tls")
            defer { dir.remove() }
            let secrets = dir.url.appending(path: "secrets.env")
            let jwt = String(repeating: "ab", count: 32)
            try "SIKA_JWT_SECRET=\(jwt)\nSIKA_ADMIN_TOKEN=admin-token-for-mail-tests\nSIKA_SMTP_PASSWORD=pa55-w0rd\n".write(
                to: secrets, atomically: true, encoding: .utf8)
            try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: secrets.path)
            let certificate = try #require(relay.certificatePath)
            let url = "smtp+starttls://sika@127.0.0.1:\(relay.port)?ca=\(certificate)&tls-name=localhost"
            let serve = try await ServeProcess.start(["--demo", "--db", "sika.sqlite", "--secrets", secrets.path, "--smtp", url], in: dir.url)
            #expect(serve.stdout.contains("E-mail notices: through smtp+starttls://sika@127.0.0.1:\(relay.port) (STARTTLS required, AUTH)"))
            #expect(!serve.stdout.contains("pa55-w0rd") && !serve.stderr.contains("pa55-w0rd"))
            _ = try await Self.transfer(serve, to: "22890445566", amount: 1000, key: "tls-1")
            let received = try await relay.received(count: 2)
            #expect(received.count == 2 && received.allSatisfy { $0.tls && $0.login == "sika" })
            #expect(Set(received.flatMap(\.recipients)) == [Self.kofiAddress, Self.amaAddress])
            #expect(try await serve.stop() == 0)
        }

        /// SIGKILL while the relay holds its answer to the data: the relay has the message, sika does not know it.
        /// After the restart the message goes again with the same Message-ID: at least once, never lost, and the
        /// only duplicate is one a receiver drops by that header. Killed before the data instead, it goes exactly once.
        @Test(arguments: ["--stall-first-data", "--stall-first-rcpt"])
        func aSIGKILLMidDeliveryLosesNothing(stall: String) async throws {
            let relay = try await AiosmtpdFixture([stall, "60"])
            defer { relay.stop() }
            let dir = try TemporaryDirectory("sika-mail-kill")
            defer { dir.remove() }
            let arguments = ["--demo", "--db", "sika.sqlite", "--smtp", "smtp://127.0.0.1:\(relay.port)"]
            let first = try await ServeProcess.start(arguments, in: dir.url)
            _ = try await Self.transfer(first, to: "22891234567", amount: 1000, key: "kill-1")  // Yao has no address: one mail, Kofi's
            try await waitUntil("the relay holds its answer") { relay.isStalling }
            kill(first.process.processIdentifier, SIGKILL)
            await first.process.exited()
            #expect(first.process.terminationReason == .uncaughtSignal)

            let again = try await ServeProcess.start(arguments, in: dir.url)
            let expected = stall == "--stall-first-data" ? 2 : 1
            let received = try await relay.received(count: expected)
            try await Task.sleep(for: .milliseconds(1500))
            #expect(try relay.received().count == expected, "\(stall): \(expected) cop(ies)")
            #expect(received.allSatisfy { $0.recipients == [Self.kofiAddress] })
            #expect(Set(received.compactMap(\.messageID)).count == 1, "one Message-ID however many copies")
            #expect(try await again.stop() == 0)
            let outbox = try await sika(["mail", "outbox", "--db", "sika.sqlite"], in: dir.url)
            #expect(outbox.out.hasPrefix("Mail outbox: 0 queued, 0 retrying, 0 failed, 0 dead"), "\(outbox.out)")
        }

        @Test func theOutboxCommandSaysWhatIsStuckAndWhy() async throws {
            let relay = try await AiosmtpdFixture(["--reject", Self.kofiAddress])
            defer { relay.stop() }
            let dir = try TemporaryDirectory("sika-mail-stuck")
            defer { dir.remove() }
            let serve = try await ServeProcess.start(["--demo", "--db", "sika.sqlite", "--smtp", "smtp://127.0.0.1:\(relay.port)"], in: dir.url)
            _ = try await Self.transfer(serve, to: "22890445566", amount: 1000, key: "stuck-1")
            try await waitUntil("Ama's mail arrives") { try relay.received().count == 1 }
            // The gauge is the dispatcher's last look at the store, refreshed once the batch's outcomes are recorded,
            // a moment after the relay has Ama's copy: wait for that state (bounded), not for a fixed time.
            try await waitUntil("the refused notice counted failed on /metrics") {
                try await serve.http(.GET, "/metrics").body.contains(#"sika_mail_outbox_messages{state="failed"} 1"#)
            }
            #expect(try await serve.stop() == 0)

            let outbox = try await sika(["mail", "outbox", "--db", "sika.sqlite"], in: dir.url)
            #expect(outbox.status == 0 && outbox.out.hasPrefix("Mail outbox: 0 queued, 0 retrying, 1 failed, 0 dead"), "\(outbox.out)")
            let line = try #require(outbox.out.split(separator: "\n").first { $0.contains("transfer_sent") })
            #expect(line.contains("failed") && line.contains(Self.kofiAddress) && line.contains("550 5.1.1 No such user here"), "\(line)")
            let id = try #require(line.split(separator: " ").first.map(String.init))
            let retry = try await sika(["mail", "retry", id, "--db", "sika.sqlite"], in: dir.url)
            #expect(retry.status == 0 && retry.out == "\(id) queued again\n")
            let twice = try await sika(["mail", "retry", id, "--db", "sika.sqlite"], in: dir.url)
            #expect(twice.status == 1 && twice.err.contains("not failed or dead"))
            let after = try await sika(["mail", "outbox", "--db", "sika.sqlite"], in: dir.url)
            #expect(after.out.hasPrefix("Mail outbox: 1 queued, 0 retrying, 0 failed, 0 dead"), "\(after.out)")
        }

        /// An address as an app sets it, over `sika serve`'s JSON API: the code arrives by mail through the relay,
        /// nothing goes to the address until that code is confirmed, money notices go to it after, none once it is
        /// removed; header-injection material is a field error and never reaches the relay.
        @Test func anAddressSetThroughTheAPIIsVerifiedByTheMailedCode() async throws {
            let relay = try await AiosmtpdFixture()
            defer { relay.stop() }
            let dir = try TemporaryDirectory("sika-mail-address")
            defer { dir.remove() }
            let serve = try await ServeProcess.start(["--demo", "--db", "sika.sqlite", "--smtp", "smtp://127.0.0.1:\(relay.port)"], in: dir.url)
            let yao = "22891234567", yaoAddress = "yao.koffi@example.com"
            let auth = [("Authorization", "Bearer \(try await serve.apiToken(yao, "7391"))")]
            let path = "/api/subscribers/\(yao)/email"

            let injected = try await serve.http(.PUT, path, headers: auth, body: #"{"address":"\#(yaoAddress)\r\nBcc: victim@example.com"}"#)
            #expect(
                injected.status == 422 && injected.body.contains(#""address""#) && injected.body.contains("validation_failed"), "\(injected.body)")
            let set = try await serve.http(.PUT, path, headers: auth, body: #"{"address":"\#(yaoAddress)","displayName":"Yao Koffi"}"#)
            #expect(set.status == 202 && set.body.contains(#""verified":false"#), "\(set.body)")
            let codeMail = try #require(try await relay.received(count: 1).first)
            #expect(codeMail.recipients == [yaoAddress])
            let top = MIMEReader.split(codeMail.text)
            let boundary = try #require(MIMEReader.boundary(of: top.header("Content-Type") ?? ""))
            let text = String(decoding: MIMEReader.decodeQuotedPrintable(MIMEReader.parts(of: top.body, boundary: boundary)[0].body), as: UTF8.self)
            let code = String(try #require(text.firstMatch(of: /\b(\d{6})\b/)).1)

            _ = try await Self.transfer(serve, to: yao, amount: 1000, key: "unverified")
            try await waitUntil("Kofi's receipt") { try relay.received().count == 2 }
            let verified = try await serve.http(.POST, path + "/verify", headers: auth, body: #"{"code":"\#(code)"}"#)
            #expect(verified.status == 200 && verified.body.contains(#""verified":true"#), "\(verified.body)")
            _ = try await Self.transfer(serve, to: yao, amount: 1000, key: "verified")
            try await waitUntil("both receipts") { try relay.received().count == 4 }
            #expect(try await serve.http(.DELETE, path, headers: auth).status == 204)
            _ = try await Self.transfer(serve, to: yao, amount: 1000, key: "removed")
            try await waitUntil("Kofi's receipt") { try relay.received().count == 5 }
            try await Task.sleep(for: .milliseconds(1500))
            let received = try relay.received()
            try #require(received.count == 5, "nothing more")
            #expect(received[0].recipients == [yaoAddress] && received[1].recipients == [Self.kofiAddress], "unverified: Kofi's receipt only")
            #expect(received[2...3].flatMap(\.recipients).sorted() == [Self.kofiAddress, yaoAddress], "verified: one receipt each")
            #expect(received[4].recipients == [Self.kofiAddress], "removed: Kofi's receipt only")
            #expect(received.allSatisfy { !$0.text.contains("victim@example.com") })
            #expect(try await serve.stop() == 0)
            let shown = try await sika(["subscriber", "show", yao, "--db", "sika.sqlite"], in: dir.url)
            #expect(shown.out.contains("e-mail none"), "\(shown.out)")
        }

        /// The relay down and one attempt allowed: the notice is a dead letter on `/metrics` and in `sika mail
        /// outbox`, with why; `sika mail retry` queues it again and a start with the relay back delivers it, once,
        /// with the Message-ID it was written with. Nothing is lost however long the relay is away.
        @Test func aDeadLetterShowsOnMetricsAndIsDeliveredWhenTheRelayIsBack() async throws {
            let dir = try TemporaryDirectory("sika-mail-dead")
            defer { dir.remove() }
            let port = try TestPorts.free(1)  // nobody listens there until the relay comes back
            let arguments = ["--demo", "--db", "sika.sqlite", "--smtp", "smtp://127.0.0.1:\(port)"]
            let serve = try await ServeProcess.start(arguments + ["--mail-max-attempts", "1"], in: dir.url)
            _ = try await Self.transfer(serve, to: "22891234567", amount: 1000, key: "dead-1")  // Yao has no address: Kofi's only
            try await waitUntil("a dead letter on /metrics") {
                try await serve.http(.GET, "/metrics").body.contains(#"sika_mail_outbox_messages{state="dead"} 1"#)
            }
            let metrics = try await serve.http(.GET, "/metrics").body
            #expect(metrics.contains(#"sika_mail_attempts_total{outcome="dead"} 1"#), "\(metrics)")
            #expect(metrics.contains(#"sika_mail_outbox_messages{state="queued"} 0"#), "\(metrics)")
            #expect(try await serve.stop() == 0)

            let outbox = try await sika(["mail", "outbox", "--db", "sika.sqlite"], in: dir.url)
            #expect(outbox.status == 0 && outbox.out.hasPrefix("Mail outbox: 0 queued, 0 retrying, 0 failed, 1 dead"), "\(outbox.out)")
            let line = try #require(outbox.out.split(separator: "\n").first { $0.contains("transfer_sent") })
            #expect(line.contains("dead") && line.contains(Self.kofiAddress) && line.contains("gave up after 1 attempts: connect_failed"), "\(line)")
            let id = try #require(line.split(separator: " ").first.map(String.init))
            let retry = try await sika(["mail", "retry", id, "--db", "sika.sqlite"], in: dir.url)
            #expect(retry.status == 0 && retry.out == "\(id) queued again\n", "\(retry.out) \(retry.err)")

            let relay = try await AiosmtpdFixture(["--port", String(port)])
            defer { relay.stop() }
            let again = try await ServeProcess.start(arguments, in: dir.url)
            let received = try await relay.received(count: 1)
            try await Task.sleep(for: .milliseconds(1500))
            #expect(try relay.received().count == 1, "delivered once")
            #expect(received.first?.recipients == [Self.kofiAddress])
            #expect(received.first?.messageID?.contains(".transfer_sent.") == true, "\(String(describing: received.first?.messageID))")
            #expect(try await again.stop() == 0)
            let after = try await sika(["mail", "outbox", "--db", "sika.sqlite"], in: dir.url)
            #expect(after.out.hasPrefix("Mail outbox: 0 queued, 0 retrying, 0 failed, 0 dead"), "\(after.out)")
        }

        /// Every relay URL the README shows is one `--smtp` accepts.
        @Test func theDocumentedRelayURLsParse() throws {
            let readme = try String(contentsOf: repository.appending(path: "README.md"), encoding: .utf8)
            let urls = readme.matches(of: /(smtps?(\+starttls)?:\/\/[A-Za-z0-9@.:\-\[\]]+)/).map { String($0.output.1) }
            #expect(urls.count >= 4, "\(urls)")
            for url in urls { #expect(throws: Never.self, "\(url)") { try SMTPRelay(url: url, password: "p") } }
        }

        @Test func aRelayUserWithoutItsPasswordIsOneLine() async throws {
            let dir = try TemporaryDirectory("sika-mail-password")
            defer { dir.remove() }
            let ports = ["--line-port", "0", "--http-port", "0", "--provider-port", String(try TestPorts.free(2))]
            let run = try await sika(["serve", "--db", "sika.sqlite", "--smtp", "smtp://sika@127.0.0.1:1"] + ports, in: dir.url)
            #expect(run.status == 1 && run.err.contains("SIKA_SMTP_PASSWORD is not set"), "\(run.err)")
            let inURL = try await sika(["serve", "--db", "sika.sqlite", "--smtp", "smtp://sika:hunter2@127.0.0.1:1"], in: dir.url)
            #expect(inURL.status == 64 && inURL.err.contains("never in the URL") && !inURL.err.contains("hunter2"), "\(inURL.err)")
        }
    }
}
