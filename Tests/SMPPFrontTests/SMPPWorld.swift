import AsyncHTTPClient
import Foundation
import GatewayCore
import Ledger
import Logging
import NIOCore
import NIOHTTP1
import Operators
import SMPP
import SMPPFront
import Serve
import ServiceLifecycle
import Sessions
import Simulator
import TestSupport

/// `sika serve` in this process on ephemeral ports, as a simulated operator network with its SMPP server (and
/// optionally as an ESME of another SMSC): a fresh demo world, the web simulator's HTTP API, ESME accounts.
final class SMPPWorld: Sendable {
    static let shop = ESMEAccount(systemID: "shop", password: "shop-pw", shortCodes: ["8080"], ussdCodes: ["*384#"])
    static let quiet = ESMEAccount(systemID: "quiet", password: "quiet-pw", shortCodes: ["8090"], ussdCodes: ["*390#"])

    let world: TestWorld
    let core: GatewayCore
    let network: SimulatedNetwork
    let smpp: SMPPServerFront?
    let client: SMPPClientFront?
    let group: ServiceGroup
    let task: Task<Void, any Error>
    let httpPort: Int
    let linePort: Int

    var smppPort: Int { smpp?.port ?? 0 }

    private init(
        world: TestWorld, core: GatewayCore, network: SimulatedNetwork, smpp: SMPPServerFront?, client: SMPPClientFront?, group: ServiceGroup,
        task: Task<Void, any Error>, ports: (line: Int, http: Int)
    ) {
        self.world = world
        self.core = core
        self.network = network
        self.smpp = smpp
        self.client = client
        self.group = group
        self.task = task
        self.linePort = ports.line
        self.httpPort = ports.http
    }

    /// - Parameters:
    ///   - accounts: the ESME accounts of the SMPP server; nil runs no SMPP server.
    ///   - links: binds of this world, as the mobile-money service, to other SMSCs.
    static func start(
        accounts: [ESMEAccount]? = [shop, quiet], configure: (inout SMPPServerFront.Configuration) -> Void = { _ in },
        links: [SMPPLinkConfiguration] = [], policy: SMSDeliveryPolicyChoice = .standard, clock: TestClock? = nil
    ) async throws -> SMPPWorld {
        let logger = Logger.quiet("sika.smpp.test")
        let world = try await TestWorld.make(markSeedSMSDelivered: true, clock: clock)
        var configuration = GatewayConfiguration()
        configuration.helloTimeout = .seconds(120)  // a failure bound on a loaded machine
        configuration.linePort = 0
        configuration.httpPort = 0
        configuration.smsPollInterval = .milliseconds(50)
        configuration.tokens = OperatorTokens(tokens: ["tmoney": "tm-secret", "flooz": "fl-secret"])
        let core = GatewayCore(sessions: SessionManager(menus: Shipped.menus, money: world.money), configuration: configuration, logger: logger)
        let network = SimulatedNetwork(core: core)
        var services: [any Service] = []
        var smpp: SMPPServerFront?
        if let accounts {
            var settings = SMPPServerFront.Configuration(connections: ConnectionLimits(total: 64, perAddress: 32, perOperator: 4))
            settings.port = 0
            settings.dialogueTimeout = .seconds(30)
            settings.unbindTimeout = .seconds(2)
            configure(&settings)
            let server = SMPPServerFront(
                network: network, directory: try ESMEDirectory(accounts: accounts, catalog: Shipped.catalog), configuration: settings, logger: logger)
            services.append(server)
            smpp = server
        }
        var client: SMPPClientFront?
        if !links.isEmpty {
            let front = try SMPPClientFront(core: core, links: links, policy: policy.policy, sweepInterval: .milliseconds(100), logger: logger)
            services.append(front)
            client = front
        }
        let server = SikaServer(core: core, additionalServices: services, simulator: network, logger: logger)
        let group = try server.serviceGroup()
        let task = Task { try await group.run() }
        // Failure bounds, generous for a loaded machine.
        let ports = try await server.waitUntilListening(timeout: .seconds(60))
        _ = try await smpp?.waitUntilListening(timeout: .seconds(60))
        return SMPPWorld(world: world, core: core, network: network, smpp: smpp, client: client, group: group, task: task, ports: ports)
    }

