import Foundation
import HTTPServerSupport
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import JSONAPI
import Ledger
import Logging
import MobileMoney
import ProviderBridge
import ScriptTargets
import Sessions
import Synchronization
import TestSupport
import Testing
import Yams

let repositoryRoot = Repository.root

/// A seeded wallet world behind the API, with every log line captured.
final class APIFixture: Sendable {
    let world: TestWorld
    let api: WalletAPI
    let vault: CardVault
    let network: ProviderNetwork
    let logs = LogCapture()
    static let adminToken = "admin-token-for-tests-0123456789"

    var money: MobileMoney { world.money }
    var directory: URL { world.directory }

    init(perSubscriberBurst: Int = 50, perSubscriberPerSecond: Double? = nil) async throws {
        let logger = logs.logger(label: "test")
        world = try await TestWorld.make(logger: logger)
        var configuration = try APIConfiguration(jwtSecret: Array(repeating: 7, count: 32), adminToken: Self.adminToken)
        configuration.perSubscriberBurst = perSubscriberBurst
        if let perSubscriberPerSecond { configuration.perSubscriberPerSecond = perSubscriberPerSecond }
        let document = try String(contentsOf: repositoryRoot.appending(path: "docs/openapi.yaml"), encoding: .utf8)
        vault = try CardVault(keys: ["k1": Array(repeating: 1, count: 32), "k2": Array(repeating: 2, count: 32)], currentKeyID: "k1")
        network = try InProcessTarget.scriptNetwork(money: world.money, logger: logger)
        api = await WalletAPI(
            money: world.money, configuration: configuration, openAPIDocument: document, cardVault: vault, offNet: network.bridge,
            logger: logger)
    }

    func application() -> some ApplicationProtocol {
        let router = Router(context: SikaRequestContext.self)
        api.register(on: router)
        return Application(router: router, logger: logs.logger(label: "http"))
    }

    var logText: String { logs.text }
}

/// A JSON answer: status, headers and the decoded object.
struct Answer {
    let status: HTTPResponse.Status
    let headers: HTTPFields
    let json: [String: Any]
    var errorCode: String? { (json["error"] as? [String: Any])?["code"] as? String }
    var fields: [String: String] { ((json["error"] as? [String: Any])?["fields"] as? [String: String]) ?? [:] }
}

extension TestClientProtocol {
    func call(_ method: HTTPRequest.Method, _ uri: String, token: String? = nil, key: String? = nil, body: String? = nil) async throws -> Answer {
        var headers: HTTPFields = [.contentType: "application/json"]
        if let token { headers[.authorization] = "Bearer \(token)" }
        if let key { headers[HTTPField.Name("Idempotency-Key")!] = key }
        return try await execute(uri: uri, method: method, headers: headers, body: body.map { ByteBuffer(string: $0) }) { response in
            let data = Data(buffer: response.body)
            let json = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] ?? [:]
            return Answer(status: response.status, headers: response.headers, json: json)
        }
    }

    func token(_ phone: String, _ pin: String) async throws -> String {
        let answer = try await call(.post, "/api/auth/token", body: #"{"phoneNumber":"\#(phone)","pin":"\#(pin)"}"#)
        #expect(answer.status == .ok)
        return try #require(answer.json["token"] as? String)
    }
}

