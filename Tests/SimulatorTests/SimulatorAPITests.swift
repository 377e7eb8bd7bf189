import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import Simulator
import TestSupport
import Testing

/// The web simulator's API through HTTP, on a real server over a fresh demo world.
@Suite(.serialized) struct SimulatorAPITests {
    static let kofi = "22890112233"
    static let ama = "22890445566"

    @Test func everyRouteIsRefusedWhenTheSimulatorIsOff() async throws {
        let harness = try await SimulatorHarness.start(simulator: false)
        defer { Task { try? await harness.stop() } }
        for (method, path, body) in [
            (HTTPMethod.GET, "/", nil), (.GET, "/simulator/app.js", nil), (.GET, "/simulator/api/network", nil), (.GET, "/simulator/api/events", nil),
            (.POST, "/simulator/api/phones", "{\"msisdn\":\"\(Self.kofi)\"}"), (.POST, "/simulator/api/sessions/web-1/answer", "{\"input\":\"1\"}"),
        ] as [(HTTPMethod, String, String?)] {
            let (status, text, _) = try await harness.request(method, path, json: body)
            #expect(status == 404, "\(path)")
            #expect(text.contains("\"code\":\"simulator_off\""), "\(path): \(text)")
        }
        // The other fronts are untouched.
        #expect(try await harness.request(.GET, "/health").status == 200)
    }

    @Test func thePageAndItsAssetsComeFromTheServerItself() async throws {
        let harness = try await SimulatorHarness.start()
        defer { Task { try? await harness.stop() } }
        let page = try await harness.request(.GET, "/")
        #expect(page.status == 200)
        #expect(page.headers["content-type"]?.hasPrefix("text/html") == true)
        #expect(page.body.contains("/simulator/app.js") && page.body.contains("/simulator/style.css"))
        // Nothing from elsewhere: the policy allows this origin only, and the page names no other host.
        #expect(page.headers["content-security-policy"]?.contains("script-src 'self'") == true)
        #expect(!page.body.contains("http://") && !page.body.contains("https://"))
        let script = try await harness.request(.GET, "/simulator/app.js")
        #expect(script.status == 200 && script.body.contains("EventSource"))
        #expect(!script.body.contains("http://") && !script.body.contains("https://"))
        #expect(try await harness.request(.GET, "/simulator/style.css").status == 200)
    }

    @Test func aTransferFromOnePhoneReachesBothInboxesThroughTheSMSSink() async throws {
        let harness = try await SimulatorHarness.start()
        defer { Task { try? await harness.stop() } }
        for number in [Self.kofi, Self.ama] {
            let (status, phone) = try await harness.object(.POST, "/simulator/api/phones", json: "{\"msisdn\":\"\(number)\"}")
            #expect(status == 201)
            #expect(phone["operatorID"] as? String == "tmoney" && phone["language"] as? String == "fr")
        }
        let (_, first) = try await harness.object(
            .POST, "/simulator/api/phones/\(Self.kofi)/dial", json: "{\"dial\":\"*145*1*1*\(Self.ama.dropFirst(3))*5000#\"}")
        let session = try #require(first["session"] as? String)
        #expect(first["request"] as? String == "BEGIN \(session) \(Self.kofi) *145*1*1*90445566*5000#")
        #expect((first["answer"] as? String)?.hasPrefix("CON \(session) Envoyer 5 000 FCFA a AMA M.") == true)
        #expect(first["final"] as? Bool == false)
        let (_, pin) = try await harness.object(.POST, "/simulator/api/sessions/\(session)/answer", json: "{\"input\":\"1\"}")
        #expect(pin["screen"] as? String == "Entrez votre code secret:")
        let (_, end) = try await harness.object(.POST, "/simulator/api/sessions/\(session)/answer", json: "{\"input\":\"2580\"}")
        #expect(end["request"] as? String == "CONTINUE \(session) 2580")
        #expect(end["final"] as? Bool == true)
        #expect((end["screen"] as? String)?.contains("Nouveau solde: 44 950 FCFA") == true)
        #expect((end["answer"] as? String)?.hasPrefix("END \(session) ") == true)
        #expect((end["latencyMs"] as? Double).map { $0 >= 0 } == true)
        // The session is over: another answer is refused.
        #expect(try await harness.request(.POST, "/simulator/api/sessions/\(session)/answer", json: "{\"input\":\"1\"}").status == 404)
        // Both receipts arrive, by the dispatcher, in the inboxes.
        for (number, words) in [(Self.kofi, "Nouveau solde: 44 950 FCFA"), (Self.ama, "Nouveau solde: 30 000 FCFA")] {
            let messages = try await waitForInbox(harness, number) { $0.contains { ($0["text"] as? String)?.contains(words) == true } }
            let receipt = try #require(messages.first)
            #expect(receipt["read"] as? Bool == false && receipt["from"] as? String != nil && receipt["receivedAt"] as? Double != nil)
        }
        let (_, network) = try await harness.object(.GET, "/simulator/api/network")
        let phones = try #require(network["phones"] as? [[String: Any]])
        #expect(phones.map { $0["unread"] as? Int } == [1, 1])
        // Read, the badge goes to 0.
        let (_, read) = try await harness.object(.POST, "/simulator/api/phones/\(Self.ama)/read", json: "{}")
        #expect(read["unread"] as? Int == 0)
    }

