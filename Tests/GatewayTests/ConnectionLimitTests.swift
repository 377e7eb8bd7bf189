import Foundation
import NIOCore
import NIOPosix
import TestSupport
import Testing

@testable import GatewayCore

/// Connection caps, refusals at accept time, and idle timeouts, on the real listeners over real sockets.
@Suite(.serialized) struct ConnectionLimitTests {
    /// The value of one Prometheus series (`name{labels}`) in the exposition, 0 when absent.
    static func metric(_ exposition: String, _ series: String) -> Double {
        for line in exposition.split(separator: "\n") where line.hasPrefix(series + " ") {
            return Double(line.dropFirst(series.count + 1)) ?? -1
        }
        return 0
    }

    /// Thousands of idle connections against caps far lower: the excess is refused at once with
    /// `ERR - 503 too many connections`, counted by reason, the open gauge says how many are held, and the
    /// server still serves a new authenticated session and HTTP.
    @Test func thousandsOfIdleConnectionsAreRefusedCountedAndTheServerStillServes() async throws {
        let budget = FileDescriptorBudget.raised()
        try #require(budget.limit >= 8_000, "this test holds about 7 000 descriptors (both ends of every connection); the limit is \(budget.limit)")
        let world = try await GatewayWorld()
        defer { world.remove() }
        // Its own event loop for the server too: thousands of connections keep it busy for a while.
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        defer { group.shutdownGracefully { _ in } }
        let running = try await RunningServer.start(world, group: group) { configuration in
            configuration.lineConnections = ConnectionLimits(total: 500, perAddress: 400, perOperator: 400)
            configuration.httpConnections = ConnectionLimits(total: 300, perAddress: 200, perOperator: 1)
            configuration.helloTimeout = .seconds(600)
        }
        let core = running.server.core
        let refusal = "ERR - 503 too many connections\n"

        // 3 000 from one address: 400 held (its cap), 2 600 refused.
        let flood = try await RawConnection.connect(3_000, port: running.linePort)
        #expect(await eventually(timeout: .seconds(20)) { flood.filter(\.isClosed).count == 2_600 })
        let refused = flood.filter(\.isClosed)
        #expect(refused.allSatisfy { $0.text == refusal }, "\(Set(refused.map(\.text)))")
        #expect(flood.filter { !$0.isClosed }.allSatisfy { $0.byteCount == 0 })
        #expect(core.lineConnections.openConnections == 400)

        // 200 more from another address: 100 fit under the listener's cap of 500.
        let others = try await RawConnection.connect(200, port: running.linePort, from: "127.0.0.2")
        #expect(await eventually(timeout: .seconds(20)) { others.filter(\.isClosed).count == 100 })
        #expect(others.filter(\.isClosed).allSatisfy { $0.text == refusal })
        #expect(core.lineConnections.openConnections == 500)
        let third = try await RawConnection.connect(port: running.linePort, from: "127.0.0.3")
        #expect(try await third.wait { $0.isClosed } && third.text == refusal, "the listener is full")

        // Room again: a new client gets a session while the flood is still held.
        for connection in others { await connection.close() }
        #expect(await eventually(timeout: .seconds(20)) { core.lineConnections.openConnections == 400 })
        let client = try await RawConnection.connect(port: running.linePort, from: "127.0.0.3")
        try await client.send("HELLO tmoney tm-secret\nBEGIN s1 22890112233 *145#\n")
        #expect(try await client.wait { $0.lines.count >= 2 })
        #expect(client.lines.first == "OK HELLO tmoney" && client.lines.last?.hasPrefix("CON s1 T-Money") == true, "\(client.lines)")

        // HTTP has its own caps: 300 connections from one address, 200 held, 100 closed without a byte.
        let idleHTTP = try await RawConnection.connect(300, port: running.httpPort)
        #expect(await eventually(timeout: .seconds(20)) { idleHTTP.filter(\.isClosed).count == 100 })
        #expect(idleHTTP.filter(\.isClosed).allSatisfy { $0.byteCount == 0 })
        #expect(core.httpConnections.openConnections == 200)

        // And /metrics, asked from another address, says all of it.
        let metrics = try await HTTPExchange.get("/metrics", port: running.httpPort, from: "127.0.0.2")
        #expect(metrics.status == 200)
        #expect(Self.metric(metrics.body, #"sika_connections_refused_total{listener="line",reason="address"}"#) == 2_600)
        #expect(Self.metric(metrics.body, #"sika_connections_refused_total{listener="line",reason="listener"}"#) == 101)
        #expect(Self.metric(metrics.body, #"sika_connections_refused_total{listener="http",reason="address"}"#) == 100)
        #expect(Self.metric(metrics.body, #"sika_connections_open{listener="line"}"#) == 401)
        #expect(Self.metric(metrics.body, #"sika_connections_open{listener="http"}"#) == 201)

        for connection in flood + idleHTTP + [client, third] { await connection.close() }
        #expect(await eventually(timeout: .seconds(20)) { core.lineConnections.openConnections == 0 && core.httpConnections.openConnections == 0 })
        try await running.stop()
    }