@Suite struct WalletAPITests {
    @Test func tokenIsIssuedForTheRightPinOnly() async throws {
        let f = try await APIFixture()
        try await f.application().test(.router) { client in
            let ok = try await client.call(.post, "/api/auth/token", body: #"{"phoneNumber":"90112233","pin":"2580"}"#)
            #expect(ok.status == .ok && ok.json["tokenType"] as? String == "Bearer")
            let wrong = try await client.call(.post, "/api/auth/token", body: #"{"phoneNumber":"22890445566","pin":"1111"}"#)
            #expect(wrong.status == .unauthorized && wrong.errorCode == "wrong_pin" && wrong.fields["attemptsLeft"] == "2")
            _ = try await client.call(.post, "/api/auth/token", body: #"{"phoneNumber":"22890445566","pin":"1112"}"#)
            let locked = try await client.call(.post, "/api/auth/token", body: #"{"phoneNumber":"22890445566","pin":"1113"}"#)
            #expect(locked.status.code == 423 && locked.errorCode == "locked")
            let invalid = try await client.call(.post, "/api/auth/token", body: #"{"phoneNumber":"12","pin":12}"#)
            #expect(invalid.status == .unprocessableContent && Set(invalid.fields.keys) == ["phoneNumber", "pin"])
            let garbage = try await client.call(.post, "/api/auth/token", body: "{nope")
            #expect(garbage.status == .badRequest && garbage.errorCode == "malformed_json")
        }
    }

    @Test func transactionsMoveOnlyOnesOwnMoneyOnce() async throws {
        let f = try await APIFixture()
        try await f.application().test(.router) { client in
            let kofi = try await client.token("22890112233", "2580")
            let ama = try await client.token("22890445566", "4826")
            let body = #"{"senderPhoneNumber":"22890112233","receiverPhoneNumber":"90445566","amount":5000,"pin":"2580"}"#
            let created = try await client.call(.post, "/api/transactions", token: kofi, key: "k-1", body: body)
            #expect(created.status == .created)
            #expect(created.json["fee"] as? Int == 50 && created.json["balance"] as? Int == 44_950 && created.json["state"] as? String == "posted")
            let replay = try await client.call(.post, "/api/transactions", token: kofi, key: "k-1", body: body)
            #expect(replay.status == .ok && replay.json["id"] as? Int == created.json["id"] as? Int)
            let conflict = try await client.call(
                .post, "/api/transactions", token: kofi, key: "k-1", body: body.replacingOccurrences(of: "5000", with: "6000"))
            #expect(conflict.status == .conflict && conflict.errorCode == "idempotency_conflict")
            // Ama's token cannot move Kofi's money, even with Kofi's PIN.
            let stolen = try await client.call(.post, "/api/transactions", token: ama, body: body)
            #expect(stolen.status == .forbidden)
            #expect(try await client.call(.post, "/api/transactions", body: body).status == .unauthorized)
            #expect(try await client.call(.post, "/api/transactions", token: "not.a.token", body: body).status == .unauthorized)
            let poor = try await client.call(
                .post, "/api/transactions", token: ama,
                body: #"{"senderPhoneNumber":"22890445566","receiverPhoneNumber":"22890112233","amount":900000,"pin":"4826"}"#)
            #expect(poor.status == .unprocessableContent)
            #expect(try await f.money.walletBalance(msisdn: "22890112233") == 44_950)
            #expect(try await f.money.walletBalance(msisdn: "22890445566") == 30_000)
        }
    }

    @Test(arguments: [#""100""#, "12.5", "true", "0", "-3", "null"])
    func amountsMustBePositiveWholeNumbers(amount: String) async throws {
        let f = try await APIFixture()
        try await f.application().test(.router) { client in
            let kofi = try await client.token("22890112233", "2580")
            let answer = try await client.call(
                .post, "/api/transactions", token: kofi,
                body: #"{"senderPhoneNumber":"22890112233","receiverPhoneNumber":"22890445566","amount":\#(amount),"pin":"2580"}"#)
            #expect(answer.status == .unprocessableContent && answer.fields["amount"] != nil)
        }
    }

    @Test func senderAndReceiverMustDiffer() async throws {
        let f = try await APIFixture()
        try await f.application().test(.router) { client in
            let kofi = try await client.token("22890112233", "2580")
            let answer = try await client.call(
                .post, "/api/transactions", token: kofi,
                body: #"{"senderPhoneNumber":"22890112233","receiverPhoneNumber":"90112233","amount":100,"pin":"2580"}"#)
            #expect(answer.status == .unprocessableContent && answer.fields["receiverPhoneNumber"] != nil)
        }
    }

    @Test func historyIsOwnAndPaged() async throws {
        let f = try await APIFixture()
        try await f.application().test(.router) { client in
            let kofi = try await client.token("22890112233", "2580")
            for amount in [100, 200, 300] {
                let body = #"{"senderPhoneNumber":"22890112233","receiverPhoneNumber":"22890445566","amount":\#(amount),"pin":"2580"}"#
                #expect(try await client.call(.post, "/api/transactions", token: kofi, body: body).status == .created)
            }
            let first = try await client.call(.get, "/api/transactions/22890112233?limit=2", token: kofi)
            let items = try #require(first.json["items"] as? [[String: Any]])
            #expect(items.map { $0["amount"] as? Int } == [-300, -200])
            let cursor = try #require(first.json["nextCursor"] as? String)
            let second = try await client.call(.get, "/api/transactions/22890112233?limit=2&cursor=\(cursor)", token: kofi)
            let rest = try #require(second.json["items"] as? [[String: Any]])
            #expect(rest.map { $0["amount"] as? Int } == [-100, 50_000])
            #expect(try await client.call(.get, "/api/transactions/22890445566", token: kofi).status == .forbidden)
            #expect(try await client.call(.get, "/api/transactions/22890112233?limit=0", token: kofi).status == .unprocessableContent)
        }
    }

    @Test func verifyBalance() async throws {
        let f = try await APIFixture()
        try await f.application().test(.router) { client in
            let kofi = try await client.token("22890112233", "2580")
            let ok = try await client.call(.post, "/api/verify-balance", token: kofi, body: #"{"phoneNumber":"22890112233","amount":50000}"#)
            #expect(ok.status == .ok && ok.json["sufficient"] as? Bool == true && ok.json["balance"] as? Int == 50_000)
            let no = try await client.call(.post, "/api/verify-balance", token: kofi, body: #"{"phoneNumber":"22890112233","amount":50001}"#)
            #expect(no.status == .unprocessableContent && no.errorCode == "insufficient_funds")
            let other = try await client.call(.post, "/api/verify-balance", token: kofi, body: #"{"phoneNumber":"22890445566","amount":1}"#)
            #expect(other.status == .forbidden)
        }
    }

    @Test func adminEndpointsNeedTheAdminCredential() async throws {
        let f = try await APIFixture()
        try await f.application().test(.router) { client in
            let admin = APIFixture.adminToken
            let kofi = try await client.token("22890112233", "2580")
            let body = #"{"phoneNumber":"22890445566","amount":1000}"#
            #expect(try await client.call(.post, "/api/admin/cashin", token: kofi, key: "c1", body: body).status == .unauthorized)
            #expect(try await client.call(.post, "/api/admin/cashin", token: admin, body: body).status == .unprocessableContent)
            let cashIn = try await client.call(.post, "/api/admin/cashin", token: admin, key: "c1", body: body)
            #expect(cashIn.status == .created && cashIn.json["balance"] as? Int == 26_000)
            #expect(try await client.call(.post, "/api/admin/cashin", token: admin, key: "c1", body: body).status == .ok)
            let reference = try #require(cashIn.json["reference"] as? String)
            let reversal = try await client.call(.post, "/api/admin/reversals", token: admin, body: #"{"reference":"\#(reference)"}"#)
            #expect(reversal.status == .created)
            #expect(try await f.money.walletBalance(msisdn: "22890445566") == 25_000)
            #expect(
                try await client.call(.post, "/api/admin/reversals", token: admin, body: #"{"reference":"nope"}"#).status == .unprocessableContent)
            #expect(try await client.call(.post, "/api/admin/subscribers/22890445566/block", token: admin).json["status"] as? String == "blocked")
            let refused = try await client.call(
                .post, "/api/transactions", token: kofi,
                body: #"{"senderPhoneNumber":"22890112233","receiverPhoneNumber":"22890445566","amount":100,"pin":"2580"}"#)
            #expect(refused.errorCode == "recipient_blocked")
            #expect(try await client.call(.post, "/api/admin/subscribers/22890445566/unblock", token: admin).status == .ok)
            #expect(try await client.call(.post, "/api/admin/subscribers/22899999999/block", token: admin).status == .notFound)
            #expect(try await f.money.ledger.verify().isClean)
        }
    }

    @Test func perSubscriberRateLimitAnswers429WithRetryAfter() async throws {
        // One token per 100 s: however slow the machine, the bucket cannot refill during the test.
        let f = try await APIFixture(perSubscriberBurst: 3, perSubscriberPerSecond: 0.01)
        try await f.application().test(.router) { client in
            let body = #"{"phoneNumber":"22890112233","pin":"2580"}"#
            for _ in 0..<3 { #expect(try await client.call(.post, "/api/auth/token", body: body).status == .ok) }
            let limited = try await client.call(.post, "/api/auth/token", body: body)
            #expect(limited.status == .tooManyRequests && limited.errorCode == "rate_limited")
            let wait = Int(limited.headers[.retryAfter] ?? "") ?? 0
            #expect((1...100).contains(wait), "Retry-After \(limited.headers[.retryAfter] ?? "none")")
        }
    }

    @Test func noPinOrTokenEverReachesTheLogs() async throws {
        let f = try await APIFixture()
        let token = try await f.application().test(.router) { client in
            let token = try await client.token("22890112233", "2580")
            _ = try await client.call(.post, "/api/auth/token", body: #"{"phoneNumber":"22890445566","pin":"9317"}"#)
            _ = try await client.call(
                .post, "/api/transactions", token: token,
                body: #"{"senderPhoneNumber":"22890112233","receiverPhoneNumber":"22890445566","amount":100,"pin":"2580"}"#)
            _ = try await client.call(
                .post, "/api/cards", token: token,
                body: #"{"phoneNumber":"22890112233","cardNumber":"4111111111111111","expiryMonth":1,"expiryYear":2031,"cvv":"123"}"#)
            return token
        }
        let logs = f.logText
        #expect(!logs.isEmpty)
        for secret in ["2580", "9317", "4826", token, APIFixture.adminToken, "4111111111111111"] { #expect(!logs.contains(secret)) }
    }

    @Test func offNetTransfersCompleteOrStayPendingAndCanBeFollowed() async throws {
        let f = try await APIFixture()
        try await f.application().test(.router) { client in
            let kofi = try await client.token("22890112233", "2580")
            let body =
                #"{"senderPhoneNumber":"22890112233","receiverPhoneNumber":"22896112233","amount":5000,"fromService":"tmoney","toService":"flooz","pin":"2580"}"#
            let done = try await client.call(.post, "/api/transfer", token: kofi, key: "o1", body: body)
            #expect(done.status == .created && done.json["status"] as? String == "completed" && done.json["fee"] as? Int == 100)
            #expect(try await f.money.walletBalance(msisdn: "22896112233") == 35_000)
            let held = try await client.call(
                .post, "/api/transfer", token: kofi, key: "o2", body: body.replacingOccurrences(of: "22896112233", with: "22898765432"))
            #expect(held.status == .accepted && held.json["state"] as? String == "pending")
            let id = try #require(held.json["id"] as? Int)
            let followed = try await client.call(.get, "/api/transfers/\(id)", token: kofi)
            #expect(followed.status == .ok && followed.json["state"] as? String == "pending")
            let ama = try await client.token("22890445566", "4826")
            #expect(try await client.call(.get, "/api/transfers/\(id)", token: ama).status == .notFound)
            let wrongService = try await client.call(
                .post, "/api/transfer", token: kofi, body: body.replacingOccurrences(of: #""toService":"flooz""#, with: #""toService":"tmoney""#))
            #expect(wrongService.status == .unprocessableContent && wrongService.fields["toService"] != nil)
        }
        // Both debits hold the amount and the 100 fee: the completed one for good, the pending one in suspense.
        #expect(try await f.money.walletBalance(msisdn: "22890112233") == 50_000 - 2 * 5100)
        #expect(try await f.money.ledger.account(code: "suspense:tmoney")?.balance == 5000)
        #expect(try await f.money.ledger.verify().isClean)
    }

    @Test func cardsAreSealedAndShownByLastFourDigitsOnly() async throws {
        let f = try await APIFixture()
        let number = "4111111111111111"
        try await f.application().test(.router) { client in
            let kofi = try await client.token("22890112233", "2580")
            let body = #"{"phoneNumber":"22890112233","cardNumber":"4111 1111 1111 1111","expiryMonth":12,"expiryYear":2030,"cvv":"737"}"#
            let linked = try await client.call(.post, "/api/cards", token: kofi, body: body)
            #expect(linked.status == .created && linked.json["last4"] as? String == "1111")
            #expect(!String(describing: linked.json).contains(number))
            let bad = try await client.call(
                .post, "/api/cards", token: kofi, body: body.replacingOccurrences(of: "4111 1111 1111 1111", with: "4111111111111112"))
            #expect(bad.status == .unprocessableContent && bad.errorCode == "invalid_card")
            let ama = try await client.token("22890445566", "4826")
            #expect(try await client.call(.post, "/api/cards", token: ama, body: body).status == .forbidden)
            #expect(try await client.call(.get, "/api/cards/22890112233", token: ama).status == .forbidden)
            let list = try await client.call(.get, "/api/cards/22890112233", token: kofi)
            #expect((list.json["items"] as? [[String: Any]])?.first?["last4"] as? String == "1111")
        }
        // Nothing in the database file holds the number or the CVV in clear.
        let bytes =
            try Data(contentsOf: f.directory.appending(path: "ledger.sqlite"))
            + ((try? Data(contentsOf: f.directory.appending(path: "ledger.sqlite-wal"))) ?? Data())
        #expect(bytes.range(of: Data(number.utf8)) == nil)
        // Rotation: re-sealing moves every card to the new key, and the number still opens.
        let rotated = try CardVault(keys: ["k1": Array(repeating: 1, count: 32), "k2": Array(repeating: 2, count: 32)], currentKeyID: "k2")
        #expect(try await f.money.resealCards(vault: rotated) == 1)
        #expect(try await f.money.cards(msisdn: "22890112233").first?.keyID == "k2")
        #expect(try await f.money.resealCards(vault: rotated) == 0)
    }

    @Test func requestLogsCarryNoQueryValues() async throws {
        let f = try await APIFixture()
        try await f.application().test(.router) { client in
            let kofi = try await client.token("22890112233", "2580")
            _ = try await client.call(.get, "/api/transactions/22890112233?limit=2&cursor=999", token: kofi)
        }
        #expect(f.logText.contains(#""path": /api/transactions/22890112233?limit=***&cursor=***"#))
        #expect(!f.logText.contains("cursor=999"))
    }

    @Test func openAPIDocumentAndRoutesAgree() async throws {
        let f = try await APIFixture()
        let document = try #require(try Yams.load(yaml: f.api.openAPIDocumentText) as? [String: Any])
        let paths = try #require(document["paths"] as? [String: [String: Any]])
        let documented = Set(paths.flatMap { path, operations in operations.keys.map { "\($0.uppercased()) \(path)" } })
        let routed = Set(WalletAPI.routes.map { "\($0.method) \($0.path)" })
        #expect(documented == routed)
        try await f.application().test(.router) { client in
            for route in WalletAPI.routes {
                let uri = route.path.replacingOccurrences(of: "{phoneNumber}", with: "22890112233")
                let method = HTTPRequest.Method(route.method)!
                let answer = try await client.execute(uri: uri, method: method) { $0 }
                // Our handlers answer every refusal with a JSON error code; the router's own 404 has none.
                #expect(answer.status != .notFound || answer.body.readableBytes > 0, "\(route) is documented but not routed")
            }
            let served = try await client.execute(uri: "/openapi.yaml", method: .get) { String(buffer: $0.body) }
            #expect(served.contains("openapi: 3.0.3"))
        }
    }

    @Test func liveServerIssuesTokensAndMovesMoney() async throws {
        let f = try await APIFixture()
        try await f.application().test(.live) { client in
            let kofi = try await client.token("22890112233", "2580")
            let answer = try await client.call(
                .post, "/api/transactions", token: kofi,
                body: #"{"senderPhoneNumber":"22890112233","receiverPhoneNumber":"22890445566","amount":1000,"pin":"2580"}"#)
            #expect(answer.status == .created && answer.json["reference"] as? String != nil)
            #expect(answer.json["amount"] as? Int == 1000 && answer.json["fee"] as? Int == 10 && answer.json["balance"] as? Int == 48_990)
        }
        // Read back from the ledger, not from the answer: the money moved once, with its fee.
        #expect(try await f.money.walletBalance(msisdn: "22890112233") == 48_990)
        #expect(try await f.money.walletBalance(msisdn: "22890445566") == 26_000)
        #expect(try await f.money.ledger.verify().isClean)
    }
}
