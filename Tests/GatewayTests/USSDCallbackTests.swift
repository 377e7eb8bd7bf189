import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Ledger
import NIOCore
import Sessions
import Synchronization
import Testing

@testable import GatewayCore
@testable import USSDFront

/// `POST /ussd`: aggregator credentials, the binding of a session id to its caller, and replay after END.
@Suite struct USSDCallbackTests {
    static let kofi = [("serviceCode", "*145#"), ("phoneNumber", "22890112233")]

    /// A reply of `POST /ussd`, comparable in one `#expect`.
    struct Reply: Equatable, CustomStringConvertible {
        let status: Int
        let body: String

        init(_ status: Int, _ body: String) {
            self.status = status
            self.body = body
        }

        var description: String { "\(status) \(body.debugDescription)" }
    }

    static func post(
        _ client: any TestClientProtocol, _ fields: [(String, String)], as credential: HTTPScriptTarget.Credential = .bearer(operatorID: "tmoney")
    ) async throws -> Reply {
        let (status, body) = try await HTTPScriptTarget.post(client, fields, as: credential)
        return Reply(status, body)
    }

    static func post(_ client: any TestClientProtocol, body: String, as credential: HTTPScriptTarget.Credential) async throws -> Reply {
        let (status, body) = try await HTTPScriptTarget.post(client, body: body, as: credential)
        return Reply(status, body)
    }

    func app(_ core: GatewayCore, _ callback: USSDCallback) -> some ApplicationProtocol {
        Application(router: HTTPFront.router(core: core, callback: callback))
    }

    func balance(_ world: GatewayWorld, _ msisdn: String) async throws -> Int64? {
        guard let subscriber = try await world.money.subscriber(msisdn) else { return nil }
        return try await world.money.ledger.account(id: subscriber.accountID)?.balance
    }

    func outboxCount(_ world: GatewayWorld) async throws -> Int {
        try await world.money.ledger.read { rows in Int(try rows.lastMessageID()) }
    }

    /// The request that ended a session, sent again, gets the same END byte for byte and moves no money;
    /// anything else under that id is 409, and nothing starts a new session.
    @Test func anEndedSessionAnswersItsFinalScreenAgainAndNeverStartsANewOne() async throws {
        let world = try await GatewayWorld()
        defer { world.remove() }
        let core = world.core()
        let callback = USSDCallback(core: core)
        try await app(core, callback).test(.router) { client async throws in
            let session = [("sessionId", "AT-9")] + Self.kofi
            let confirm = try await Self.post(client, session + [("text", "1*1*90445566*5000")])
            #expect(confirm.status == 200 && confirm.body.hasPrefix("CON Envoyer 5 000 FCFA a AMA M."))
            #expect(try await Self.post(client, session + [("text", "1*1*90445566*5000*1")]).body == "CON Entrez votre code secret:")
            let end = try await Self.post(client, session + [("text", "1*1*90445566*5000*1*2580")])
            #expect(end.status == 200 && end.body.hasPrefix("END Envoi de 5 000 FCFA a AMA M. reussi"))
            #expect(try await balance(world, "22890112233") == 44_950)
            let receipts = try await outboxCount(world)

            for _ in 0..<3 {
                let again = try await Self.post(client, session + [("text", "1*1*90445566*5000*1*2580")])
                #expect(again.status == end.status && Array(again.body.utf8) == Array(end.body.utf8))
            }
            for text in ["", "1", "1*1*90445566*5000*1", "1*1*90445566*5000*1*2580*1", "1*1*90445566*4000*1*2580"] {
                let refused = try await Self.post(client, session + [("text", text)])
                #expect(refused == Reply(409, "END session AT-9 has ended"), "text \(text)")
            }
            // Someone else's request under that id learns nothing of the final screen.
            let other = [("sessionId", "AT-9"), ("serviceCode", "*145#"), ("phoneNumber", "22890445566"), ("text", "1*1*90445566*5000*1*2580")]
            #expect(try await Self.post(client, other) == Reply(409, "END session AT-9 belongs to another caller"))

            #expect(try await balance(world, "22890112233") == 44_950)
            #expect(try await balance(world, "22890445566") == 30_000)
            #expect(try await outboxCount(world) == receipts)
            #expect(await callback.count == 0)
            #expect(await callback.retainedCount == 1)
        }
    }

