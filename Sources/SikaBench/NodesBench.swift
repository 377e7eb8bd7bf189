import ArgumentParser
import CommandSupport
import Crypto
import Foundation
import Ledger
import LedgerPostgres
import LineFront
import MobileMoney
import Operators
import SikaResources

/// `sika-bench nodes --database postgres://…`: the same transfer journeys over the line socket against one gateway
/// node and then against several (`nodes-server` processes on one PostgreSQL database, sessions in it too), the
/// connections spread over the nodes; steps and transfers per second side by side, and the ratio.
struct NodesBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "nodes", abstract: "Gateway throughput on PostgreSQL: one node against several, in one run.")

    @Option(help: "postgres://… (each run in a fresh schema, dropped afterwards).") var database: String
    @Option(help: "Nodes of the second run.") var nodes: Int = 2
    @Option(help: "Connections (operator gateways), spread over the nodes.") var connections: Int = 4
    @Option(help: "Concurrent sessions per connection.") var sessions: Int = 16
    @Option(help: "Journeys each session runs, one after the other.") var journeys: Int = 4
    @Option(help: "Funded senders shared by the sessions.") var senders: Int = 64
    @Option(help: "Runs of each configuration, taking turns.") var rounds: Int = 2
    @Flag(help: "Tiny counts: proves the bench runs and verifies clean (CI), measures nothing.") var smoke = false

    mutating func validate() throws {
        if smoke { (connections, sessions, journeys, senders, rounds) = (2, 4, 1, 8, 1) }
        guard nodes > 1, connections >= nodes, sessions > 0, journeys > 0, senders > 0, rounds > 0 else {
            throw ValidationError("--nodes must be at least 2, --connections at least --nodes, every count positive")
        }
    }

    func run() async throws {
        CommandLogging.bootstrap(defaultLevel: .warning)
        let catalog = try OperatorCatalog.load(from: SikaHome().operators)
        let endpoint = try BenchPostgres.endpoint(database)
        let schema = "sika_nodes_\(UUID().uuidString.prefix(8).lowercased())"
        // One pepper for the world and every node, handed to the children through the environment.
        let hex = SymmetricKey(size: .bits256).withUnsafeBytes { $0.map { String(format: "%02x", $0) }.joined() }
        setenv(PinPepper.environmentVariable, hex, 1)
        let pepper = try PinPepper.load(environment: [PinPepper.environmentVariable: hex], keyFile: "/nonexistent", createIfMissing: false)
        let ledger = try await Ledger.openPostgres(endpoint: endpoint.with(schema: schema), catalog: catalog)
        let world = try await BenchWorld.make(ledger: ledger, wallets: senders, pepper: pepper)
        try await ledger.store.close()
        defer { try? BenchPostgres.drop(schema: schema, endpoint: endpoint) }
        let concurrent = connections * sessions
        print(
            "sika-bench nodes on \(endpoint.location): \(connections) connections x \(sessions) sessions = \(concurrent) concurrent, "
                + "\(journeys) transfer journeys each (7 steps), ledger and sessions on PostgreSQL")
        var results: [Int: [GatewayBench.Measurement]] = [:]
        for round in 0..<rounds {
            for count in [1, nodes] {
                let measurement = try await measure(nodes: count, schema: schema, numbers: world.wallets, tag: "r\(round)n\(count)-")
                let transfers = String(format: "%.0f", measurement.stepsPerSecond / 7)
                print("\(count) node\(count == 1 ? " " : "s")   \(measurement)   \(transfers) transfers/s")
                results[count, default: []].append(measurement)
            }
        }
        if let one = GatewayBench.median(results[1] ?? []), let many = GatewayBench.median(results[nodes] ?? []), !smoke {
            print(
                String(
                    format: "%d nodes / 1 node   %.2f x  (medians of %d rounds: %.0f vs %.0f steps/s)", nodes,
                    many.stepsPerSecond / one.stepsPerSecond, rounds, many.stepsPerSecond, one.stepsPerSecond))
        }
    }

    /// One run: `nodes` fresh node processes on the schema, the journeys over connections spread across them.
    private func measure(nodes: Int, schema: String, numbers: [String], tag: String) async throws -> GatewayBench.Measurement {
        let children = try (0..<nodes).map { _ in
            try BenchChild(arguments: ["nodes-server", "--database", database, "--schema", schema])
        }
        var clients: [LineClient] = []
        do {
            let ports = try children.map { try $0.listeningPort() }
            for index in 0..<connections {
                let client = try await LineClient.connect(host: "127.0.0.1", port: ports[index % ports.count])
                try await client.hello(operatorID: "tmoney", token: "bench")
                clients.append(client)
            }
            let connected = clients
            let journeys = self.journeys
            let measurement = try await GatewayBench.measure(concurrent: connections * sessions) { index, record in
                try await GatewayBench.journeys(
                    journeys, over: connected[index % connected.count], from: numbers[index % numbers.count], ids: "\(tag)\(index)",
                    record: record)
            }
            for client in clients { await client.close() }
            for child in children { print("  \(try child.finish())") }
            return measurement
        } catch {
            for client in clients { await client.close() }
            for child in children { _ = try? child.finish() }
            throw error
        }
    }
}
