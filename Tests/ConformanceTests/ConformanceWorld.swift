import Foundation
import GatewayCore
import JSONAPI
import Ledger
import Logging
import MobileMoney
import Operators
import SMPPFront
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
    /// The operators' SMSCs Sika's SMPP client is bound to, and the one whose bind is never answered.
    let smscs: [String: TestSMSC]
    let rawSMSC: RawSMSC

    private init(
        world: TestWorld, core: GatewayCore, group: ServiceGroup, task: Task<Void, any Error>, linePort: Int, httpPort: Int,
        smscs: [String: TestSMSC], rawSMSC: RawSMSC
    ) {
        self.smscs = smscs
        self.rawSMSC = rawSMSC
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
        configuration.helloTimeout = .seconds(120)  // a failure bound on a loaded machine
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

        // SMPP: Sika binds to each operator's SMSC as its mobile-money service, and to a raw one too (as T-Money's).
        var smscs: [String: TestSMSC] = [:]
        var links: [SMPPLinkConfiguration] = []
        for op in catalog.operators {
            let smsc = try await TestSMSC.start()
            smscs[op.id] = smsc
            var link = SMPPLinkConfiguration(
                operatorID: op.id, host: "127.0.0.1", port: smsc.port, systemID: TestSMSC.systemID, password: TestSMSC.password)
            // A bind that fails on a loaded machine is tried again at once, not after the production backoff.
            link.reconnectDelay = .milliseconds(50)
            links.append(link)
        }
        let raw = try await RawSMSC.start()
        var rawLink = SMPPLinkConfiguration(
            operatorID: "tmoney", host: "127.0.0.1", port: raw.port, systemID: TestSMSC.systemID, password: TestSMSC.password)
        rawLink.reconnectDelay = .milliseconds(50)
        rawLink.requestTimeout = .seconds(60)
        let smpp = try SMPPClientFront(core: core, links: links + [rawLink], logger: logger)

        let server = SikaServer(core: core, additionalServices: [smpp], api: api, simulator: SimulatedNetwork(core: core), logger: logger)
        let group = try server.serviceGroup()
        let task = Task { try await group.run() }
        let (line, http) = try await server.waitUntilListening()
        for smsc in smscs.values { _ = try await smsc.bound() }
        return ConformanceWorld(world: world, core: core, group: group, task: task, linePort: line, httpPort: http, smscs: smscs, rawSMSC: raw)
    }

    /// One adapter per front, all on this world.
    func fronts() -> [any ConformanceFront] {
        [
            LineProtocolFront(port: linePort), CallbackFront(port: httpPort), APIFront(port: httpPort), SimulatorAPIFront(port: httpPort),
            SMPPConformanceFront(smscs: smscs, raw: rawSMSC),
        ]
    }

    /// E-mail notices written for `msisdn`, in any state.
    func mails(to msisdn: String) async throws -> Int {
        var count = 0
        for state in MailState.allCases { count += try await money.mailOutbox(state, limit: 1000).filter { $0.msisdn == msisdn }.count }
        return count
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
        for smsc in smscs.values { await smsc.stop() }
        await rawSMSC.stop()
    }
}
