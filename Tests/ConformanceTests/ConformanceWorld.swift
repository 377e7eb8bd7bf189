import Foundation
import GatewayCore
import JSONAPI
import Ledger
import Logging
import MobileMoney
import Operators
import Serve
import ServiceLifecycle
import Sessions
import Simulator
import TestSupport

/// A fresh ledger (on either store) seeded with the demo world behind one live server: the line socket,
/// `POST /ussd`, the JSON API and the web simulator's API on ephemeral ports, sharing one session manager and
/// one ledger, as `sika serve --demo` runs them.
final class ConformanceWorld: Sendable {
    static let catalog = Shipped.catalog
    static let menus = Shipped.menus
    static let demo = Shipped.world
    static let lineTokens = OperatorTokens(tokens: ["tmoney": "tm-line-secret", "flooz": "fl-line-secret"])
    static let aggregatorTokens = OperatorTokens(tokens: ["tmoney": "tm-aggregator-secret", "flooz": "fl-aggregator-secret"])
    static let adminToken = "conformance-admin-token-0123456789"
    /// The demo subscribers' PINs, for fronts that need a credential of someone else.
    static let pins = Dictionary(uniqueKeysWithValues: demo.subscribers.map { ($0.msisdn, $0.pin) })

    /// The operator owning `msisdn`, T-Money for a number of no operator.
    static func operatorID(of msisdn: String) -> String { catalog.operatorOwning(msisdn: msisdn)?.id ?? "tmoney" }

    static func serviceCode(of msisdn: String) -> String { catalog.operator(operatorID(of: msisdn))!.ussdCode }

    let world: TestWorld
    var directory: URL { world.directory }
    var money: MobileMoney { world.money }
    let core: GatewayCore
    let group: ServiceGroup
    let task: Task<Void, any Error>
    let linePort: Int
    let httpPort: Int

    private init(world: TestWorld, core: GatewayCore, group: ServiceGroup, task: Task<Void, any Error>, linePort: Int, httpPort: Int) {
        self.world = world
        self.core = core
        self.group = group
        self.task = task
        self.linePort = linePort
        self.httpPort = httpPort
    }

    static func start(_ settings: WorldSettings, backend: TestBackend = .sqlite) async throws -> ConformanceWorld {
        let logger = Logger.quiet("sika.conformance", level: .warning)
        let world = try await TestWorld.make(backend, logger: logger)
        let money = world.money

        var configuration = GatewayConfiguration()
        configuration.linePort = 0
        configuration.httpPort = 0
        configuration.tokens = lineTokens
        configuration.aggregatorTokens = aggregatorTokens
        configuration.idleTimeout = settings.idleTimeout
        // A refill of one per hour: nothing refills while a case runs, however slow the machine.
        let sessions = SessionManager(
            menus: menus, money: money, idleTimeout: settings.idleTimeout,
            startLimiter: TokenBucketLimiter(capacity: settings.sessionStartBurst, refillPerSecond: 1.0 / 3600))
        let core = GatewayCore(sessions: sessions, configuration: configuration, logger: logger)

        var apiConfiguration = try APIConfiguration(jwtSecret: Array(repeating: 9, count: 32), adminToken: adminToken)
        apiConfiguration.perSubscriberBurst = settings.apiRequestBurst
        apiConfiguration.perSubscriberPerSecond = 1.0 / 3600
        let api = await WalletAPI(money: money, configuration: apiConfiguration, openAPIDocument: "openapi: 3.0.3\n", logger: logger)

        let server = SikaServer(core: core, api: api, simulator: SimulatedNetwork(core: core), logger: logger)
        let group = try server.serviceGroup()
        let task = Task { try await group.run() }
        let (line, http) = try await server.waitUntilListening()
        return ConformanceWorld(world: world, core: core, group: group, task: task, linePort: line, httpPort: http)
    }

    /// One adapter per front, all on this world.
    func fronts() -> [any ConformanceFront] {
        [LineProtocolFront(port: linePort), CallbackFront(port: httpPort), APIFront(port: httpPort), SimulatorAPIFront(port: httpPort)]
    }

    func balance(_ msisdn: String) async throws -> Int64 {
        guard let subscriber = try await money.subscriber(msisdn), let account = try await money.ledger.account(id: subscriber.accountID) else {
            return -1
        }
        return account.balance
    }

    func stop() async throws {
        await group.triggerGracefulShutdown()
        try await task.value
    }
}
