import ArgumentParser
import CommandSupport
import Foundation
import GatewayCore
import Ledger
import LineFront
import Logging
import MenuEngine
import MobileMoney
import Operators
import Serve
import Sessions
import SessionsSQLite
import SikaResources
import Synchronization

/// `sika-bench gateway`: full transfer journeys over the loopback line socket, C connections × S
/// concurrent sessions, and in the same run the same journeys straight through `SessionManager` as the ceiling.
struct GatewayBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gateway", abstract: "Line-socket steps per second and step latency, against the in-process ceiling.")

    @Option(help: "Connections (operator gateways).") var connections: Int = 4
    @Option(help: "Concurrent sessions per connection.") var sessions: Int = 250
    @Option(help: "Journeys each session runs, one after the other.") var journeys: Int = 4
    @Option(help: "Funded senders shared by the sessions.") var senders: Int = 100

    @Option(help: "Session store behind the socket run: memory, sqlite, or both (the same journeys on each, and the ratio).")
    var sessionStore: StoreChoice = .both
    @Option(help: "Socket runs per session store, taking turns.") var rounds: Int = 3
    @Flag(help: "Tiny counts: proves the bench runs and verifies clean (CI), measures nothing.") var smoke = false

    enum StoreChoice: String, ExpressibleByArgument, CaseIterable, Sendable { case memory, sqlite, both }

    mutating func validate() throws {
        if smoke { (connections, sessions, journeys, senders, rounds) = (2, 8, 1, 8, 1) }
        guard connections > 0, sessions > 0, journeys > 0, senders > 0, rounds > 0 else { throw ValidationError("all counts must be positive") }
    }

    /// Seven phone steps: dial, send money, on-net, number, amount, confirm, PIN.
    static let inputs = ["1", "1", "93999999", "100", "1", "2580"]

    func run() async throws {
        CommandLogging.bootstrap(defaultLevel: .warning)
        let catalog = try OperatorCatalog.load(from: SikaHome().operators)
        let menus = try SessionManager.loadMenus(directory: SikaHome().menus, catalog: catalog)
        let dir = try BenchWorld.directory("gateway")
        defer { try? FileManager.default.removeItem(at: dir) }
        let world = try await BenchWorld.make(path: dir.appending(path: "gateway.sqlite").path, catalog: catalog, wallets: senders)
        let (money, numbers) = (world.money, world.wallets)

        let concurrent = connections * sessions
        print("\(connections) connections x \(sessions) sessions = \(concurrent) concurrent, \(journeys) transfer journeys each (7 steps)")
        // The stores take turns (memory, sqlite, memory…), so that noise from other work on the machine and the
        // ledger growing during the run hit both alike; each is summed up by its median round.
        var memory: [Measurement] = []
        var sqlite: [Measurement] = []
        for round in 0..<rounds {
            if sessionStore != .sqlite {
                let measurement = try await socketRun(money: money, numbers: numbers, menus: menus, store: MemorySessionStore(), tag: "m\(round)-")
                print("over the line socket, sessions in memory   \(measurement)")
                memory.append(measurement)
            }
            if sessionStore != .memory {
                let store = try SQLiteSessionStore.open(path: dir.appending(path: "gateway.sqlite.sessions.sqlite").path)
                let measurement = try await socketRun(money: money, numbers: numbers, menus: menus, store: store, tag: "s\(round)-")
                print("over the line socket, sessions in sqlite   \(measurement)")
                if round == 0 { print("  session file: journal_mode=\(store.journalMode), synchronous=\(store.synchronous) (read back)") }
                sqlite.append(measurement)
            }
        }
        if let memoryMedian = Self.median(memory), let sqliteMedian = Self.median(sqlite) {
            print(
                String(
                    format: "sqlite / memory session store   %.2f x  (medians of %d rounds: %.0f vs %.0f steps/s)",
                    sqliteMedian.stepsPerSecond / memoryMedian.stepsPerSecond, rounds, sqliteMedian.stepsPerSecond, memoryMedian.stepsPerSecond))
        }
        let socket = try Self.median(memory.isEmpty ? sqlite : memory) ?? { throw ValidationError("nothing measured") }()
        let manager = SessionManager(menus: menus, money: money)
        let journeys = self.journeys
        let inProcess = try await Self.measure(concurrent: concurrent) { index, record in
            let sender = numbers[index % numbers.count]
            for n in 0..<journeys {
                let id = "p\(index)-\(n)"
                var started = ContinuousClock.now
                _ = try await manager.begin(id: id, msisdn: sender, dial: "*145#")
                record(ContinuousClock.now - started)
                var end = Reply(text: "", isFinal: false)
                for input in Self.inputs {
                    started = .now
                    end = try await manager.reply(id: id, input: input)
                    record(ContinuousClock.now - started)
                }
                guard end.isFinal, end.text.contains("reussi") else { throw ValidationError("journey failed: \(end.text)") }
            }
        }
        print("in-process (ceiling)   \(inProcess)")
        print(String(format: "socket / in-process   %.0f %%", 100 * socket.stepsPerSecond / inProcess.stepsPerSecond))
        guard try await money.ledger.verify().isClean else { throw ValidationError("ledger does not verify") }
        print(try await BenchWorld.durabilityLine(money.ledger))
    }

    /// The transfer journeys over the loopback line socket, with sessions kept in `store`.
    func socketRun(money: MobileMoney, numbers: [String], menus: MenuSet, store: any SessionStore, tag: String) async throws -> Measurement {
        var configuration = GatewayConfiguration()
        configuration.linePort = 0
        configuration.httpPort = 0
        configuration.tokens = OperatorTokens(tokens: ["tmoney": "bench"])
        var logger = Logger(label: "sika.bench")
        logger.logLevel = .warning
        let manager = SessionManager(menus: menus, money: money, store: store)
        let core = GatewayCore(sessions: manager, configuration: configuration, logger: logger)
        let server = SikaServer(core: core, endedSessions: store.endedSessions, logger: logger)
        let group = try server.serviceGroup()
        let serving = Task { try await group.run() }
        let (port, _) = try await server.waitUntilListening()
        var connected: [LineClient] = []
        for _ in 0..<connections {
            let client = try await LineClient.connect(host: "127.0.0.1", port: port)
            try await client.hello(operatorID: "tmoney", token: "bench")
            connected.append(client)
        }
        let clients = connected
        let journeys = self.journeys
        let measurement = try await Self.measure(concurrent: connections * sessions) { index, record in
            try await Self.journeys(
                journeys, over: clients[index % clients.count], from: numbers[index % numbers.count], ids: "\(tag)\(index)", record: record)
        }
        for client in clients { await client.close() }
        await group.triggerGracefulShutdown()
        try await serving.value
        return measurement
    }

    /// `count` transfer journeys of one session slot over `client`, one after the other (session ids `<ids>-<n>`),
    /// every step's latency recorded; a journey that does not end on a successful transfer fails the run.
    static func journeys(_ count: Int, over client: LineClient, from sender: String, ids: String, record: (Duration) -> Void) async throws {
        for n in 0..<count {
            let id = "\(ids)-\(n)"
            var started = ContinuousClock.now
            var answer = try await client.begin(session: id, msisdn: sender, dial: "*145#")
            record(ContinuousClock.now - started)
            for input in inputs {
                guard case .screen = answer else { throw ValidationError("journey failed: \(answer.rendered)") }
                started = .now
                answer = try await client.reply(session: id, input: input)
                record(ContinuousClock.now - started)
            }
            guard case .end(_, let text) = answer, text.contains("reussi") else { throw ValidationError("journey failed: \(answer.rendered)") }
        }
    }

    /// The round with the median step rate.
    static func median(_ runs: [Measurement]) -> Measurement? {
        runs.isEmpty ? nil : runs.sorted { $0.stepsPerSecond < $1.stepsPerSecond }[runs.count / 2]
    }

    /// Step rate and latency percentiles of one run.
    struct Measurement: CustomStringConvertible {
        var steps: Int
        var seconds: Double
        var p50: Duration
        var p99: Duration
        var stepsPerSecond: Double { Double(steps) / seconds }
        var description: String {
            String(
                format: "%8.0f steps/s  p50 %6.2f ms  p99 %6.2f ms  (%d steps in %.2f s)", stepsPerSecond, p50.milliseconds, p99.milliseconds, steps,
                seconds)
        }
    }

    /// Runs `concurrent` tasks of `work`, each recording its step latencies.
    static func measure(
        concurrent: Int, _ work: @escaping @Sendable (Int, (Duration) -> Void) async throws -> Void
    ) async throws -> Measurement {
        let start = ContinuousClock.now
        let latencies = try await withThrowingTaskGroup(of: [Duration].self) { group in
            for index in 0..<concurrent {
                group.addTask {
                    var mine: [Duration] = []
                    try await work(index) { mine.append($0) }
                    return mine
                }
            }
            return try await group.reduce(into: []) { $0 += $1 }.sorted()
        }
        let seconds = (ContinuousClock.now - start).seconds
        guard !latencies.isEmpty else { throw ValidationError("nothing measured") }
        return Measurement(
            steps: latencies.count, seconds: seconds, p50: latencies[latencies.count / 2],
            p99: latencies[min(latencies.count - 1, latencies.count * 99 / 100)])
    }
}

extension Duration {
    var milliseconds: Double { Double(components.seconds) * 1000 + Double(components.attoseconds) / 1e15 }
}