    /// After the retention window an id is free again; before it, it is not. The clock is injected.
    @Test func anEndedSessionIsRetainedForTheWindowOnly() async throws {
        let world = try await GatewayWorld()
        defer { world.remove() }
        let core = world.core()
        #expect(core.configuration.endedRetention == .seconds(600))
        let clock = Mutex(Date(timeIntervalSince1970: 1_000_000))
        let store = MemoryEndedSessionStore(retention: .seconds(600), capacity: 10) { clock.withLock { $0 } }
        let callback = USSDCallback(core: core, ended: store)
        try await app(core, callback).test(.router) { client async throws in
            let session = [("sessionId", "W-1")] + Self.kofi
            #expect(try await Self.post(client, session + [("text", "4*1")]).body.hasPrefix("CON Solde"))
            let end = try await Self.post(client, session + [("text", "4*1*2580")])
            #expect(end == Reply(200, "END Votre solde T-Money est de 50 000 FCFA."))
            clock.withLock { $0 += 599 }
            #expect(try await Self.post(client, session + [("text", "4*1*2580")]) == end)
            #expect(try await Self.post(client, session + [("text", "")]).status == 409)
            clock.withLock { $0 += 2 }
            #expect(try await Self.post(client, session + [("text", "")]).body.hasPrefix("CON T-Money"))
        }
    }

    /// The callback takes its window from the configuration (`serve --ended-retention`).
    @Test func theRetentionWindowComesFromTheConfiguration() async throws {
        let world = try await GatewayWorld()
        defer { world.remove() }
        let core = world.core { $0.endedRetention = .milliseconds(100) }
        let callback = USSDCallback(core: core)
        try await app(core, callback).test(.router) { client async throws in
            let session = [("sessionId", "R-1")] + Self.kofi
            #expect(try await Self.post(client, session + [("text", "4*1")]).body.hasPrefix("CON Solde"))
            #expect(try await Self.post(client, session + [("text", "4*1*2580")]).body.hasPrefix("END Votre solde"))
            // Well past the window, whatever the machine's load: the id is free again.
            try await Task.sleep(for: .milliseconds(400))
            #expect(try await Self.post(client, session + [("text", "")]).body.hasPrefix("CON T-Money"))
            #expect(await callback.retainedCount == 0)
        }
    }

    /// A session that expired answers 404 under its id, also to a request that would otherwise start
    /// one (`text` empty, or the answers as a shortcut).
    @Test func anExpiredSessionIs404AndIsNotRestarted() async throws {
        let world = try await GatewayWorld()
        defer { world.remove() }
        let core = world.core { $0.idleTimeout = .milliseconds(200) }
        let callback = USSDCallback(core: core)
        try await app(core, callback).test(.router) { client async throws in
            let session = [("sessionId", "X-1")] + Self.kofi
            #expect(try await Self.post(client, session + [("text", "")]).body.hasPrefix("CON T-Money"))
            // Longer than the idle timeout, so the session is expired whatever the machine's load.
            try await Task.sleep(for: .milliseconds(500))
            #expect(try await Self.post(client, session + [("text", "4")]) == Reply(404, "END session X-1 expired"))
            #expect(try await Self.post(client, session + [("text", "4")]) == Reply(404, "END session X-1 expired"))
            #expect(try await Self.post(client, session + [("text", "")]) == Reply(404, "END session X-1 expired"))
            #expect(await callback.count == 0)
        }
    }

