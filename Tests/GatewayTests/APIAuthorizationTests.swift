import Crypto
import Foundation
import HTTPServerSupport
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import JSONAPI
import Logging
import MobileMoney
import TestSupport
import Testing

/// Who may call what, for every route of the JSON API, generated from `WalletAPI.routes`: each route
/// that reads or moves a subscriber's money refuses every credential but the owner's (another
/// subscriber's valid token first of all), each admin route refuses everything but the admin
/// credential, and no refusal moves or changes anything. A route added without a case here fails.
@Suite struct APIAuthorizationTests {
    /// Whose credential a route asks for.
    enum Access: Sendable {
        /// No credential: the token exchange and the OpenAPI document.
        case open
        /// The owner's session token; another subscriber's valid token gets this documented refusal.
        case subscriber(refusal: HTTPResponse.Status, code: String)
        /// The admin bearer credential.
        case admin
    }

    /// A request exactly as its rightful caller would send it, valid in every field: a refusal can only
    /// come from the credential.
    struct Call: Sendable {
        var method: HTTPRequest.Method
        var uri: String
        var body: String? = nil
        var key: String? = nil
    }

    /// What the world holds before a route is tried: ids the requests refer to.
    struct Setup: Sendable {
        /// The victim's off-net transfer.
        let offNetID: Int64
        /// The receipt reference of the victim's on-net transfer.
        let reference: String
    }

    struct Case: Sendable {
        let access: Access
        /// Runs after the common setup (e.g. blocks the subscriber an unblock acts on).
        var prepare: @Sendable (APIFixture) async throws -> Void = { _ in }
        let call: @Sendable (Setup) -> Call
    }

    static let victim = "22890112233"  // Kofi, T-Money, PIN 2580
    static let victimPin = "2580"
    static let attacker = "22890445566"  // Ama, T-Money, PIN 4826: a real subscriber with a real token
    static let attackerPin = "4826"
    static let bystander = "22891234567"  // Yao: the subscriber the admin routes act on
    static let secret: [UInt8] = Array(repeating: 7, count: 32)

    static let forbidden = Access.subscriber(refusal: .forbidden, code: "forbidden")

