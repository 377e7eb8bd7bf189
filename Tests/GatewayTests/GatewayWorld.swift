import Foundation
import Ledger
import Logging
import MenuEngine
import MobileMoney
import ProviderBridge
import Sessions

@testable import Gateway

let repository = URL(filePath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// A fresh ledger seeded with the demo world, and a gateway core on top of it.
struct GatewayWorld {
    static let catalog = try! OperatorCatalog.load(from: repository.appending(path: "menus/operators.yaml"))
    static let menus = try! SessionManager.loadMenus(directory: repository.appending(path: "menus"), catalog: catalog)
    static let demo = try! DemoWorld.load(from: repository.appending(path: "fixtures/demo-world.yaml"))
    static let tokens = OperatorTokens(tokens: ["tmoney": "tm-secret", "flooz": "fl-secret"])
    static let pepper = PinPepper.random()

    let directory: URL
    let money: MobileMoney
    /// In-process provider simulators for the off-net scripts.
    let offNet: ProviderNetwork

    /// - Parameter directory: reuse a ledger directory (restart tests); a new one otherwise.
    init(directory: URL? = nil) async throws {
        self.directory = directory ?? FileManager.default.temporaryDirectory.appending(path: "sika-gateway-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: self.directory, withIntermediateDirectories: true)
        var options = Ledger.Options()
        options.durable = false
        var quiet = Logger(label: "sika.money.test")
        quiet.logLevel = .critical
        money = try MobileMoney.open(
            path: self.directory.appending(path: "ledger.sqlite").path, catalog: Self.catalog, pepper: Self.pepper, ledgerOptions: options,
            logger: quiet)
        offNet = try InProcessTarget.scriptNetwork(money: money, logger: quiet)
        if directory == nil {
            try await Self.demo.seed(into: money)
            // The seeding's own receipts are not part of any test's conversation.
            for op in Self.catalog.operators {
                var pending = try await money.ledger.undeliveredSMS(operatorID: op.id, limit: 500)
                while !pending.isEmpty {
                    try await money.ledger.markDelivered(pending.map(\.id))
                    pending = try await money.ledger.undeliveredSMS(operatorID: op.id, limit: 500)
                }
            }
        }
    }

    func core(_ configure: (inout GatewayConfiguration) -> Void = { _ in }) -> GatewayCore {
        var configuration = GatewayConfiguration()
        configuration.tokens = Self.tokens
        configuration.linePort = 0
        configuration.httpPort = 0
        configure(&configuration)
        var logger = Logger(label: "sika.gateway.test")
        logger.logLevel = .critical
        let metrics = GatewayMetrics()
        return GatewayCore(
            sessions: SessionManager(
                menus: Self.menus, money: money, idleTimeout: configuration.idleTimeout, offNet: offNet.bridge),
            configuration: configuration, metrics: metrics, logger: logger)
    }

    func remove() { try? FileManager.default.removeItem(at: directory) }
}
