import ArgumentParser
import CommandSupport
import Foundation
import GatewayCore
import Histogram
import Ledger
import LineFront
import Logging
import MenuEngine
import Operators
import SMPP
import SMPPFront
import Serve
import Sessions
import SikaResources
import Simulator
import Synchronization

/// `sika-bench smpp`: SMPP on loopback with a window of 10, next to the line protocol in the same run.
///
/// - submit_sm/s: ESMEs submit SMS into the simulated phones' inboxes through the SMPP server (with and without a
///   delivery receipt back), against the line protocol's cheapest round trip (`PING`/`PONG`) at the same concurrency.
/// - USSD dialogue steps/s: transfer journeys driven as deliver_sm by an operator's gateway (this bench's SMSC) and
///   served by Sika's SMPP client through the menus, against the same journeys over the line socket.
///
/// Every PDU's latency (request written → its answer; a USSD step → its screen) goes into an HDR histogram.
struct SMPPBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "smpp", abstract: "submit_sm/s and USSD steps/s over SMPP (window 10) against the line protocol, p99 per PDU.")

    @Option(help: "submit_sm per run.") var messages: Int = 20_000
    @Option(help: "ESME binds sending them, each with its own window.") var binds: Int = 2
    @Option(help: "Requests in flight per bind (both roles).") var window: Int = 10
    @Option(help: "Concurrent USSD dialogues.") var dialogues: Int = 100
    @Option(help: "Transfer journeys (7 steps each) each dialogue runs, one after the other.") var journeys: Int = 2
    @Option(help: "Funded senders shared by the dialogues.") var senders: Int = 100
    @Flag(help: "Tiny counts: proves the bench runs and verifies clean (CI), measures nothing.") var smoke = false

    mutating func validate() throws {
        if smoke { (messages, binds, dialogues, journeys, senders) = (40, 1, 4, 1, 4) }
        guard messages > 0, binds > 0, window > 0, dialogues > 0, journeys > 0, senders > 0 else {
            throw ValidationError("all counts must be positive")
        }
    }

    static let esme = ESMEAccount(systemID: "bench", password: "bench", shortCodes: ["8080"])
    static let phones = (0..<50).map { String(format: "228907%05d", $0) }

    func run() async throws {
        CommandLogging.bootstrap(defaultLevel: .warning)
        let catalog = try OperatorCatalog.load(from: SikaHome().operators)
        let menus = try SessionManager.loadMenus(directory: SikaHome().menus, catalog: catalog)
        let dir = try BenchWorld.directory("smpp")
        defer { try? FileManager.default.removeItem(at: dir) }
        let world = try await BenchWorld.make(path: dir.appending(path: "smpp.sqlite").path, catalog: catalog, wallets: senders)
        var logger = Logger(label: "sika.bench")
        logger.logLevel = .warning

        var configuration = GatewayConfiguration()
        configuration.linePort = 0
        configuration.httpPort = 0
        configuration.tokens = OperatorTokens(tokens: ["tmoney": "bench"])
        let core = GatewayCore(sessions: SessionManager(menus: menus, money: world.money), configuration: configuration, logger: logger)
        let network = SimulatedNetwork(core: core, limits: .init(numbersKept: Self.phones.count + 8))
        var smppConfiguration = SMPPServerFront.Configuration(connections: ConnectionLimits(total: 64, perAddress: 64, perOperator: 64))
        smppConfiguration.port = 0
        smppConfiguration.window = window
        let smsc = SMPPServerFront(
            network: network, directory: try ESMEDirectory(accounts: [Self.esme], catalog: catalog), configuration: smppConfiguration,
            logger: logger)
        let server = SikaServer(core: core, additionalServices: [smsc], simulator: network, logger: logger)
        let group = try server.serviceGroup()
        let serving = Task { try await group.run() }
        let (linePort, _) = try await server.waitUntilListening()
        let smppPort = try await smsc.waitUntilListening()

        print("submit_sm: \(messages) SMS over \(binds) bind(s), window \(window); the line protocol's PING at the same concurrency")
        let ping = try await linePings(port: linePort)
        print("line PING/PONG (baseline)          \(ping)")
        let plain = try await submits(port: smppPort, receipts: false)
        print("submit_sm, no receipt              \(plain)")
        let receipted = try await submits(port: smppPort, receipts: true)
        print("submit_sm + receipt (deliver_sm)   \(receipted)")
        print(String(format: "submit_sm / line PING   %.2f x  (with receipts %.2f x)", plain.rate / ping.rate, receipted.rate / ping.rate))
        await group.triggerGracefulShutdown()
        try await serving.value

        print("USSD: \(dialogues) dialogues x \(journeys) transfer journeys (7 steps), window \(window)")
        let line = try await lineJourneys(world: world, menus: menus, logger: logger)
        print("line socket steps (baseline)       \(line)")
        let ussd = try await smppJourneys(world: world, menus: menus, logger: logger)
        print("USSD over SMPP steps               \(ussd)")
        print(String(format: "SMPP / line socket   %.2f x steps/s", ussd.rate / line.rate))
        guard try await world.money.ledger.verify().isClean else { throw ValidationError("ledger does not verify") }
        print(try await BenchWorld.durabilityLine(world.money.ledger))
    }

    // MARK: submit_sm

    func submits(port: Int, receipts: Bool) async throws -> Rate {
        var clients: [SMPPClient] = []
        for _ in 0..<binds {
            var configuration = SMPPClientConfiguration()
            configuration.windowSize = window
            configuration.maximumWaitingRequests = messages
            let client = try await SMPPClient.connect(host: "127.0.0.1", port: port, configuration: configuration)
            try await client.bind(receipts ? .transceiver : .transmitter, systemID: Self.esme.systemID, password: Self.esme.password)
            clients.append(client)
        }
        let receiptsSeen = Counter()
        let throttled = Counter()
        let readers = clients.map { client in
            Task {
                for await inbound in client.inbound {
                    inbound.respond()
                    if inbound.receipt != nil { receiptsSeen.value.add(1, ordering: .relaxed) }
                }
            }
        }
        let recorder = Recorder()
        let perBind = messages / binds
        let started = ContinuousClock.now
        try await withThrowingTaskGroup(of: Void.self) { group in
            for (bind, client) in clients.enumerated() {
                // window × 2 senders per bind keep its window full without queueing the whole run in memory.
                for lane in 0..<(window * 2) {
                    group.addTask {
                        var n = lane
                        while n < perBind {
                            let phone = Self.phones[(bind * perBind + n) % Self.phones.count]
                            let message = SubmitSM(
                                source: .shortCode("8080"), destination: .international(phone), registeredDelivery: receipts ? 1 : 0,
                                shortMessage: Array("Bench \(bind)-\(n)".utf8))
                            let sent = ContinuousClock.now
                            do {
                                try await client.submit(message)
                            } catch let error as SMPPError where error.status == .throttled {
                                // The account's mailbox holds as many receipts as it may: back off and send it again,
                                // as an ESME does; the rate counts accepted submit_sm only.
                                throttled.value.add(1, ordering: .relaxed)
                                try await Task.sleep(for: .milliseconds(50))
                                continue
                            }
                            recorder.record(sent)
                            n += window * 2
                        }
                    }
                }
            }
            try await group.waitForAll()
        }
        if receipts {
            let deadline = ContinuousClock.now + .seconds(60)
            while receiptsSeen.value.load(ordering: .relaxed) < perBind * binds, ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(5))
            }
        }
        let elapsed = ContinuousClock.now - started
        for client in clients { try? await client.unbind() }
        for reader in readers { reader.cancel() }
        let note = "\(receiptsSeen.value.load(ordering: .relaxed)) receipts, \(throttled.value.load(ordering: .relaxed)) ESME_RTHROTTLED"
        return recorder.rate(elapsed: elapsed, note: receipts ? note : nil)
    }

    func linePings(port: Int) async throws -> Rate {
        var clients: [LineClient] = []
        for _ in 0..<binds {
            let client = try await LineClient.connect(host: "127.0.0.1", port: port)
            try await client.hello(operatorID: "tmoney", token: "bench")
            clients.append(client)
        }
        let recorder = Recorder()
        let perBind = messages / binds
        let window = self.window
        let started = ContinuousClock.now
        try await withThrowingTaskGroup(of: Void.self) { group in
            for client in clients {
                for lane in 0..<(window * 2) {
                    group.addTask {
                        var n = lane
                        while n < perBind {
                            let sent = ContinuousClock.now
                            _ = try await client.ping("p\(n)")
                            recorder.record(sent)
                            n += window * 2
                        }
                    }
                }
            }
            try await group.waitForAll()
        }
        let elapsed = ContinuousClock.now - started
        for client in clients { await client.close() }
        return recorder.rate(elapsed: elapsed)
    }

    // MARK: USSD journeys

    /// Seven phone steps: dial, send money, on-net, number, amount, confirm, PIN (as `sika-bench gateway`).
    static let inputs = GatewayBench.inputs

    func lineJourneys(world: BenchWorld, menus: MenuSet, logger: Logger) async throws -> Rate {
        var configuration = GatewayConfiguration()
        configuration.linePort = 0
        configuration.httpPort = 0
        configuration.tokens = OperatorTokens(tokens: ["tmoney": "bench"])
        let core = GatewayCore(sessions: SessionManager(menus: menus, money: world.money), configuration: configuration, logger: logger)
        let server = SikaServer(core: core, logger: logger)
        let group = try server.serviceGroup()
        let serving = Task { try await group.run() }
        let (port, _) = try await server.waitUntilListening()
        let client = try await LineClient.connect(host: "127.0.0.1", port: port)
        try await client.hello(operatorID: "tmoney", token: "bench")
        let recorder = Recorder()
        let (journeys, numbers) = (self.journeys, world.wallets)
        let started = ContinuousClock.now
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<dialogues {
                group.addTask {
                    for n in 0..<journeys {
                        let id = "l\(index)-\(n)"
                        var sent = ContinuousClock.now
                        var answer = try await client.begin(session: id, msisdn: numbers[index % numbers.count], dial: "*145#")
                        recorder.record(sent)
                        for input in Self.inputs {
                            guard case .screen = answer else { throw ValidationError("journey failed: \(answer.rendered)") }
                            sent = .now
                            answer = try await client.reply(session: id, input: input)
                            recorder.record(sent)
                        }
                        guard case .end(_, let text) = answer, text.contains("reussi") else {
                            throw ValidationError("journey failed: \(answer.rendered)")
                        }
                    }
                }
            }
            try await group.waitForAll()
        }
        let elapsed = ContinuousClock.now - started
        await client.close()
        await group.triggerGracefulShutdown()
        try await serving.value
        return recorder.rate(elapsed: elapsed)
    }

    func smppJourneys(world: BenchWorld, menus: MenuSet, logger: Logger) async throws -> Rate {
        let gateway = try await BenchGateway.start(window: window, logger: logger)
        var configuration = GatewayConfiguration()
        configuration.linePort = 0
        configuration.httpPort = 0
        let core = GatewayCore(sessions: SessionManager(menus: menus, money: world.money), configuration: configuration, logger: logger)
        var link = SMPPLinkConfiguration(
            operatorID: "tmoney", host: "127.0.0.1", port: gateway.port, systemID: BenchGateway.systemID, password: BenchGateway.password)
        link.window = window
        let front = try SMPPClientFront(core: core, links: [link], logger: logger)
        let server = SikaServer(core: core, additionalServices: [front], logger: logger)
        let group = try server.serviceGroup()
        let serving = Task { try await group.run() }
        _ = try await server.waitUntilListening()
        try await front.waitUntilBound()
        let recorder = Recorder()
        let (journeys, numbers) = (self.journeys, world.wallets)
        let started = ContinuousClock.now
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<dialogues {
                group.addTask {
                    let msisdn = numbers[index % numbers.count]
                    for n in 0..<journeys {
                        // A dialogue is the phone's number with its session number: unique per running dialogue.
                        let number = UInt8(truncatingIfNeeded: (index / numbers.count) * journeys + n)
                        var sent = ContinuousClock.now
                        var screen = try await gateway.step(msisdn: msisdn, number: number, op: .pssrIndication, text: "*145#", sequence: 0)
                        recorder.record(sent)
                        for (offset, input) in Self.inputs.enumerated() {
                            guard screen.options.ussdServiceOp == .ussrRequest else { throw ValidationError("journey failed: \(screen.text)") }
                            sent = .now
                            screen = try await gateway.step(
                                msisdn: msisdn, number: number, op: .ussrConfirm, text: input, sequence: UInt8(2 * offset + 2))
                            recorder.record(sent)
                        }
                        guard screen.options.ussdServiceOp == .pssrResponse, screen.text.contains("reussi") else {
                            throw ValidationError("journey failed: \(screen.text)")
                        }
                    }
                }
            }
            try await group.waitForAll()
        }
        let elapsed = ContinuousClock.now - started
        await group.triggerGracefulShutdown()
        try await serving.value
        await gateway.stop()
        return recorder.rate(elapsed: elapsed)
    }

    // MARK: Recording

    /// Requests per second and the latency distribution of one run.
    struct Rate: CustomStringConvertible {
        var count: Int
        var seconds: Double
        var p50: Double
        var p99: Double
        var note: String?
        var rate: Double { Double(count) / seconds }
        var description: String {
            String(format: "%8.0f /s  p50 %6.2f ms  p99 %6.2f ms  (%d in %.2f s)", rate, p50, p99, count, seconds) + (note.map { "; \($0)" } ?? "")
        }
    }

    /// A count several tasks add to.
    final class Counter: Sendable {
        let value = Atomic<Int>(0)
    }

    /// Latencies in microseconds, in an HDR histogram.
    final class Recorder: Sendable {
        private let histogram = Mutex(Histogram<UInt64>(highestTrackableValue: 120_000_000, numberOfSignificantValueDigits: .three))

        func record(_ sent: ContinuousClock.Instant) {
            let elapsed = ContinuousClock.now - sent
            let micros = UInt64(max(1, elapsed.components.seconds * 1_000_000 + elapsed.components.attoseconds / 1_000_000_000_000))
            histogram.withLock { _ = $0.record(micros) }
        }

        func rate(elapsed: Duration, note: String? = nil) -> Rate {
            histogram.withLock { histogram in
                Rate(
                    count: Int(histogram.totalCount), seconds: elapsed.seconds, p50: Double(histogram.valueAtPercentile(50)) / 1000,
                    p99: Double(histogram.valueAtPercentile(99)) / 1000, note: note)
            }
        }
    }
}