    @Test func everyRequestNeedsOneOperatorsAggregatorCredential() async throws {
        let world = try await GatewayWorld()
        defer { world.remove() }
        let core = world.core()
        try await app(core, USSDCallback(core: core)).test(.router) { client async throws in
            let body = HTTPScriptTarget.form([("sessionId", "C-1")] + Self.kofi + [("text", "")])
            let refused = Reply(401, "END a valid aggregator credential is required")
            #expect(try await Self.post(client, body: body, as: .none) == refused)
            for header in ["Bearer nope", "Bearer tm-secret", "Basic dG06c2VjcmV0", "Bearer", "tm-aggregator-secret"] {
                #expect(try await Self.post(client, body: body, as: .headers([.authorization: header])) == refused, "\(header)")
            }
            let wrongBody = AggregatorCredential.signature(of: "sessionId=C-1".utf8, secret: "tm-aggregator-secret")
            for signature in [wrongBody, "sha256=00", "sha256=" + String(repeating: "zz", count: 32), String(wrongBody.dropFirst(7))] {
                #expect(
                    try await Self.post(client, body: body, as: .headers([AggregatorCredential.signatureField: signature])) == refused)
            }
            // A bearer of one operator and a signature of the other: neither is believed.
            var both = HTTPScriptTarget.Credential.bearer(operatorID: "tmoney").headers(for: body)
            both.append(contentsOf: HTTPScriptTarget.Credential.signature(operatorID: "flooz").headers(for: body))
            #expect(try await Self.post(client, body: body, as: .headers(both)) == refused)
            // The credential is checked before the form is read.
            #expect(try await Self.post(client, body: "garbage", as: .none) == refused)

            #expect(try await Self.post(client, body: body, as: .signature(operatorID: "tmoney")).body.hasPrefix("CON T-Money"))
            let second = HTTPScriptTarget.form([("sessionId", "C-2")] + Self.kofi + [("text", "")])
            #expect(
                try await Self.post(client, body: second, as: .headers([.authorization: "bearer tm-aggregator-secret"])).body
                    .hasPrefix("CON T-Money"))
            // Flooz's signature is Flooz's aggregator: a T-Money number is not its to serve.
            let third = HTTPScriptTarget.form([("sessionId", "C-3")] + Self.kofi + [("text", "")])
            #expect(try await Self.post(client, body: third, as: .signature(operatorID: "flooz")).status == 403)
        }
        #expect(core.metrics.exposition().contains(#"sika_protocol_errors_total{code="401"} 12"#))
    }

    @Test func withoutAuthenticationTheCallbackNeedsNoCredential() async throws {
        let world = try await GatewayWorld()
        defer { world.remove() }
        let core = world.core { $0.requireAuthentication = false }
        try await app(core, USSDCallback(core: core)).test(.router) { client async throws in
            let reply = try await Self.post(client, [("sessionId", "N-1")] + Self.kofi + [("text", "")], as: .none)
            #expect(reply.status == 200 && reply.body.hasPrefix("CON T-Money"))
        }
    }

    /// The first request binds the id to (operator, number, service code); any other caller is 409.
    @Test func aSessionIdIsBoundToItsOperatorNumberAndServiceCode() async throws {
        let world = try await GatewayWorld()
        defer { world.remove() }
        let core = world.core()
        try await app(core, USSDCallback(core: core)).test(.router) { client async throws in
            let first = try await Self.post(client, [("sessionId", "B-1")] + Self.kofi + [("text", "")])
            #expect(first.body.hasPrefix("CON T-Money"))
            let conflict = Reply(409, "END session B-1 belongs to another caller")
            let ama = [("sessionId", "B-1"), ("serviceCode", "*145#"), ("phoneNumber", "22890445566"), ("text", "4")]
            #expect(try await Self.post(client, ama) == conflict)
            let otherService = [("sessionId", "B-1"), ("serviceCode", "*155#"), ("phoneNumber", "22890112233"), ("text", "4")]
            #expect(try await Self.post(client, otherService) == conflict)
            let akosua = [("sessionId", "B-1"), ("serviceCode", "*155#"), ("phoneNumber", "22896112233"), ("text", "4")]
            #expect(try await Self.post(client, akosua, as: .bearer(operatorID: "flooz")) == conflict)
            #expect(try await Self.post(client, [("sessionId", "B-1")] + Self.kofi + [("text", "4")], as: .bearer(operatorID: "flooz")) == conflict)
            // The same caller, however it spells the number and the code, carries on.
            let same = [("sessionId", "B-1"), ("serviceCode", " *145# "), ("phoneNumber", "+22890112233"), ("text", "4")]
            #expect(try await Self.post(client, same).body.hasPrefix("CON Mon compte"))
        }
    }

    /// As on the socket: a number outside the aggregator's operator, or the other operator's service code
    /// (however spaced), is 403.
    @Test func numbersAndServicesOfTheOtherOperatorAre403() async throws {
        let world = try await GatewayWorld()
        defer { world.remove() }
        let core = world.core()
        try await app(core, USSDCallback(core: core)).test(.router) { client async throws in
            let akosua = [("sessionId", "F-1"), ("serviceCode", "*145#"), ("phoneNumber", "22896112233"), ("text", "")]
            #expect(try await Self.post(client, akosua) == Reply(403, "END 22896112233 is outside tmoney's numbering range"))
            for (index, code) in ["*155#", "*155# ", " *155#"].enumerated() {
                let kofi = [("sessionId", "F-\(index + 2)"), ("serviceCode", code), ("phoneNumber", "22890112233"), ("text", "")]
                #expect(try await Self.post(client, kofi) == Reply(403, "END *155# is flooz's service"), "\(code)")
            }
            let shortcut = [("sessionId", "F-5"), ("serviceCode", "*155#"), ("phoneNumber", "22890112233"), ("text", "4")]
            #expect(try await Self.post(client, shortcut) == Reply(403, "END *155*4# is flooz's service"))
            let inner = [("sessionId", "F-6"), ("serviceCode", "*155 #"), ("phoneNumber", "22890112233"), ("text", "")]
            #expect(try await Self.post(client, inner) == Reply(400, "END bad serviceCode"))
            let flooz = [("sessionId", "F-7"), ("serviceCode", "*155#"), ("phoneNumber", "22896112233"), ("text", "")]
            #expect(try await Self.post(client, flooz, as: .bearer(operatorID: "flooz")).body.hasPrefix("CON Flooz"))
        }
    }

    @Test func anOversizeBodyIs413WithAnEndBody() async throws {
        let world = try await GatewayWorld()
        defer { world.remove() }
        let core = world.core()
        try await app(core, USSDCallback(core: core)).test(.live) { client async throws in
            let body = HTTPScriptTarget.form([("sessionId", "O-1")] + Self.kofi + [("text", String(repeating: "1", count: 17 * 1024))])
            let reply = try await Self.post(client, body: body, as: .bearer(operatorID: "tmoney"))
            #expect(reply == Reply(413, "END request body larger than 16384 bytes"))
        }
    }
}