    /// One case per route of `WalletAPI.routes`, keyed "METHOD path".
    static let cases: [String: Case] = [
        "POST /api/auth/token": Case(access: .open) { _ in
            Call(method: .post, uri: "/api/auth/token", body: #"{"phoneNumber":"\#(victim)","pin":"\#(victimPin)"}"#)
        },
        "GET /openapi.yaml": Case(access: .open) { _ in Call(method: .get, uri: "/openapi.yaml") },
        "POST /api/transactions": Case(access: forbidden) { _ in
            Call(
                method: .post, uri: "/api/transactions",
                body: #"{"senderPhoneNumber":"\#(victim)","receiverPhoneNumber":"\#(attacker)","amount":1000,"pin":"\#(victimPin)"}"#,
                key: "authz-transaction")
        },
        "GET /api/transactions/{phoneNumber}": Case(access: forbidden) { _ in Call(method: .get, uri: "/api/transactions/\(victim)") },
        "POST /api/verify-balance": Case(access: forbidden) { _ in
            Call(method: .post, uri: "/api/verify-balance", body: #"{"phoneNumber":"\#(victim)","amount":1}"#)
        },
        "POST /api/transfer": Case(access: forbidden) { _ in
            Call(
                method: .post, uri: "/api/transfer",
                body:
                    #"{"senderPhoneNumber":"\#(victim)","receiverPhoneNumber":"22896112233","amount":1000,"fromService":"tmoney","toService":"flooz","pin":"\#(victimPin)"}"#,
                key: "authz-offnet")
        },
        // Someone else's transfer answers exactly like a missing one: ids are not an oracle.
        "GET /api/transfers/{id}": Case(access: .subscriber(refusal: .notFound, code: "unknown_transfer")) { setup in
            Call(method: .get, uri: "/api/transfers/\(setup.offNetID)")
        },
        "POST /api/cards": Case(access: forbidden) { _ in
            Call(
                method: .post, uri: "/api/cards",
                body: #"{"phoneNumber":"\#(victim)","cardNumber":"4111111111111111","expiryMonth":12,"expiryYear":2030,"cvv":"737"}"#)
        },
        "GET /api/cards/{phoneNumber}": Case(access: forbidden) { _ in Call(method: .get, uri: "/api/cards/\(victim)") },
        "GET /api/subscribers/{phoneNumber}/email": Case(access: forbidden) { _ in
            Call(method: .get, uri: "/api/subscribers/\(victim)/email")
        },
        "PUT /api/subscribers/{phoneNumber}/email": Case(access: forbidden) { _ in
            Call(method: .put, uri: "/api/subscribers/\(victim)/email", body: #"{"address":"attacker@example.com"}"#)
        },
        "DELETE /api/subscribers/{phoneNumber}/email": Case(access: forbidden) { _ in
            Call(method: .delete, uri: "/api/subscribers/\(victim)/email")
        },
        "POST /api/subscribers/{phoneNumber}/email/verify": Case(
            access: forbidden,
            prepare: { f in try await f.money.setVerifiedEmail(msisdn: victim, EmailContact(address: "victim@example.com")) }
        ) { _ in
            Call(method: .post, uri: "/api/subscribers/\(victim)/email/verify", body: #"{"code":"123456"}"#)
        },
        "POST /api/admin/demo/reset": Case(access: .admin) { _ in Call(method: .post, uri: "/api/admin/demo/reset") },
        "POST /api/admin/cashin": Case(access: .admin) { _ in
            Call(method: .post, uri: "/api/admin/cashin", body: #"{"phoneNumber":"\#(bystander)","amount":1000}"#, key: "authz-cashin")
        },
        "POST /api/admin/reversals": Case(access: .admin) { setup in
            Call(method: .post, uri: "/api/admin/reversals", body: #"{"reference":"\#(setup.reference)"}"#)
        },
        "POST /api/admin/subscribers/{phoneNumber}/block": Case(access: .admin) { _ in
            Call(method: .post, uri: "/api/admin/subscribers/\(bystander)/block")
        },
        "POST /api/admin/subscribers/{phoneNumber}/unblock": Case(
            access: .admin, prepare: { f in try await f.money.setBlocked(msisdn: bystander, true) }
        ) { _ in
            Call(method: .post, uri: "/api/admin/subscribers/\(bystander)/unblock")
        },
    ]

    static let routeKeys = WalletAPI.routes.map { "\($0.method) \($0.path)" }

    @Test func everyRouteHasAnAuthorizationCaseAndEveryCaseARoute() {
        #expect(Set(Self.cases.keys) == Set(Self.routeKeys), "add the new route to APIAuthorizationTests.cases")
    }

    @Test(arguments: routeKeys)
    func onlyTheRightCredentialGetsThrough(route: String) async throws {
        guard let testCase = Self.cases[route] else {
            Issue.record("\(route) has no authorization case: add one to APIAuthorizationTests.cases")
            return
        }
        let f = try await APIFixture()
        var configuration = try APIConfiguration(jwtSecret: Self.secret, adminToken: APIFixture.adminToken)
        // Dozens of requests from one test client: the rate limits are not what is under test here.
        configuration.perClientBurst = 10_000
        configuration.perSubscriberBurst = 10_000
        var quiet = Logger(label: "sika.api.authz")
        quiet.logLevel = .warning
        var api = await WalletAPI(
            money: f.money, configuration: configuration, openAPIDocument: f.api.openAPIDocumentText, cardVault: f.vault,
            offNet: f.network.bridge, logger: quiet)
        // As `serve --demo` wires it: the world file restored into this ledger.
        let money = f.money
        api.demoRestore = { try await Shipped.world.restore(into: money) }
        let onNet = try await f.money.transfer(from: Self.victim, to: Self.attacker, amount: 2000, pin: Self.victimPin, idempotencyKey: "setup-1")
        let offNet = try await f.network.bridge.send(
            from: Self.victim, to: "22896112233", amount: 1000, pin: Self.victimPin, idempotencyKey: "setup-2")
        try await testCase.prepare(f)
        let call = testCase.call(Setup(offNetID: offNet.transfer.transferID, reference: onNet.reference))

        let router = Router(context: SikaRequestContext.self)
        api.register(on: router)
        try await Application(router: router, logger: quiet).test(.router) { client in
            switch testCase.access {
            case .open:
                let answer = try await client.send(call, authorization: nil)
                #expect((200..<300).contains(answer.status.code), "\(route) is open: \(answer.status)")

            case .subscriber(let refusal, let code):
                let attackerToken = try await client.token(Self.attacker, Self.attackerPin)
                let before = try await Self.snapshot(f)
                let unauthorized = (HTTPResponse.Status.unauthorized, "unauthorized")
                let credentials: [(String, String?, (HTTPResponse.Status, String))] = [
                    ("another subscriber's valid token", "Bearer \(attackerToken)", (refusal, code)),
                    ("no Authorization header", nil, unauthorized),
                    ("a bearer that is not a JWT", "Bearer not.a.token", unauthorized),
                    ("the victim's claims under the attacker's signature", "Bearer \(Self.resigned(attackerToken, as: Self.victim))", unauthorized),
                    (
                        "the victim's claims signed with another key", "Bearer \(Self.mint(Self.victim, key: Array(repeating: 8, count: 32)))",
                        unauthorized
                    ),
                    ("an unsigned token (alg none)", "Bearer \(Self.unsigned(Self.victim))", unauthorized),
                    ("the victim's own token, expired", "Bearer \(Self.mint(Self.victim, expiresIn: -60))", unauthorized),
                    ("the admin credential", "Bearer \(APIFixture.adminToken)", unauthorized),
                    ("the victim's valid token in another scheme", "Token \(Self.mint(Self.victim))", unauthorized),
                ]
                for (name, authorization, (status, code)) in credentials {
                    let answer = try await client.send(call, authorization: authorization)
                    #expect(answer.status == status && answer.errorCode == code, "\(route) with \(name): \(answer.status) \(answer.json)")
                    #expect(Set(answer.json.keys) == ["error"], "\(route) with \(name) must show nothing but the error")
                }
                if route == "GET /api/transfers/{id}" {
                    let theirs = try await client.send(call, authorization: "Bearer \(attackerToken)")
                    let missing = try await client.send(Call(method: .get, uri: "/api/transfers/999999"), authorization: "Bearer \(attackerToken)")
                    #expect(theirs.status == missing.status && Self.canonical(theirs.json) == Self.canonical(missing.json))
                }
                #expect(try await Self.snapshot(f) == before, "\(route): a refused request changed the world")
                // The same request with the owner's token (minted like the refused ones, only valid) goes through.
                let owner = try await client.send(call, authorization: "Bearer \(Self.mint(Self.victim))")
                #expect((200..<300).contains(owner.status.code), "\(route) with the owner's token: \(owner.status) \(owner.json)")

            case .admin:
                let admin = APIFixture.adminToken
                let before = try await Self.snapshot(f)
                let credentials: [(String, String?)] = [
                    ("no Authorization header", nil),
                    ("a subscriber's valid token", "Bearer \(Self.mint(Self.victim))"),
                    ("the bystander's own valid token", "Bearer \(Self.mint(Self.bystander))"),
                    ("a wrong admin token of the same length", "Bearer \(admin.dropLast())\(admin.last == "x" ? "y" : "x")"),
                    ("the admin token with a suffix", "Bearer \(admin)x"),
                    ("a prefix of the admin token", "Bearer \(admin.prefix(16))"),
                    ("the admin token without the Bearer scheme", admin),
                    ("an empty bearer", "Bearer "),
                ]
                for (name, authorization) in credentials {
                    let answer = try await client.send(call, authorization: authorization)
                    #expect(answer.status == .unauthorized && answer.errorCode == "unauthorized", "\(route) with \(name): \(answer.status)")
                    #expect(Set(answer.json.keys) == ["error"])
                }
                #expect(try await Self.snapshot(f) == before, "\(route): a refused request changed the world")
                let granted = try await client.send(call, authorization: "Bearer \(admin)")
                #expect((200..<300).contains(granted.status.code), "\(route) with the admin token: \(granted.status) \(granted.json)")
            }
        }
    }

    // MARK: World state

    /// Every balance, daily count, subscriber status and row count a request could change.
    static func snapshot(_ f: APIFixture) async throws -> [String] {
        try await WorldSnapshot.take(ledgerIn: f.directory)
    }

    static func canonical(_ json: [String: Any]) -> String {
        (try? JSONSerialization.data(withJSONObject: json, options: [.sortedKeys])).map { String(decoding: $0, as: UTF8.self) } ?? ""
    }

    // MARK: Tokens made by hand, as an attacker would

    static func base64URL(_ data: some DataProtocol) -> String {
        Data(data).base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    static func claims(_ subject: String, expiresIn seconds: Int) -> String {
        let now = Int(Date().timeIntervalSince1970)
        return base64URL(Data(#"{"sub":"\#(subject)","exp":\#(now + seconds),"iat":\#(now - 1)}"#.utf8))
    }

    /// An HS256 token for `subject`, signed with `key` (the API's own secret unless told otherwise).
    static func mint(_ subject: String, expiresIn seconds: Int = 600, key: [UInt8] = APIAuthorizationTests.secret) -> String {
        let header = base64URL(Data(#"{"alg":"HS256","typ":"JWT"}"#.utf8))
        let signingInput = header + "." + claims(subject, expiresIn: seconds)
        let signature = HMAC<SHA256>.authenticationCode(for: Data(signingInput.utf8), using: SymmetricKey(data: key))
        return signingInput + "." + base64URL(Data(signature))
    }

    /// `token` with its claims swapped for `subject`'s, keeping the original signature.
    static func resigned(_ token: String, as subject: String) -> String {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        return [String(parts[0]), claims(subject, expiresIn: 600), String(parts[2])].joined(separator: ".")
    }

    /// A token that claims to need no signature.
    static func unsigned(_ subject: String) -> String {
        base64URL(Data(#"{"alg":"none","typ":"JWT"}"#.utf8)) + "." + claims(subject, expiresIn: 600) + "."
    }
}

extension TestClientProtocol {
    /// Sends `call` with exactly this `Authorization` header value (none when nil).
    func send(_ call: APIAuthorizationTests.Call, authorization: String?) async throws -> Answer {
        var headers: HTTPFields = [.contentType: "application/json"]
        if let authorization { headers[.authorization] = authorization }
        if let key = call.key { headers[HTTPField.Name("Idempotency-Key")!] = key }
        return try await execute(uri: call.uri, method: call.method, headers: headers, body: call.body.map { ByteBuffer(string: $0) }) { response in
            let json = (try? JSONSerialization.jsonObject(with: Data(buffer: response.body))) as? [String: Any] ?? [:]
            return Answer(status: response.status, headers: response.headers, json: json)
        }
    }
}