/// An operator's USSD gateway for the bench: Sika binds to it as an ESME; `step` sends one dialogue message as
/// deliver_sm and waits for the screen Sika submits back.
final class BenchGateway: SMPPServerDelegate {
    static let systemID = "sika"
    static let password = "bench"

    private struct Key: Hashable {
        let msisdn: String
        let number: UInt8
    }

    private let waiting = Mutex<[Key: CheckedContinuation<SubmitSM, Never>]>([:])
    private let session = Mutex<SMPPServerSession?>(nil)
    private let server = Mutex<SMPPServer?>(nil)

    static func start(window: Int, logger: Logger) async throws -> BenchGateway {
        let gateway = BenchGateway()
        var configuration = SMPPServerConfiguration()
        configuration.windowSize = window
        configuration.maximumWaitingDeliveries = 100_000
        configuration.logger = logger
        let server = try await SMPPServer.start(host: "127.0.0.1", port: 0, configuration: configuration, delegate: gateway)
        gateway.server.withLock { $0 = server }
        return gateway
    }

    var port: Int { server.withLock { $0?.port ?? 0 } }

    func authenticate(_ request: BindRequest, kind: BindKind, connection: SMPPConnectionInfo) async -> BindDecision {
        request.systemID == Self.systemID && request.password == Self.password ? .accept() : .reject(.invalidPassword)
    }

