import Foundation
import Ledger
import LedgerSQLite
import Logging
import MenuEngine
import MobileMoney
import ProviderBridge
import ScriptTargets
import Sessions
import TestSupport

@testable import GatewayCore

let repository = Repository.root

/// A fresh ledger seeded with the demo world, and a gateway core on top of it.
struct GatewayWorld {
    static let catalog = Shipped.catalog
    static let menus = Shipped.menus
    static let demo = Shipped.world
    static let tokens = OperatorTokens(tokens: ["tmoney": "tm-secret", "flooz": "fl-secret"])
    /// The aggregators' secrets for `POST /ussd`.
    static let aggregatorTokens = OperatorTokens(tokens: ["tmoney": "tm-aggregator-secret", "flooz": "fl-aggregator-secret"])
    static let pepper = PinPepper.random()

    /// The seeded world; `nil` when reopening a directory (restart tests) owns the files instead.
    let world: TestWorld?
    let directory: URL
    let money: MobileMoney
    /// In-process provider simulators for the off-net scripts.
    let offNet: ProviderNetwork

    /// - Parameter directory: reopen the ledger of a directory (restart tests); a new seeded world otherwise.
    init(directory: URL? = nil) async throws {
        let quiet = Logger.quiet("sika.money.test")
        if let directory {
            world = nil
            self.directory = directory
            var options = Ledger.Options()
            options.durable = false
            let ledger = try await Ledger.openSQLite(path: directory.appending(path: "ledger.sqlite").path, catalog: Self.catalog, options: options)
            money = MobileMoney(ledger: ledger, pepper: Self.pepper, logger: quiet)
        } else {
            // The seeding's own receipts are not part of any test's conversation.
            let world = try await TestWorld.make(markSeedSMSDelivered: true, pepper: Self.pepper, logger: quiet)
            self.world = world
            self.directory = world.directory
            money = world.money
        }
        offNet = try InProcessTarget.scriptNetwork(money: money, logger: quiet)
    }

    func core(store: any SessionStore = MemorySessionStore(), _ configure: (inout GatewayConfiguration) -> Void = { _ in }) -> GatewayCore {
        var configuration = GatewayConfiguration()
        // A failure bound: on a loaded machine a test's HELLO can wait seconds for a thread (the timeout's own
        // tests set theirs).
        configuration.helloTimeout = .seconds(120)
        configuration.tokens = Self.tokens
        configuration.aggregatorTokens = Self.aggregatorTokens
        configuration.linePort = 0
        configuration.httpPort = 0
        configure(&configuration)
        var logger = Logger(label: "sika.gateway.test")
        logger.logLevel = .critical
        let metrics = GatewayMetrics()
        return GatewayCore(
            sessions: SessionManager(
                menus: Self.menus, money: money, idleTimeout: configuration.idleTimeout, offNet: offNet.bridge, store: store),
            configuration: configuration, metrics: metrics, logger: logger)
    }

    /// Removes the files now (they are also removed when the world goes away).
    func remove() { try? FileManager.default.removeItem(at: directory) }
}
