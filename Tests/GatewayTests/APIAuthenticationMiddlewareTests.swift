import Foundation
import HTTPServerSupport
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import JSONAPI
import Logging
import Synchronization
import Testing

/// The authentication middleware of the API's route groups, through routes registered in those groups
/// exactly as `WalletAPI.register` registers its own: a refused credential never reaches the handler, an
/// accepted one reaches it with its subject in the typed context, and a subscriber or admin context cannot
/// be had without its middleware.
@Suite struct APIAuthenticationMiddlewareTests {
    /// How many times a probe handler ran.
    final class Probe: Sendable {
        private let count = Atomic<Int>(0)
        func hit() { count.add(1, ordering: .relaxed) }
        var hits: Int { count.load(ordering: .relaxed) }
    }

    static let kofi = "22890112233"
    static let ama = "22890445566"

    /// Credentials the subscriber group must refuse with 401 `unauthorized`.
    static let refusedBySubscriberGroup: [(String, String?)] = [
        ("no Authorization header", nil),
        ("a bearer that is not a JWT", "Bearer not.a.token"),
        ("an expired token", "Bearer \(APIAuthorizationTests.mint(kofi, expiresIn: -60))"),
        ("a token signed with another key", "Bearer \(APIAuthorizationTests.mint(kofi, key: Array(repeating: 8, count: 32)))"),
        ("an unsigned token", "Bearer \(APIAuthorizationTests.unsigned(kofi))"),
        ("the admin credential", "Bearer \(APIFixture.adminToken)"),
        ("a valid token in another scheme", "Token \(APIAuthorizationTests.mint(kofi))"),
    ]

    @Test func subscriberRoutesRunOnlyForAValidTokenAndSeeItsSubject() async throws {
        let f = try await APIFixture()
        let probe = Probe()
        let router = Router(context: SikaRequestContext.self)
        f.api.routeGroups(on: router).subscriber.post("probe") { _, context in
            probe.hit()
            return context.subject.msisdn
        }
        try await Application(router: router, logger: f.logs.logger(label: "http")).test(.router) { client in
            for (name, authorization) in Self.refusedBySubscriberGroup {
                let answer = try await client.send(
                    APIAuthorizationTests.Call(method: .post, uri: "/api/probe", body: "{}"), authorization: authorization)
                #expect(answer.status == .unauthorized && answer.errorCode == "unauthorized", "\(name): \(answer.status)")
                #expect(Set(answer.json.keys) == ["error"], "\(name)")
            }
            #expect(probe.hits == 0, "a refused request reached the handler")

            for subscriber in [Self.kofi, Self.ama] {
                let body = try await client.execute(
                    uri: "/api/probe", method: .post, headers: [.authorization: "Bearer \(APIAuthorizationTests.mint(subscriber))"]
                ) { response in
                    #expect(response.status == .ok)
                    return String(buffer: response.body)
                }
                #expect(body == subscriber)
            }
            #expect(probe.hits == 2)
        }
        // The request log sits outside the authentication: refusals are logged like any answer.
        let lines = f.logText.split(separator: "\n")
        #expect(lines.contains { $0.contains(#""path": /api/probe"#) && $0.contains(#""status": 401"#) })
    }

    @Test func adminRoutesRefuseSubscribersTokensBeforeTheHandler() async throws {
        let f = try await APIFixture()
        let probe = Probe()
        let router = Router(context: SikaRequestContext.self)
        f.api.routeGroups(on: router).admin.post("probe") { _, _ in
            probe.hit()
            return "admin"
        }
        try await Application(router: router, logger: f.logs.logger(label: "http")).test(.router) { client in
            let kofiToken = APIAuthorizationTests.mint(Self.kofi)
            let refused: [(String, String?)] = [
                ("no Authorization header", nil),
                ("a subscriber's valid token", "Bearer \(kofiToken)"),
                ("a wrong admin token", "Bearer \(APIFixture.adminToken.dropLast())"),
                ("the admin token without the scheme", APIFixture.adminToken),
            ]
            for (name, authorization) in refused {
                let answer = try await client.send(
                    APIAuthorizationTests.Call(method: .post, uri: "/api/admin/probe", body: "{}"), authorization: authorization)
                #expect(answer.status == .unauthorized && answer.errorCode == "unauthorized", "\(name): \(answer.status)")
            }
            #expect(probe.hits == 0, "a refused request reached the handler")
            let granted = try await client.send(
                APIAuthorizationTests.Call(method: .post, uri: "/api/admin/probe"), authorization: "Bearer \(APIFixture.adminToken)")
            #expect(granted.status == .ok && probe.hits == 1)
        }
    }

    @Test func openRoutesNeedNoCredentialAndCarryNone() async throws {
        let f = try await APIFixture()
        let router = Router(context: SikaRequestContext.self)
        f.api.routeGroups(on: router).open.get("probe") { _, context in
            context.authentication == nil ? "nobody" : "somebody"
        }
        try await Application(router: router, logger: f.logs.logger(label: "http")).test(.router) { client in
            for authorization in [nil, "Bearer \(APIAuthorizationTests.mint(Self.kofi))", "Bearer \(APIFixture.adminToken)"] {
                var headers: HTTPFields = [:]
                if let authorization { headers[.authorization] = authorization }
                let body = try await client.execute(uri: "/api/probe", method: .get, headers: headers) { String(buffer: $0.body) }
                // An open route does not even look at the credential.
                #expect(body == "nobody")
            }
        }
    }

    /// The typed contexts are the guarantee: a route given a subscriber or admin context without the
    /// middleware that authenticates it refuses everyone, the right credential included.
    @Test func aSubscriberOrAdminContextCannotBeHadWithoutItsMiddleware() async throws {
        let probe = Probe()
        let router = Router(context: SikaRequestContext.self)
        let bare = router.group("bare", context: APIRequestContext.self)
        bare.group(context: SubscriberRequestContext.self).get("subscriber") { _, _ in
            probe.hit()
            return "ran"
        }
        bare.group(context: AdminRequestContext.self).get("admin") { _, _ in
            probe.hit()
            return "ran"
        }
        var quiet = Logger(label: "test")
        quiet.logLevel = .warning
        try await Application(router: router, logger: quiet).test(.router) { client in
            for (uri, authorization) in [
                ("/bare/subscriber", "Bearer \(APIAuthorizationTests.mint(Self.kofi))"), ("/bare/admin", "Bearer \(APIFixture.adminToken)"),
            ] {
                let answer = try await client.send(APIAuthorizationTests.Call(method: .get, uri: uri), authorization: authorization)
                #expect(answer.status == .unauthorized && answer.errorCode == "unauthorized", "\(uri): \(answer.status)")
            }
        }
        #expect(probe.hits == 0)
    }
}