    func sessionBound(_ session: SMPPServerSession) async { self.session.withLock { $0 = session } }

    func submit(_ message: SubmitSM, session: SMPPServerSession) async -> SubmitDecision {
        if message.isUSSD, let number = message.options.itsSessionInfo?.sessionNumber {
            let key = Key(msisdn: message.destination.address, number: number)
            waiting.withLock { $0.removeValue(forKey: key) }?.resume(returning: message)
        }
        return .accepted(messageID: "b")
    }

    func step(msisdn: String, number: UInt8, op: USSDServiceOp, text: String, sequence: UInt8) async throws -> SubmitSM {
        guard let session = session.withLock({ $0 }) else { throw ValidationError("Sika is not bound") }
        let message = DeliverSM.ussd(
            op, source: .international(msisdn), destination: Address("*145#"), text: text,
            session: ITSSessionInfo(sessionNumber: number, sequenceNumber: sequence))
        let key = Key(msisdn: msisdn, number: number)
        return await withCheckedContinuation { continuation in
            waiting.withLock { $0[key] = continuation }
            Task {
                do {
                    try await session.deliver(message)
                } catch {
                    // No screen will come: an empty message fails the journey's check.
                    self.waiting.withLock { $0.removeValue(forKey: key) }?.resume(returning: SubmitSM(source: Address(), destination: Address()))
                }
            }
        }
    }

    func stop() async { await server.withLock { $0 }?.shutdownGracefully() }
}
