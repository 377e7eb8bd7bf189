import Foundation
import Ledger
import LedgerSQLite
import Logging
import MenuEngine
import MobileMoney
import Operators
import ProviderBridge
import SessionScripts
import Sessions

/// Runs session scripts in this process against a fresh ledger seeded with the demo world: the real
/// menus, the real actions, the real money, no sockets.
public final class InProcessTarget: ScriptTarget {
    public let sessions: SessionManager
    private let directory: URL
    /// Outbox id before the script started: SMS from seeding are not part of the conversation.
    private let firstMessage: Int64

    /// Off-net transfers in scripts go through in-process provider simulators with these faults: credits
    /// to 22898765432 (Flooz) and 22890765432 (T-Money) are never processed, and their connection drops
    /// after 300 ms, so scripts get a deterministic "en cours".
    public static let scriptFaults = "hold=22898765432+22890765432,hang=300"

    /// - Parameters:
    ///   - menus: loaded once and shared by every script's target.
    ///   - world: the demo world to seed.
    ///   - faults: what the in-process provider simulators inject (`FaultPlan.parse` syntax).
    /// - Parameter onScreen: told every screen a session stops on or passes through (coverage checks).
    public init(
        menus: MenuSet, catalog: OperatorCatalog, world: DemoWorld, faults: String = InProcessTarget.scriptFaults,
        onScreen: (@Sendable (_ service: String, _ screen: String) -> Void)? = nil
    ) async throws {
        directory = FileManager.default.temporaryDirectory.appending(path: "sika-script-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        var options = Ledger.Options()
        options.durable = false  // a throwaway database: crash safety buys nothing here
        let ledger = try await Ledger.openSQLite(path: directory.appending(path: "script.sqlite").path, catalog: catalog, options: options)
        let money = MobileMoney(ledger: ledger, pepper: .random())
        try await world.seed(into: money)
        firstMessage = try await money.ledger.read { try $0.lastMessageID() }
        let network = try Self.scriptNetwork(money: money, faults: faults)
        sessions = SessionManager(menus: menus, money: money, offNet: network.bridge, onScreen: onScreen)
    }

    /// The provider network scripts run against: in-process simulators with `faults`, and a bridge that
    /// makes one attempt. A held credit turns "en cours" when its simulator drops the connection (after
    /// `hang`), not on a timer of the caller's, so a credit that is merely slow (a loaded machine) still
    /// completes: it has ten seconds.
    public static func scriptNetwork(
        money: MobileMoney, faults: String = scriptFaults, logger: Logger = Logger(label: "sika.bridge")
    ) throws -> ProviderNetwork {
        var bridge = OffNetBridge.Options()
        bridge.retry = RetryPolicy(
            maxAttempts: 1, attemptTimeout: .seconds(10), baseDelay: .milliseconds(10), maxDelay: .milliseconds(20), deadline: .seconds(10))
        return ProviderNetwork.inProcess(money: money, faults: try FaultPlan.parse(faults), bridgeOptions: bridge, logger: logger)
    }

    deinit { try? FileManager.default.removeItem(at: directory) }

    public func begin(session: String, msisdn: String, dial: String) async throws -> Screen {
        Screen(try await sessions.begin(id: session, msisdn: msisdn, dial: dial))
    }

    public func reply(session: String, input: String) async throws -> Screen {
        Screen(try await sessions.reply(id: session, input: input))
    }

    public func abort(session: String) async throws {
        try await sessions.abort(id: session)
    }

    public func cancel(session: String) async throws {
        try await sessions.cancel(id: session)
    }

    public func smsReceived(msisdn: String) async throws -> [String] {
        let first = firstMessage
        return try await sessions.money.ledger.read { rows in try rows.messages(to: msisdn, after: first).map(\.body) }
    }

    public func balance(msisdn: String) async throws -> Int64? {
        guard let subscriber = try await sessions.money.subscriber(msisdn) else { return nil }
        return try await sessions.money.ledger.account(id: subscriber.accountID)?.balance
    }
}

extension Screen {
    init(_ reply: Reply) { self.init(text: reply.text, isFinal: reply.isFinal) }
}
