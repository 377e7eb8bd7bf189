import ChildProcess
import Foundation
import TestSupport
import Testing

extension SubprocessTests {
    /// `sika phone` as a user runs it beside `sika serve --demo`: one of the simulated network's phones, the same
    /// phones and inboxes as the web page's, so an SMS anyone sends to its number shows in the terminal, live.
    @Suite struct PhoneCommandTests {
        static let kofi = "22890112233"
        static let ama = "22890445566"

        /// `sika phone NUMBER` with its standard input and output at hand.
        final class Phone: Sendable {
            let process = ChildProcess()
            private let input = Pipe()
            private let output = ServeProcess.Buffer()

            init(_ arguments: [String], in directory: URL) throws {
                niced(process, ["phone"] + arguments)
                process.currentDirectoryURL = directory
                process.environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("SIKA_") }
                let out = Pipe()
                process.standardInput = input
                process.standardOutput = out
                process.standardError = out
                let output = self.output
                out.fileHandleForReading.readabilityHandler = { handle in output.append(handle.availableData) }
                try process.run()
            }

            var text: String { output.text }

            /// Types lines, as at the keyboard.
            func type(_ lines: String...) { input.fileHandleForWriting.write(Data(lines.map { $0 + "\n" }.joined().utf8)) }

            /// Waits until the output holds `part` (a generous failure bound on a loaded machine).
            func waitFor(_ part: String, count: Int = 1, timeout: Duration = .seconds(60)) async throws {
                let deadline = ContinuousClock.now + timeout
                while text.components(separatedBy: part).count - 1 < count {
                    guard ContinuousClock.now < deadline, process.isRunning else {
                        throw CommandLineFailure("sika phone never printed \(part) (\(count)×): \(text)")
                    }
                    try await Task.sleep(for: .milliseconds(50))
                }
            }

            /// Quits (q, then the end of input) and returns the exit status.
            func quit() async throws -> Int32 {
                type("q")
                try input.fileHandleForWriting.close()
                let deadline = ContinuousClock.now + .seconds(60)
                while process.isRunning, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(20)) }
                if process.isRunning { process.terminate() }
                process.waitUntilExit()
                return process.terminationStatus
            }
        }

        @Test func thePhoneIsOneOfTheSimulatedNetworksAndShowsEverySMSOfItsNumber() async throws {
            let dir = try TemporaryDirectory("sika-phone")
            defer { dir.remove() }
            let server = try await ServeProcess.start(["--demo", "--db", "sika.sqlite"], in: dir.url)
            // Ama's phone is open on the web page.
            #expect(try await server.http(.POST, "/simulator/api/phones", body: #"{"msisdn":"\#(Self.ama)"}"#).status == 201)
            // The address comes from sika.sqlite.tokens, as serve wrote it.
            let phone = try Phone([Self.kofi], in: dir.url)
            try await phone.waitFor("Dial a code such as *145#")
            #expect(phone.text.contains("T-Money phone \(Self.kofi) (Kofi Amegah, fr)"), "\(phone.text)")
            #expect(try await Self.openPhones(server).contains(Self.kofi), "the page sees the terminal's phone")
            // A transfer from the terminal: the screens framed as a small phone's, the receipt in both inboxes.
            phone.type("*145#", "1", "1", "90445566", "5000", "1", "2580")
            try await phone.waitFor("| Envoi de 5 000 FCFA a AMA M.")
            try await phone.waitFor("+-- SMS from 1455")
            try await phone.waitFor("| Transfert de 5 000 FCFA")
            #expect(phone.text.contains("| Entrez votre code secret:"))
            let amaInbox = try await server.http(.GET, "/simulator/api/phones/\(Self.ama)/inbox")
            #expect(amaInbox.body.contains("5 000 FCFA"), "\(amaInbox.body)")
            // An SMS someone else causes (Ama sends through the JSON API) shows in the terminal as it arrives.
            let token = try await server.apiToken(Self.ama, "4826")
            let sent = try await server.http(
                .POST, "/api/transactions",
                headers: [("Authorization", "Bearer \(token)"), ("Idempotency-Key", "phone-test-1")],
                body: #"{"senderPhoneNumber":"\#(Self.ama)","receiverPhoneNumber":"\#(Self.kofi)","amount":1500,"pin":"4826"}"#)
            #expect(sent.status == 201 || sent.status == 200, "\(sent.body)")
            try await phone.waitFor("+-- SMS from 1455", count: 2)
            try await phone.waitFor("| Vous avez recu 1 500 FCFA de")
            let kofiInbox = try await server.http(.GET, "/simulator/api/phones/\(Self.kofi)/inbox")
            #expect(kofiInbox.body.contains("1 500 FCFA") && kofiInbox.body.contains("5 000 FCFA"), "\(kofiInbox.body)")
            // Shown in the terminal is read on the page too: the phone marks it read once it has printed it, so the page
            // may see it a moment after the terminal does (a bounded wait, not a timing assertion).
            var inbox = kofiInbox.body
            let read = try await eventually(timeout: .seconds(30), every: .milliseconds(50)) {
                inbox = try await server.http(.GET, "/simulator/api/phones/\(Self.kofi)/inbox").body
                return !inbox.contains(#""read":false"#)
            }
            #expect(read, "\(inbox)")
            // A network drop (/drop), then the same code: the session is offered back; an empty answer hangs up.
            phone.type("*145#", "1", "1", "/drop")
            try await phone.waitFor("(network lost")
            phone.type("*145#")
            try await phone.waitFor("| Reprendre l'operation en")
            phone.type("1")
            try await phone.waitFor("| Numero du beneficiaire:", count: 3)
            phone.type("")
            try await phone.waitFor("(hung up)")
            // A refusal is the phone's network error.
            phone.type("*155#")
            try await phone.waitFor("[network error 403")
            #expect(try await phone.quit() == 0, "\(phone.text)")
            // The phone it opened went away with it; its inbox stays with the network.
            #expect(try await Self.openPhones(server) == [Self.ama])
            #expect(try await server.stop() == 0)
        }

        /// The numbers of the phones open on the simulated network, as the web page lists them.
        static func openPhones(_ server: ServeProcess) async throws -> [String] {
            let network = try await server.http(.GET, "/simulator/api/network")
            let object = try JSONSerialization.jsonObject(with: Data(network.body.utf8)) as? [String: Any]
            return (object?["phones"] as? [[String: Any]] ?? []).compactMap { $0["msisdn"] as? String }
        }

        @Test func withoutAServerThePhoneSaysSoInOneLine() async throws {
            let dir = try TemporaryDirectory("sika-phone-alone")
            defer { dir.remove() }
            let run = try await sika(["phone", Self.kofi, "--connect", "127.0.0.1:\(try TestPorts.free(1))"], in: dir.url)
            #expect(run.status == 1)
            #expect(run.err.hasPrefix("error: cannot reach sika serve at http://127.0.0.1:"), "\(run.err)")
            #expect(run.err.split(separator: "\n").count == 1)
        }
    }
}
