import Foundation
import GatewayCore
import JSONAPI
import Logging
import Testing

/// The JSON API's per-client rate limit is per client: two clients from two addresses on a live server,
/// and `X-Forwarded-For` believed only from a trusted proxy.
@Suite struct ClientAddressTests {
    /// A live server with the API; each client may send 3 requests (and gets practically nothing back).
    func start(_ world: GatewayWorld, trusting proxies: [String] = []) async throws -> RunningServer {
        var configuration = try APIConfiguration(jwtSecret: Array(repeating: 7, count: 32), adminToken: "admin-token-for-tests-0123456789")
        configuration.perClientBurst = 3
        configuration.perClientPerSecond = 0.001
        var quiet = Logger(label: "sika.api.test")
        quiet.logLevel = .critical
        let api = await WalletAPI(money: world.money, configuration: configuration, openAPIDocument: "openapi: 3.0.3\n", logger: quiet)
        let trusted = try TrustedProxies(proxies)
        return try await RunningServer.start(world, api: api) { $0.trustedProxies = trusted }
    }

    /// The status of one API request (unauthenticated: 401 unless the client is rate limited).
    func status(_ running: RunningServer, from source: String, forwardedFor: String? = nil) async throws -> Int {
        let headers = forwardedFor.map { ["X-Forwarded-For": $0] } ?? [:]
        let answer = try await HTTPExchange.get("/api/transfers/1", port: running.httpPort, from: source, headers: headers)
        if answer.status == 429 { #expect(answer.headers["retry-after"] != nil) }
        return answer.status
    }

    @Test func exhaustingOneClientsBucketDoesNotLimitAnother() async throws {
        let world = try await GatewayWorld()
        defer { world.remove() }
        let running = try await start(world)
        for _ in 0..<3 { #expect(try await status(running, from: "127.0.0.1") == 401) }
        #expect(try await status(running, from: "127.0.0.1") == 429)
        #expect(try await status(running, from: "127.0.0.2") == 401, "another client has its own bucket")
        #expect(try await status(running, from: "127.0.0.1") == 429)
        try await running.stop()
    }

    @Test func forwardedForIsIgnoredByDefault() async throws {
        let world = try await GatewayWorld()
        defer { world.remove() }
        let running = try await start(world)
        for i in 0..<3 { #expect(try await status(running, from: "127.0.0.1", forwardedFor: "10.0.0.\(i)") == 401) }
        // A header anyone can write does not buy a new bucket.
        #expect(try await status(running, from: "127.0.0.1", forwardedFor: "10.0.0.9") == 429)
        try await running.stop()
    }

    @Test func forwardedForIsHonouredFromATrustedProxyOnly() async throws {
        let world = try await GatewayWorld()
        defer { world.remove() }
        let running = try await start(world, trusting: ["127.0.0.1", "10.1.0.0/16"])
        for _ in 0..<3 { #expect(try await status(running, from: "127.0.0.1", forwardedFor: "10.0.0.1") == 401) }
        #expect(try await status(running, from: "127.0.0.1", forwardedFor: "10.0.0.1") == 429)
        // Another client behind the same proxy.
        #expect(try await status(running, from: "127.0.0.1", forwardedFor: "10.0.0.2") == 401)
        // What the client wrote left of the proxy's entry is not believed: this is still 10.0.0.1.
        #expect(try await status(running, from: "127.0.0.1", forwardedFor: "10.0.0.2, 10.0.0.1") == 429)
        // Through a second trusted proxy (10.1.2.3), the client is the right-most untrusted address.
        #expect(try await status(running, from: "127.0.0.1", forwardedFor: "10.0.0.1, 10.1.2.3") == 429)
        // A peer that is not a trusted proxy is its own client, whatever it says.
        for i in 0..<3 { #expect(try await status(running, from: "127.0.0.2", forwardedFor: "10.0.0.\(20 + i)") == 401) }
        #expect(try await status(running, from: "127.0.0.2", forwardedFor: "10.0.0.30") == 429)
        try await running.stop()
    }

    @Test func theClientIsTheRightMostUntrustedAddress() throws {
        let proxies = try TrustedProxies(["10.0.0.0/8", "::1", "192.168.1.7"])
        #expect(proxies.client(peer: "203.0.113.9", forwardedFor: ["198.51.100.1"]) == "203.0.113.9", "untrusted peer")
        #expect(proxies.client(peer: "10.2.3.4", forwardedFor: []) == "10.2.3.4", "a proxy that names nobody is the client")
        #expect(proxies.client(peer: "10.2.3.4", forwardedFor: ["198.51.100.1"]) == "198.51.100.1")
        #expect(proxies.client(peer: "::1", forwardedFor: ["1.2.3.4, 198.51.100.1", "192.168.1.7"]) == "198.51.100.1", "headers in order")
        #expect(proxies.client(peer: "::ffff:10.0.0.1", forwardedFor: ["::ffff:198.51.100.1"]) == "198.51.100.1", "mapped IPv4")
        #expect(proxies.client(peer: "10.0.0.1", forwardedFor: ["2001:db8::1, 10.9.9.9"]) == "2001:db8::1")
        #expect(proxies.client(peer: "10.0.0.1", forwardedFor: ["10.0.0.2, 10.0.0.3"]) == "10.0.0.2", "only proxies: the left-most")
        #expect(proxies.client(peer: "10.0.0.1", forwardedFor: ["unknown"]) == "10.0.0.1", "garbage is not an address")
        #expect(!proxies.contains("11.0.0.1") && proxies.contains("10.255.0.1") && !proxies.contains("192.168.1.8"))
        #expect(TrustedProxies.none.client(peer: "127.0.0.1", forwardedFor: ["1.2.3.4"]) == "127.0.0.1")
        for bad in ["proxy.example", "10.0.0.0/33", "::1/129", "10.0.0.1/x", ""] {
            #expect(throws: TrustedProxiesError.self) { try TrustedProxies([bad]) }
        }
    }
}
