import ArgumentParser
import CommandSupport
import Foundation
import GatewayCore
import Ledger
import LedgerPostgres
import MobileMoney
import Operators
import Sessions
import SessionsPostgres
import SikaResources

/// `sika-bench nodes-server`: one gateway node of `sika-bench nodes`, in its own process like a `sika serve` node:
/// the ledger and the sessions on PostgreSQL (the schema the parent prepared), the line protocol on an ephemeral
/// loopback port. Prints `LISTENING <port>`, serves until its standard input closes, then shuts down gracefully,
/// verifies the ledger and prints `VERIFIED <durability>`.
struct NodesServer: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "nodes-server", abstract: "One node of `sika-bench nodes` (started by it).", shouldDisplay: false)

    @Option(help: "postgres://… of the shared database.") var database: String
    @Option(help: "Schema holding the bench world.") var schema: String
    @Option(help: "Writer connections of this node.") var writers: Int = 4

    func run() async throws {
        CommandLogging.bootstrap(defaultLevel: .warning)
        let catalog = try OperatorCatalog.load(from: SikaHome().operators)
        let menus = try SessionManager.loadMenus(directory: SikaHome().menus, catalog: catalog)
        let endpoint = try BenchPostgres.endpoint(database).with(schema: schema)
        var store = PostgresLedgerStore.Options()
        store.writers = writers
        let ledger = try await Ledger.openPostgres(endpoint: endpoint, catalog: catalog, store: store)
        // The parent put the world's pepper in the environment: every node checks PINs with it.
        let pepper = try PinPepper.load(environment: ProcessInfo.processInfo.environment, keyFile: "/nonexistent", createIfMissing: false)
        let money = MobileMoney(ledger: ledger, pepper: pepper)
        let configuration = OpenLoopServer.gateway()
        let sessionStore = try await PostgresSessionStore.open(endpoint: endpoint, node: "bench-\(ProcessInfo.processInfo.processIdentifier)")
        let sessions = SessionManager(
            menus: menus, money: money, idleTimeout: configuration.idleTimeout, store: sessionStore, sharedFronts: ["http"])
        try await OpenLoopServer.serveUntilInputCloses(sessions, configuration: configuration, label: "sika.bench.node")
        try await sessions.flush()
        try await sessionStore.close()
        guard try await ledger.verify().isClean else { throw ValidationError("ledger does not verify") }
        let durability = try await StoreOptions.durabilityLine(ledger)
        try await ledger.store.close()
        OpenLoopServer.say("VERIFIED \(durability)")
    }
}
