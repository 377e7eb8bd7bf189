import AsyncHTTPClient
import Foundation
import GatewayCore
import Logging
import MobileMoney
import NIOCore
import NIOHTTP1
import ScriptTargets
import Serve
import ServiceLifecycle
import Sessions
import Simulator
import TestSupport

/// `sika serve` in this process on ephemeral ports, with or without the web simulator, over a fresh demo world.
struct SimulatorHarness {
    let world: TestWorld
    let core: GatewayCore
    let network: SimulatedNetwork?
    let server: SikaServer
    let group: ServiceGroup
    let task: Task<Void, any Error>
    let httpPort: Int

    /// - Parameters:
    ///   - offNet: the in-process provider simulators of the session scripts, for transfers to the other network.
    ///   - idleTimeout: how long a session may wait for an answer.
    static func start(
        simulator: Bool = true, limits: SimulatedNetwork.Limits = .init(), offNet: Bool = false, idleTimeout: Duration = .seconds(180)
    ) async throws -> SimulatorHarness {
        // The seeding's receipts are not part of any test's conversation.
        let world = try await TestWorld.make(markSeedSMSDelivered: true)
        var configuration = GatewayConfiguration()
        configuration.helloTimeout = .seconds(120)  // a failure bound on a loaded machine
        configuration.linePort = 0
        configuration.httpPort = 0
        configuration.smsPollInterval = .milliseconds(50)
        configuration.tokens = OperatorTokens(tokens: ["tmoney": "tm-secret", "flooz": "fl-secret"])
        configuration.idleTimeout = idleTimeout
        let logger = Logger.quiet("sika.simulator.test")
        let bridge = offNet ? try InProcessTarget.scriptNetwork(money: world.money, logger: logger).bridge : nil
        let core = GatewayCore(
            sessions: SessionManager(menus: Shipped.menus, money: world.money, idleTimeout: idleTimeout, offNet: bridge),
            configuration: configuration, logger: logger)
        let contacts = Shipped.world.subscribers.map { SimulatedNetwork.Contact(msisdn: $0.msisdn, name: $0.name, operatorID: "tmoney") }
        let network = simulator ? SimulatedNetwork(core: core, contacts: contacts, limits: limits) : nil
        let server = SikaServer(core: core, simulator: network, logger: logger)
        let group = try server.serviceGroup()
        let task = Task { try await group.run() }
        let (_, http) = try await server.waitUntilListening()
        return SimulatorHarness(world: world, core: core, network: network, server: server, group: group, task: task, httpPort: http)
    }

    func stop() async throws {
        await group.triggerGracefulShutdown()
        try await task.value
    }

    /// One request; the status and the body as text.
    func request(_ method: HTTPMethod, _ path: String, json: String? = nil, contentType: String? = "application/json") async throws -> (
        status: Int, body: String, headers: [String: String]
    ) {
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(httpPort)\(path)")
        request.method = method
        if let json {
            if let contentType { request.headers.add(name: "Content-Type", value: contentType) }
            request.body = .bytes(ByteBuffer(string: json))
        }
        let response = try await HTTPClient.forTests.execute(request, timeout: .seconds(30))
        let body = try await response.body.collect(upTo: 1 << 20)
        var headers: [String: String] = [:]
        for header in response.headers { headers[header.name.lowercased()] = header.value }
        return (Int(response.status.code), String(buffer: body), headers)
    }

    /// The body's JSON object.
    func object(_ method: HTTPMethod, _ path: String, json: String? = nil) async throws -> (status: Int, object: [String: Any]) {
        let (status, body, _) = try await request(method, path, json: json)
        let object = (try? JSONSerialization.jsonObject(with: Data(body.utf8))) as? [String: Any] ?? [:]
        return (status, object)
    }
}