    func stop() async throws {
        await group.triggerGracefulShutdown()
        try await task.value
    }

    /// An ESME of this world's SMPP server, bound.
    func esme(_ account: ESMEAccount = shop, kind: BindKind = .transceiver, window: Int = 10) async throws -> SMPPClient {
        var configuration = SMPPClientConfiguration()
        configuration.windowSize = window
        configuration.requestTimeout = .seconds(30)
        configuration.logger = Logger.quiet("sika.smpp.esme")
        let client = try await SMPPClient.connect(host: "127.0.0.1", port: smppPort, configuration: configuration)
        try await client.bind(kind, systemID: account.systemID, password: account.password)
        return client
    }

    // MARK: The web simulator's HTTP API, as a person's page uses it

    func http(_ method: HTTPMethod, _ path: String, json: String? = nil) async throws -> (status: Int, object: [String: Any]) {
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(httpPort)\(path)")
        request.method = method
        if let json {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(string: json))
        }
        let response = try await HTTPClient.forTests.execute(request, timeout: .seconds(30))
        let body = try await response.body.collect(upTo: 1 << 20)
        let object = (try? JSONSerialization.jsonObject(with: Data(buffer: body))) as? [String: Any] ?? [:]
        return (Int(response.status.code), object)
    }

    /// Opens the phone of `msisdn` on the page.
    func phone(_ msisdn: String) async throws {
        let (status, _) = try await http(.POST, "/simulator/api/phones", json: #"{"msisdn": "\#(msisdn)"}"#)
        guard status == 201 else { throw SMPPTestError("opening phone \(msisdn): HTTP \(status)") }
    }

    /// Dials on the phone; the exchange's JSON.
    func dial(_ msisdn: String, _ dial: String) async throws -> [String: Any] {
        try await http(.POST, "/simulator/api/phones/\(msisdn)/dial", json: #"{"dial": "\#(dial)"}"#).object
    }

    /// Answers a session's screen; the exchange's JSON.
    func answer(_ session: String, _ input: String) async throws -> [String: Any] {
        try await http(.POST, "/simulator/api/sessions/\(session)/answer", json: #"{"input": "\#(input)"}"#).object
    }

    /// The phone's SMS texts, oldest first.
    func inbox(_ msisdn: String) async throws -> [(from: String, text: String)] {
        let messages = try await http(.GET, "/simulator/api/phones/\(msisdn)/inbox").object["messages"] as? [[String: Any]] ?? []
        return messages.reversed().map { ($0["from"] as? String ?? "", $0["text"] as? String ?? "") }
    }

    /// Waits (polling, at most 20 s as a failure bound) until the phone's inbox holds `count` messages.
    func inbox(_ msisdn: String, count: Int) async throws -> [(from: String, text: String)] {
        let deadline = ContinuousClock.now + .seconds(20)
        while true {
            let messages = try await inbox(msisdn)
            if messages.count >= count || ContinuousClock.now > deadline { return messages }
            try await Task.sleep(for: .milliseconds(20))
        }
    }
}

/// Which delivery policy a world's client binds use.
enum SMSDeliveryPolicyChoice: Sendable {
    case standard
    case custom(SMSDeliveryPolicy)

    var policy: SMSDeliveryPolicy {
        switch self {
        case .standard: SMSDeliveryPolicy()
        case .custom(let policy): policy
        }
    }
}

struct SMPPTestError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

extension TestSMSC {
    /// The link configuration that binds to this SMSC as the service of `operatorID`.
    func link(operatorID: String = "tmoney") -> SMPPLinkConfiguration {
        var link = SMPPLinkConfiguration(operatorID: operatorID, host: "127.0.0.1", port: port, systemID: Self.systemID, password: Self.password)
        link.reconnectDelay = .milliseconds(50)
        link.requestTimeout = .seconds(30)
        return link
    }
}