    @Test func theLiveStreamCarriesTheReceiptAndEndsAtShutdown() async throws {
        let harness = try await SimulatorHarness.start()
        let network = try #require(harness.network)
        try await network.addPhone(Self.ama)
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(harness.httpPort)/simulator/api/events")
        request.method = .GET
        let response = try await HTTPClient.forTests.execute(request, timeout: .seconds(30))
        #expect(response.headers.first(name: "content-type")?.hasPrefix("text/event-stream") == true)
        let reader = Task {
            var seen = ""
            for try await chunk in response.body {
                seen += String(buffer: chunk)
                if seen.contains("\"type\":\"sms\"") && seen.contains("30 000 FCFA") { return seen }
            }
            return seen
        }
        try await Task.sleep(for: .milliseconds(100))
        await #expect(throws: SimulatorError.self) { try await network.dial(Self.kofi, "*145#") }
        try await network.addPhone(Self.kofi)
        let session = try await network.dial(Self.kofi, "*145*1*1*90445566*5000#").session
        _ = try await network.answer(session, "1")
        _ = try await network.answer(session, "2580")
        let seen = try await withTimeout(.seconds(10)) { try await reader.value }
        #expect(seen.contains("\"msisdn\":\"\(Self.ama)\"") && seen.contains("\"unread\":1"))
        // A second stream stays open; shutdown still completes.
        var second = HTTPClientRequest(url: "http://127.0.0.1:\(harness.httpPort)/simulator/api/events")
        second.method = .GET
        let open = try await HTTPClient.forTests.execute(second, timeout: .seconds(30))
        let drain = Task { for try await _ in open.body {} }
        let (group, task) = (harness.group, harness.task)
        try await withTimeout(.seconds(10)) {
            await group.triggerGracefulShutdown()
            try await task.value
        }
        drain.cancel()
    }