    /// Every client behind a trusted proxy comes from the proxy's address: its connections count toward the
    /// HTTP listener's cap only, while any other address keeps its own cap.
    @Test func aTrustedProxyIsExemptFromTheHTTPPerAddressCap() async throws {
        let world = try await GatewayWorld()
        defer { world.remove() }
        let trusted = try TrustedProxies(["127.0.0.1"])
        let running = try await RunningServer.start(world) { configuration in
            configuration.httpConnections = ConnectionLimits(total: 8, perAddress: 2, perOperator: 1)
            configuration.trustedProxies = trusted
        }
        let proxy = try await RawConnection.connect(5, port: running.httpPort, from: "127.0.0.1")
        let other = try await RawConnection.connect(3, port: running.httpPort, from: "127.0.0.2")
        #expect(await eventually(timeout: .seconds(20)) { other.filter(\.isClosed).count == 1 })
        #expect(proxy.allSatisfy { !$0.isClosed })
        #expect(running.server.core.httpConnections.openConnections == 7)
        let exposition = running.server.core.metrics.exposition()
        #expect(Self.metric(exposition, #"sika_connections_refused_total{listener="http",reason="address"}"#) == 1)
        for connection in proxy + other { await connection.close() }
        try await running.stop()
    }

    /// An operator holds at most its share of the line listener: one more `HELLO` is refused with 503 and the
    /// connection closed; the other operator is not affected; a slot freed is usable again.
    @Test func anOperatorBeyondItsCapIsRefusedAtHello() async throws {
        let world = try await GatewayWorld()
        defer { world.remove() }
        let running = try await RunningServer.start(world) { configuration in
            configuration.lineConnections = ConnectionLimits(total: 100, perAddress: 100, perOperator: 2)
        }
        var tmoney: [RawConnection] = []
        for _ in 0..<3 {
            let connection = try await RawConnection.connect(port: running.linePort)
            try await connection.send("HELLO tmoney tm-secret\n")
            #expect(try await connection.wait { $0.lines.count == 1 })
            tmoney.append(connection)
        }
        #expect(tmoney[0].lines == ["OK HELLO tmoney"] && tmoney[1].lines == ["OK HELLO tmoney"])
        #expect(tmoney[2].lines == ["ERR - 503 too many connections for tmoney"])
        #expect(try await tmoney[2].wait { $0.isClosed })
        let flooz = try await RawConnection.connect(port: running.linePort)
        try await flooz.send("HELLO flooz fl-secret\n")
        #expect(try await flooz.wait { $0.lines == ["OK HELLO flooz"] })

        await tmoney[0].close()
        // tmoney[1] and flooz are left (channelInactive, which frees the operator's slot, runs before the close completes).
        #expect(await eventually(timeout: .seconds(20)) { running.server.core.lineConnections.openConnections == 2 })
        let again = try await RawConnection.connect(port: running.linePort)
        try await again.send("HELLO tmoney tm-secret\n")
        #expect(try await again.wait { $0.lines.count == 1 } && again.lines == ["OK HELLO tmoney"], "the closed connection's slot is free again")
        let exposition = running.server.core.metrics.exposition()
        #expect(Self.metric(exposition, #"sika_connections_refused_total{listener="line",reason="operator"}"#) == 1)
        for connection in tmoney + [flooz, again] { await connection.close() }
        try await running.stop()
    }

