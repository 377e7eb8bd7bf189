import AsyncHTTPClient
import Foundation
import Logging
import MobileMoney
import NIOCore
import NIOPosix
import ProviderBridge
import ServiceLifecycle
import Sessions
import TestSupport
import Testing

@testable import GatewayCore
@testable import LineFront
@testable import Serve

/// Graceful shutdown with a step really in flight: an off-net transfer whose credit Flooz holds until
/// the test lets it go. The server must stop accepting, refuse new sessions, wait for that step, and
/// deliver its reply before it closes the connection.
@Suite struct ShutdownTests {
    @Test(.timeLimit(.minutes(1))) func shutdownStopsAcceptingAndFinishesTheStepInFlight() async throws {
        let world = try await GatewayWorld()
        defer { world.remove() }
        let held = HeldCredit()
        // One attempt with a long timeout: the step waits for the held credit, not for a timer.
        var bridge = OffNetBridge.Options()
        bridge.retry = RetryPolicy(
            maxAttempts: 1, attemptTimeout: .seconds(50), baseDelay: .milliseconds(10), maxDelay: .milliseconds(20), deadline: .seconds(50))
        var quiet = Logger(label: "sika.shutdown.test")
        quiet.logLevel = .critical
        let network = ProviderNetwork.inProcess(
            money: world.money, faults: try FaultPlan.parse("timeout=1"), bridgeOptions: bridge, logger: quiet, hang: held.hang)
        var configuration = GatewayConfiguration()
        configuration.helloTimeout = .seconds(120)  // a failure bound on a loaded machine
        configuration.tokens = GatewayWorld.tokens
        configuration.linePort = 0
        configuration.httpPort = 0
        configuration.drainTimeout = .seconds(50)
        let metrics = GatewayMetrics()
        let core = GatewayCore(
            sessions: SessionManager(
                menus: GatewayWorld.menus, money: world.money, idleTimeout: configuration.idleTimeout, offNet: network.bridge),
            configuration: configuration, metrics: metrics, logger: quiet)
        let server = SikaServer(core: core, logger: quiet)
        let group = try server.serviceGroup()
        let running = Task { try await group.run() }
        let (linePort, httpPort) = try await server.waitUntilListening()

        let client = try await LineClient.connect(host: "127.0.0.1", port: linePort)
        try await client.hello(operatorID: "tmoney", token: GatewayWorld.tokens.tokens["tmoney"]!)
        let confirm = try await client.begin(session: "s1", msisdn: "22890112233", dial: "*145*1*2*96112233*5000#")
        #expect(confirm.rendered.contains(#"Total: 5 100 FCFA"#), "\(confirm.rendered)")
        #expect(try await client.reply(session: "s1", input: "1").rendered == "CON s1 Entrez votre code secret:")
        let last = Task { try await client.reply(session: "s1", input: "2580") }

        // The step is in flight: PIN checked, the money held in suspense, Flooz has the credit request.
        await held.arrived.wait()
        #expect(core.stepsInFlight == 1)
        #expect(try await balance(world, "22890112233") == 44_900)
        #expect(try await balance(world, "22896112233") == 30_000)

        let stopped = Task {
            await group.triggerGracefulShutdown()
            try await running.value
        }
        try await waitUntil { core.isDraining }
        // While the step goes on: new sessions get 503, health says draining, the listening socket closes.
        #expect(try await client.begin(session: "s2", msisdn: "22890112233", dial: "*145#").rendered == "ERR s2 503 shutting down")
        let health = try await HTTPClient.forTests.execute(HTTPClientRequest(url: "http://127.0.0.1:\(httpPort)/health"), timeout: .seconds(20))
        #expect(health.status == .serviceUnavailable)
        let refusal = try await firstRefusedConnection(port: linePort)
        #expect(Self.isConnectionRefused(refusal), "\(String(describing: refusal))")
        #expect(core.stepsInFlight == 1, "still waiting for Flooz")

        // Flooz answers: the step completes, its reply reaches the phone, then the server stops.
        guard case .answer(let status, _)? = await held.release() else {
            Issue.record("the held credit was not answered")
            return
        }
        #expect(status == 201)
        let end = try await last.value
        #expect(end.rendered.hasPrefix("END s1 Envoi de 5 000 FCFA vers Flooz (96112233) reussi"), "\(end.rendered)")
        try await stopped.value
        #expect(core.stepsInFlight == 0)
        #expect(try await balance(world, "22890112233") == 44_900)
        #expect(try await balance(world, "22896112233") == 35_000)
        #expect(try await world.money.ledger.account(code: "suspense:tmoney")?.balance == 0, "posted, nothing left pending")
        #expect(try await world.money.pendingOffNet(createdBefore: Int64.max).isEmpty)
        #expect(try await world.money.ledger.verify().isClean)
        await client.close()
    }

    func balance(_ world: GatewayWorld, _ msisdn: String) async throws -> Int64? {
        guard let subscriber = try await world.money.subscriber(msisdn) else { return nil }
        return try await world.money.ledger.account(id: subscriber.accountID)?.balance
    }

    /// Connects until the listener refuses; the bound only turns a listener that never closes into a failure.
    func firstRefusedConnection(port: Int) async throws -> (any Error)? {
        let deadline = ContinuousClock.now + .seconds(20)
        while ContinuousClock.now < deadline {
            do {
                let probe = try await LineClient.connect(host: "127.0.0.1", port: port)
                await probe.close()
                try await Task.sleep(for: .milliseconds(2))
            } catch {
                return error
            }
        }
        return nil
    }

    /// True for the error a client gets from a port nobody listens on.
    static func isConnectionRefused(_ error: (any Error)?) -> Bool {
        if let error = error as? IOError { return error.errnoCode == ECONNREFUSED }
        if let error = error as? NIOConnectionError { return error.connectionErrors.contains { isConnectionRefused($0.error) } }
        return false
    }

    /// Waits until `condition` holds; the bound only turns a hang into a failure.
    func waitUntil(_ condition: () -> Bool) async throws {
        let deadline = ContinuousClock.now + .seconds(20)
        while !condition() {
            guard ContinuousClock.now < deadline else {
                Issue.record("condition not met in time")
                return
            }
            try await Task.sleep(for: .milliseconds(1))
        }
    }
}