    @Test func refusalsAreAnswersOrCodes() async throws {
        let harness = try await SimulatorHarness.start()
        defer { Task { try? await harness.stop() } }
        var (status, object) = try await harness.object(.POST, "/simulator/api/phones", json: "{\"msisdn\":\"1234\"}")
        #expect(status == 400 && (object["error"] as? [String: Any])?["code"] as? String == "malformed")
        (status, object) = try await harness.object(.POST, "/simulator/api/phones", json: "{\"msisdn\":\"33612345678\"}")
        #expect(status == 400 && (object["error"] as? [String: Any])?["code"] as? String == "unknown_operator")
        #expect(
            try await harness.request(.POST, "/simulator/api/phones", json: "{\"msisdn\":\"\(Self.kofi)\"}", contentType: "text/plain").status == 415)
        #expect(try await harness.object(.POST, "/simulator/api/phones", json: "{\"msisdn\":\"\(Self.kofi)\"}").status == 201)
        // Another operator's service code: the gateway refuses it, and the phone shows a network error.
        (status, object) = try await harness.object(.POST, "/simulator/api/phones/\(Self.kofi)/dial", json: "{\"dial\":\"*155#\"}")
        #expect(status == 200)
        let session = try #require(object["session"] as? String)
        #expect((object["error"] as? [String: Any])?["code"] as? Int == 403)
        #expect((object["answer"] as? String)?.hasPrefix("ERR \(session) 403 ") == true && object["final"] as? Bool == true)
        // A cancelled session (the phone hung up) is released.
        (_, object) = try await harness.object(.POST, "/simulator/api/phones/\(Self.kofi)/dial", json: "{\"dial\":\"*145#\"}")
        let menu = try #require(object["session"] as? String)
        (_, object) = try await harness.object(.POST, "/simulator/api/sessions/\(menu)/cancel", json: "{}")
        #expect(object["request"] as? String == "ABORT \(menu) cancel" && object["answer"] is NSNull && object["final"] as? Bool == true)
        #expect(try await harness.request(.POST, "/simulator/api/sessions/\(menu)/answer", json: "{\"input\":\"1\"}").status == 404)
        #expect(try await harness.request(.GET, "/simulator/api/phones/22890000000/inbox").status == 404)
    }

    @Test func theNetworkIsBounded() async throws {
        let harness = try await SimulatorHarness.start(limits: .init(phones: 2, inboxLength: 3, numbersKept: 4, watchers: 1, inputLength: 182))
        defer { Task { try? await harness.stop() } }
        let network = try #require(harness.network)
        #expect(try await harness.object(.POST, "/simulator/api/phones", json: "{\"msisdn\":\"\(Self.kofi)\"}").status == 201)
        #expect(try await harness.object(.POST, "/simulator/api/phones", json: "{\"msisdn\":\"\(Self.ama)\"}").status == 201)
        let (status, object) = try await harness.object(.POST, "/simulator/api/phones", json: "{\"msisdn\":\"22891234567\"}")
        #expect(status == 409 && (object["error"] as? [String: Any])?["code"] as? String == "full")
        // The same number again is the phone already open.
        #expect(try await harness.object(.POST, "/simulator/api/phones", json: "{\"msisdn\":\"\(Self.kofi)\"}").status == 201)
        for index in 1...5 { network.receive(to: Self.kofi, from: "145", text: "message \(index)") }
        #expect(try network.inbox(Self.kofi).map(\.text) == ["message 5", "message 4", "message 3"])
        // Numbers without a phone keep their messages, within numbersKept; open phones are never the ones dropped.
        for index in 1...6 { network.receive(to: "2289000000\(index)", from: "145", text: "kept \(index)") }
        #expect(try network.inbox(Self.kofi).count == 3)
        await #expect(throws: SimulatorError(.full, "at most 2 phones at once; put one away first")) { try await network.addPhone("22891234567") }
        let long = String(repeating: "1", count: 183)
        #expect(try await harness.request(.POST, "/simulator/api/phones/\(Self.kofi)/dial", json: "{\"dial\":\"\(long)\"}").status == 400)
        // One live watcher at most here: a second is refused.
        let watcher = try network.updates()
        #expect(try await harness.request(.GET, "/simulator/api/events").status == 429)
        _ = watcher
    }

    private func waitForInbox(
        _ harness: SimulatorHarness, _ msisdn: String, until done: ([[String: Any]]) -> Bool
    ) async throws -> [[String: Any]] {
        let deadline = ContinuousClock.now + .seconds(10)
        while ContinuousClock.now < deadline {
            let (_, object) = try await harness.object(.GET, "/simulator/api/phones/\(msisdn)/inbox")
            let messages = object["messages"] as? [[String: Any]] ?? []
            if done(messages) { return messages }
            try await Task.sleep(for: .milliseconds(50))
        }
        Issue.record("the inbox of \(msisdn) did not get the message")
        return []
    }
}

/// Fails when `body` takes longer than `limit`.
func withTimeout<T: Sendable>(_ limit: Duration, _ body: @escaping @Sendable () async throws -> T) async throws -> T {
    try await withThrowingTaskGroup(of: T?.self) { group in
        group.addTask { try await body() }
        group.addTask {
            try await Task.sleep(for: limit)
            return nil
        }
        guard let first = try await group.next(), let value = first else {
            group.cancelAll()
            throw CancellationError()
        }
        group.cancelAll()
        return value
    }
}
