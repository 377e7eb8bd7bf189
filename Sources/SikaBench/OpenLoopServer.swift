import ArgumentParser
import CommandSupport
import Foundation
import GatewayCore
import LineFront
import Logging
import Operators
import Serve
import Sessions
import SessionsSQLite
import SikaResources

/// `sika-bench open-loop-server`: the server side of the open-loop bench, in its own process so that the load
/// generator's CPU and memory are not counted as the server's. Builds a bench world, serves the line protocol
/// on an ephemeral loopback port, prints `LISTENING <port>`, and serves until its standard input closes; then
/// shuts down gracefully, verifies the ledger and prints `VERIFIED <durability>`.
struct OpenLoopServer: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "open-loop-server", abstract: "The server half of `sika-bench open-loop` (started by it).", shouldDisplay: false)

    @Option(help: "Funded wallets.") var wallets: Int = 2000
    @Option(help: "Directory for the ledger.") var directory: String
    @Option(help: "Session store: memory, or sqlite beside the ledger as `sika serve` keeps them by default.") var sessionStore: String = "memory"

    func run() async throws {
        CommandLogging.bootstrap(defaultLevel: .warning)
        let catalog = try OperatorCatalog.load(from: SikaHome().operators)
        let menus = try SessionManager.loadMenus(directory: SikaHome().menus, catalog: catalog)
        let world = try await BenchWorld.make(
            path: URL(fileURLWithPath: directory).appending(path: "open-loop.sqlite").path, catalog: catalog, wallets: wallets)
        var configuration = Self.gateway()
        // Thousands of sessions think for seconds: none may be swept as idle during a run.
        configuration.idleTimeout = .seconds(600)
        let store: any SessionStore
        switch sessionStore {
        case "memory": store = MemorySessionStore()
        case "sqlite":
            store = try SQLiteSessionStore.open(path: URL(fileURLWithPath: directory).appending(path: "open-loop.sqlite.sessions.sqlite").path)
        default: throw ValidationError("--session-store must be memory or sqlite")
        }
        let sessions = SessionManager(menus: menus, money: world.money, idleTimeout: configuration.idleTimeout, store: store)
        try await Self.serveUntilInputCloses(sessions, configuration: configuration, label: "sika.bench.server")
        guard try await world.money.ledger.verify().isClean else { throw ValidationError("ledger does not verify") }
        try await sessions.flush()
        Self.say("VERIFIED \(try await world.money.ledger.writerDurability()); \(store.summary)")
    }

    /// The gateway of a bench's server process: ephemeral loopback ports, the bench's operator token, and no
    /// per-connection cap a run could reach.
    static func gateway() -> GatewayConfiguration {
        var configuration = GatewayConfiguration()
        configuration.linePort = 0
        configuration.httpPort = 0
        configuration.tokens = OperatorTokens(tokens: ["tmoney": "bench"])
        configuration.maxSessionsPerConnection = 65_536
        configuration.maxStepsInFlightPerConnection = 65_536
        return configuration
    }

    /// Takes back what `sessions`' store holds, serves them on the line protocol, prints `LISTENING <port>`, and
    /// shuts down gracefully once the parent closes our standard input (the run is over).
    static func serveUntilInputCloses(_ sessions: SessionManager, configuration: GatewayConfiguration, label: String) async throws {
        var logger = Logger(label: label)
        logger.logLevel = .warning
        try await sessions.recover()
        let core = GatewayCore(sessions: sessions, configuration: configuration, logger: logger)
        let server = SikaServer(core: core, logger: logger)
        let group = try server.serviceGroup()
        let serving = Task { try await group.run() }
        let (port, _) = try await server.waitUntilListening()
        say("LISTENING \(port)")
        await Task.detached { _ = FileHandle.standardInput.readDataToEndOfFile() }.value
        await group.triggerGracefulShutdown()
        try await serving.value
    }

    /// One line to the parent, unbuffered (`print` buffers when standard output is a pipe).
    static func say(_ line: String) {
        FileHandle.standardOutput.write(Data((line + "\n").utf8))
    }
}