    /// A line connection that never says `HELLO` is told so and closed once the timeout passed, and counted.
    @Test func anUnauthenticatedLineConnectionIsClosedAfterTheHelloTimeout() async throws {
        let world = try await GatewayWorld()
        defer { world.remove() }
        let running = try await RunningServer.start(world) { $0.helloTimeout = .milliseconds(300) }
        let silent = try await RawConnection.connect(port: running.linePort)
        #expect(try await silent.wait { $0.isClosed })
        #expect(silent.text == "ERR - 401 no HELLO within 0.3 s\n")
        #expect(await eventually(timeout: .seconds(20)) { running.server.core.lineConnections.openConnections == 0 })
        let exposition = running.server.core.metrics.exposition()
        #expect(Self.metric(exposition, #"sika_connections_timed_out_total{listener="line"}"#) == 1)
        try await running.stop()
    }

    /// The timeout applies only before `HELLO`: on the event loop's own clock (no waiting), a connection that
    /// authenticated outlives it, one that did not is closed exactly when it passes.
    @Test func theHelloTimeoutSparesAnAuthenticatedConnection() async throws {
        let world = try await GatewayWorld()
        defer { world.remove() }
        let core = world.core { $0.helloTimeout = .seconds(10) }
        let silent = try await LineHarness(core: core)
        let greeted = try await LineHarness(core: core)
        try await greeted.hello()
        await silent.channel.testingEventLoop.advanceTime(by: .seconds(9))
        #expect(try await silent.isQuiet() && silent.channel.isActive)
        await silent.channel.testingEventLoop.advanceTime(by: .seconds(1))
        #expect(try await silent.next() == "ERR - 401 no HELLO within 10 s")
        #expect(await eventually(timeout: .seconds(20)) { !silent.channel.isActive })

        await greeted.channel.testingEventLoop.advanceTime(by: .seconds(60))
        #expect(try await greeted.ask("PING 1") == "PONG 1")
        #expect(greeted.channel.isActive)
        try await silent.close()
        try await greeted.close()
    }

    /// With authentication off (`--no-auth`, local play) there is no `HELLO` to wait for, so no timeout.
    @Test func withoutAuthenticationThereIsNoHelloTimeout() async throws {
        let world = try await GatewayWorld()
        defer { world.remove() }
        let core = world.core {
            $0.requireAuthentication = false
            $0.helloTimeout = .seconds(10)
        }
        let connection = try await LineHarness(core: core)
        await connection.channel.testingEventLoop.advanceTime(by: .seconds(60))
        #expect(try await connection.ask("PING 1") == "PONG 1")
        #expect(connection.channel.isActive)
        try await connection.close()
    }

    /// An HTTP keep-alive connection with nothing in progress is closed after the idle timeout, and so is
    /// one that never sent a request.
    @Test func idleHTTPConnectionsAreClosed() async throws {
        let world = try await GatewayWorld()
        defer { world.remove() }
        let running = try await RunningServer.start(world) { $0.httpIdleTimeout = .milliseconds(300) }
        // A loaded machine may read the request only after the 300 ms, and then rightly close the connection
        // first: that is the timeout working too, and the keep-alive case is tried again on a new connection.
        var keepAlive = try await RawConnection.connect(port: running.httpPort)
        for _ in 0..<20 {
            try await keepAlive.send("GET /health HTTP/1.1\r\nHost: sika\r\n\r\n")
            _ = try await keepAlive.wait { $0.text.hasSuffix("ok\n") || $0.isClosed }
            if keepAlive.text.hasSuffix("ok\n") { break }
            await keepAlive.close()
            keepAlive = try await RawConnection.connect(port: running.httpPort)
        }
        #expect(keepAlive.text.hasSuffix("ok\n"))
        #expect(keepAlive.text.hasPrefix("HTTP/1.1 200"))
        let silent = try await RawConnection.connect(port: running.httpPort)
        #expect(try await keepAlive.wait { $0.isClosed }, "the keep-alive connection stayed open")
        #expect(try await silent.wait { $0.isClosed }, "the silent connection stayed open")
        #expect(await eventually(timeout: .seconds(20)) { running.server.core.httpConnections.openConnections == 0 })
        try await running.stop()
    }
}
