import Foundation
import SMPP
import Testing

extension SubprocessTests {
    /// `sika serve --demo` as an application developer meets it: it prints the demo ESME's system_id and password,
    /// and an SMS the ESME submits with them lands in the simulated phone's inbox on the web simulator.
    @Suite struct ServeSMPPTests {
        @Test func theDemoESMEBindsAndItsSMSReachesThePhone() async throws {
            let dir = try TemporaryDirectory("sika-smpp")
            defer { dir.remove() }
            let serve = try await ServeProcess.start(["--demo", "--db", "sika.sqlite"], in: dir.url)
            let printed = serve.stdout.firstMatch(
                of: /SMPP server \(simulated operator network\) on [^:]+:(\d+): ESMEs system_id demo, password (\S+) \(8080, \*384#\)/)
            let match = try #require(printed, "\(serve.stdout)")
            let port = try #require(Int(match.1))
            let password = String(match.2)
            #expect(try await serve.http(.POST, "/simulator/api/phones", body: #"{"msisdn": "22890112233"}"#).status == 201)

            let esme = try await SMPPClient.connect(host: "127.0.0.1", port: port)
            try await esme.bind(.transmitter, systemID: "demo", password: password)
            try await esme.submit(
                SubmitSM(source: .shortCode("8080"), destination: .international("22890112233"), shortMessage: GSM7.encode("Hello from demo")!))
            let deadline = ContinuousClock.now + .seconds(30)
            var inbox = ""
            while ContinuousClock.now < deadline, !inbox.contains("Hello from demo") {
                inbox = try await serve.http(.GET, "/simulator/api/phones/22890112233/inbox").body
                try await Task.sleep(for: .milliseconds(50))
            }
            #expect(inbox.contains(#""from":"8080""#), "\(inbox)")
            #expect(inbox.contains("Hello from demo"), "\(inbox)")
            try await esme.unbind()
            #expect(try await serve.stop() == 0)
        }
    }
}
