import Foundation
import ScriptTargets
import SessionScripts
import TestSupport
import Testing

/// Sessions through the web simulator's API as through every other front: every session script (the resume
/// scripts included: a drop, then the same phone dialling again), a timeout, and a hang-up that is never offered back.
@Suite(.serialized) struct SimulatorSessionTests {
    static let kofi = "22890112233"
    static let prompt = "Reprendre l'operation en cours?\n1. Oui\n2. Non"

    @Test func everySessionScriptPassesOverTheSimulatorAPI() async throws {
        let scripts = try ScriptSuite.files([Repository.url("fixtures/scripts")]).flatMap { try ScriptParser.load(contentsOf: $0) }
        #expect(scripts.count >= 40)
        for script in scripts {
            let harness = try await SimulatorHarness.start(limits: .init(phones: 16), offNet: true)
            let target = try await SimulatorScriptTarget(port: harness.httpPort, money: harness.world.money)
            let result = await ScriptRunner { target }.run(script)
            if !result.passed { Issue.record("\(result)") }
            try await harness.stop()
        }
    }

    /// A session that times out is offered back to the same phone; one hung up (Cancel) is forgotten.
    @Test func aTimedOutSessionIsOfferedBackAndAHangUpIsNot() async throws {
        let harness = try await SimulatorHarness.start()
        defer { Task { try? await harness.stop() } }
        _ = try await harness.object(.POST, "/simulator/api/phones", json: #"{"msisdn":"\#(Self.kofi)"}"#)
        var (_, exchange) = try await harness.object(.POST, "/simulator/api/phones/\(Self.kofi)/dial", json: #"{"dial":"*145#"}"#)
        let first = try #require(exchange["session"] as? String)
        for input in ["1", "1"] {
            (_, exchange) = try await harness.object(.POST, "/simulator/api/sessions/\(first)/answer", json: #"{"input":"\#(input)"}"#)
        }
        #expect(exchange["screen"] as? String == "Numero du beneficiaire:")
        // The network's timeout, judged three minutes on rather than waited for (a short real timeout would also
        // expire the session between two steps on a loaded machine).
        #expect(await harness.core.sessions.expireIdleSessions(asOf: .now + .seconds(181)) == 1)
        (_, exchange) = try await harness.object(.POST, "/simulator/api/phones/\(Self.kofi)/dial", json: #"{"dial":"*145#"}"#)
        #expect(exchange["screen"] as? String == Self.prompt)
        let second = try #require(exchange["session"] as? String)
        (_, exchange) = try await harness.object(.POST, "/simulator/api/sessions/\(second)/answer", json: #"{"input":"1"}"#)
        #expect(exchange["screen"] as? String == "Numero du beneficiaire:")
        // Cancel is the phone hanging up: the line protocol's `ABORT <session> cancel`, never offered back.
        (_, exchange) = try await harness.object(.POST, "/simulator/api/sessions/\(second)/cancel", json: "{}")
        #expect(exchange["request"] as? String == "ABORT \(second) cancel")
        #expect(exchange["final"] as? Bool == true && exchange["answer"] is NSNull)
        (_, exchange) = try await harness.object(.POST, "/simulator/api/phones/\(Self.kofi)/dial", json: #"{"dial":"*145#"}"#)
        #expect((exchange["screen"] as? String)?.hasPrefix("T-Money\n1. Envoyer de l'argent") == true)
        // A drop is the network's `ABORT <session>`.
        let third = try #require(exchange["session"] as? String)
        _ = try await harness.object(.POST, "/simulator/api/sessions/\(third)/answer", json: #"{"input":"4"}"#)
        (_, exchange) = try await harness.object(.POST, "/simulator/api/sessions/\(third)/drop", json: "{}")
        #expect(exchange["request"] as? String == "ABORT \(third)")
        (_, exchange) = try await harness.object(.POST, "/simulator/api/phones/\(Self.kofi)/dial", json: #"{"dial":"*145#"}"#)
        #expect(exchange["screen"] as? String == Self.prompt)
    }
}
