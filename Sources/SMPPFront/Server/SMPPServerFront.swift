import GatewayCore
import Logging
import NIOCore
import NIOPosix
import SMPP
import ServiceLifecycle
import Simulator
import Synchronization

/// The operator network simulator's SMPP server (`sika serve --smpp-port`): ESMEs bind with the accounts of the ESME
/// file to send SMS to the simulated phones (with delivery receipts), receive the phones' SMS to their short codes,
/// and serve their own USSD codes to the phones. As a service: listens until graceful shutdown, then unbinds every
/// ESME (waiting for its unbind_resp up to the unbind timeout) and closes.
public final class SMPPServerFront: Service, Sendable {
    /// How the server listens and what each bind gets.
    public struct Configuration: Sendable {
        public var host = "127.0.0.1"
        /// 0 picks a free port (read it back from `port`).
        public var port = 2775
        /// deliver_sm in flight per bind, unless the account says otherwise.
        public var window = 10
        /// submit_sm per second per bind, unless the account says otherwise; nil: no limit.
        public var throttle: ThrottleRate?
        /// Connections at once, per client address, and binds per account.
        public var connections: ConnectionLimits
        /// How long a phone's USSD step waits for the ESME's screen.
        public var dialogueTimeout: Duration = .seconds(30)
        /// Messages kept per account while it has no receiving bind (or its binds are slow).
        public var mailboxCapacity = 10_000
        public var enquireLinkInterval: TimeAmount = .seconds(30)
        public var deadPeerTimeout: TimeAmount = .seconds(10)
        public var bindTimeout: TimeAmount = .seconds(30)
        public var unbindTimeout: TimeAmount = .seconds(5)
        public var maximumPDUSize = SMPPFrameDecoder.defaultMaximumPDUSize

        public init(connections: ConnectionLimits) { self.connections = connections }
    }

    public let configuration: Configuration
    public let directory: ESMEDirectory
    /// The listener's caps and their Prometheus series (`listener="smpp"`).
    public let gate: ConnectionGate
    private let network: SimulatedNetwork
    private let host: ESMEHost
    private let group: any EventLoopGroup
    private let logger: Logger
    private let server = Mutex<SMPPServer?>(nil)

    public init(
        network: SimulatedNetwork, directory: ESMEDirectory, configuration: Configuration,
        group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton, logger: Logger
    ) {
        self.network = network
        self.directory = directory
        self.configuration = configuration
        self.group = group
        self.logger = logger
        gate = ConnectionGate(listener: "smpp", limits: configuration.connections, registry: network.core.metrics.registry)
        host = ESMEHost(
            directory: directory, network: network, gate: gate,
            settings: .init(throttle: configuration.throttle, window: configuration.window, mailboxCapacity: configuration.mailboxCapacity),
            logger: logger)
    }

    /// The port bound, once listening.
    public var port: Int? { server.withLock { $0?.port } }

    /// Open dialogues between phones and ESMEs.
    public var openDialogues: Int { host.dialogues.count }

    /// PDUs read from all connections so far.
    public var pdusReceived: Int { server.withLock { $0?.pdusReceived ?? 0 } }

    /// The binds of one account now.
    public func binds(of systemID: String) -> Int { host.binds.count(systemID: systemID) }

    public func run() async throws {
        let ussd = ESMEUSSDService(
            directory: directory, binds: host.binds, dialogues: host.dialogues, timeout: configuration.dialogueTimeout, logger: logger)
        let sms = ESMESMSService(directory: directory, mailboxes: host.mailboxes)
        for account in directory.accounts {
            for code in account.ussdCodes { network.services.register(ussdCode: code, ussd) }
            for code in account.shortCodes { network.services.register(shortCode: code, sms) }
        }
        var settings = SMPPServerConfiguration()
        settings.systemID = "sika"
        settings.windowSize = configuration.window
        settings.throttle = configuration.throttle
        settings.maximumPDUSize = configuration.maximumPDUSize
        settings.enquireLinkInterval = configuration.enquireLinkInterval
        settings.deadPeerTimeout = configuration.deadPeerTimeout
        settings.bindTimeout = configuration.bindTimeout
        settings.unbindTimeout = configuration.unbindTimeout
        settings.admission = GateAdmission(gate: gate)
        settings.logger = logger
        let started = try await SMPPServer.start(
            host: configuration.host, port: configuration.port, configuration: settings, delegate: host, group: group)
        server.withLock { $0 = started }
        logger.info(
            "SMPP server ready",
            metadata: [
                "host": "\(configuration.host)", "port": "\(started.port)", "accounts": "\(directory.accounts.count)",
                "max_connections": "\(configuration.connections.total)",
            ])
        try? await gracefulShutdown()
        // Unbind every ESME (unbind, wait for unbind_resp), then close.
        await started.shutdownGracefully()
        for account in directory.accounts {
            for code in account.ussdCodes { network.services.unregister(ussdCode: code) }
            for code in account.shortCodes { network.services.unregister(shortCode: code) }
        }
        logger.info("SMPP server stopped")
    }

    /// Waits until listening and returns the port.
    public func waitUntilListening(timeout: Duration = .seconds(10)) async throws -> Int {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if let port { return port }
            try await Task.sleep(for: .milliseconds(5))
        }
        throw GatewayError(.unavailable, "the SMPP server did not start")
    }
}
