import Foundation
import Hummingbird
import HummingbirdTesting
import Ledger
import MobileMoney
import NIOCore
import SessionScripts
import Sessions
import Synchronization
import Testing

@testable import GatewayCore
@testable import USSDFront

@Suite struct HTTPFrontTests {
    func app(_ core: GatewayCore) -> some ApplicationProtocol {
        Application(router: HTTPFront.router(core: core, callback: USSDCallback(core: core)))
    }

    /// Over `sika serve`'s own HTTP server on an ephemeral port, not just the router.
    @Test func everySessionScriptPassesOverTheHTTPCallback() async throws {
        // A script's abort (a network drop) is the server timing the session out: the callback convention has
        // no release, the aggregator just stops calling. The timeout is forced at once rather than waited for.
        let scripts = try EndToEndTests.scripts()
        #expect(scripts.count >= 30)
        for script in scripts {
            let world = try await GatewayWorld()
            defer { world.remove() }
            let server = try await RunningServer.start(world)
            let sessions = server.server.core.sessions
            let target = try await HTTPScriptTarget(port: server.httpPort, money: world.money) { session in
                try? await sessions.abort(id: "http/\(session)")
            }
            let result = await ScriptRunner { target }.run(script)
            if !result.passed { Issue.record("\(result)") }
            try await server.stop()
        }
    }

    @Test func callbackRetriesRepeatTheScreenAndBadRequestsAreRefused() async throws {
        let world = try await GatewayWorld()
        defer { world.remove() }
        try await app(world.core()).test(.router) { client in
            let base = [("sessionId", "AT-1"), ("serviceCode", "*145#"), ("phoneNumber", "22890112233")]
            let first = try await HTTPScriptTarget.post(client, base + [("text", "")])
            #expect(first.status == 200 && first.body.hasPrefix("CON T-Money\n1. Envoyer"))
            let menu = try await HTTPScriptTarget.post(client, base + [("text", "4")])
            #expect(menu.body.hasPrefix("CON Mon compte"))
            #expect(try await HTTPScriptTarget.post(client, base + [("text", "4")]) == menu)
            #expect(try await HTTPScriptTarget.post(client, base + [("text", "9*9")]).status == 400)
            #expect(try await HTTPScriptTarget.post(client, [("sessionId", "AT-2"), ("serviceCode", "*145#")]).status == 400)
            #expect(try await HTTPScriptTarget.post(client, [("sessionId", "A T"), ("serviceCode", "*145#"), ("phoneNumber", "228")]).status == 400)
            // Everything after the consumed answers is one new answer, `*` included.
            let invalid = try await HTTPScriptTarget.post(client, base + [("text", "4*1*2")])
            #expect(invalid.body.hasPrefix("CON Choix invalide."))
            #expect(try await HTTPScriptTarget.post(client, base + [("text", "4*1*2*1")]).body.hasPrefix("CON Solde\nEntrez votre code secret"))
            let end = try await HTTPScriptTarget.post(client, base + [("text", "4*1*2*1*2580")])
            #expect(end == (200, "END Votre solde T-Money est de 50 000 FCFA."))
        }
    }

    @Test func healthAndMetrics() async throws {
        let world = try await GatewayWorld()
        defer { world.remove() }
        let core = world.core()
        try await app(core).test(.router) { client in
            try await client.execute(uri: "/health", method: .get) { #expect($0.status == .ok) }
            _ = try await HTTPScriptTarget.post(
                client, [("sessionId", "m1"), ("serviceCode", "*145#"), ("phoneNumber", "22890112233"), ("text", "")])
            _ = try await HTTPScriptTarget.post(
                client, [("sessionId", "m1"), ("serviceCode", "*145#"), ("phoneNumber", "22890112233"), ("text", "4")])
            _ = try await HTTPScriptTarget.post(
                client, [("sessionId", "m 2"), ("serviceCode", "*145#"), ("phoneNumber", "22890112233"), ("text", "")])
            try await client.execute(uri: "/metrics", method: .get) { response in
                let text = String(buffer: response.body)
                #expect(response.headers[.contentType]?.hasPrefix("text/plain") == true)
                #expect(text.contains("sika_sessions_started_total 1"))
                #expect(text.contains("sika_steps_total 2"))
                #expect(text.contains(#"sika_protocol_errors_total{code="400"} 1"#))
                #expect(text.contains("sika_step_duration_seconds_bucket"))
            }
            core.beginDraining()
            try await client.execute(uri: "/health", method: .get) { #expect($0.status == .serviceUnavailable) }
        }
    }
}
