import GatewayCore
import HTTPServerSupport
import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import JSONAPI
import LineFront
import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle
import Sessions
import Simulator
import SimulatorFront
import Synchronization
import USSDFront

/// Everything `sika serve` runs in one process, as one service group: the line listener, the HTTP
/// front, the SMS dispatcher, the idle-session sweeper, and whatever other in-process services the
/// caller adds (provider simulators, reconcilers…).
///
/// On graceful shutdown the group stops services in reverse order: the listeners first (stop
/// accepting, finish steps in flight, flush), then the dispatcher and sweeper, then the additional services.
public final class SikaServer: Sendable {
    public let core: GatewayCore
    public let lineListener: LineListener
    public let callback: USSDCallback
    private let additionalServices: [any Service]
    private let api: WalletAPI?
    /// The simulated network of the web simulator; nil when it is off (its routes then answer `404 simulator_off`).
    public let simulator: SimulatedNetwork?
    private let httpPort = Mutex<Int?>(nil)
    private let logger: Logger
    private let group: any EventLoopGroup

    /// - Parameters:
    ///   - api: the JSON API for apps, served under `/api` beside the USSD callback.
    ///   - simulator: the web simulator's network, served at `/` and `/simulator/api` on the HTTP listener; its SMS
    ///     sinks are connected when the service group is made.
    ///   - group: the event loops of both listeners' connections.
    ///   - endedSessions: where the USSD callback retains ended sessions (the durable session store's, so a
    ///     replayed callback gets its final screen after a restart); by default in memory.
    ///   - sharedCallbacks: where `POST /ussd` sessions live between requests when several nodes share one database
    ///     (the session manager then shares the `http` front); nil: in this process.
    public init(
        core: GatewayCore, additionalServices: [any Service] = [], api: WalletAPI? = nil, simulator: SimulatedNetwork? = nil,
        group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton, endedSessions: (any EndedSessionStore)? = nil,
        sharedCallbacks: (any SharedCallbackStore)? = nil, logger: Logger
    ) {
        self.core = core
        self.api = api
        self.simulator = simulator
        self.group = group
        self.lineListener = LineListener(core: core, group: group)
        self.callback = USSDCallback(core: core, ended: endedSessions, shared: sharedCallbacks)
        self.additionalServices = additionalServices
        self.logger = logger
    }

    /// The HTTP port actually bound, once listening.
    public var boundHTTPPort: Int? { httpPort.withLock { $0 } }

    /// The group to run; with `handlingSignals`, SIGINT and SIGTERM trigger a graceful shutdown (`sika serve`; not in tests).
    public func serviceGroup(handlingSignals: Bool = false) throws -> ServiceGroup {
        let configuration = core.configuration
        let router = HTTPFront.router(core: core, callback: callback)
        api?.register(on: router)
        SimulatorFront.register(on: router, network: simulator)
        simulator?.connect()
        let http = Application(
            router: router,
            server: Self.httpServer(configuration: configuration, gate: core.httpConnections),
            configuration: ApplicationConfiguration(address: .hostname(configuration.httpHost, port: configuration.httpPort)),
            onServerRunning: { channel in self.httpPort.withLock { $0 = channel.localAddress?.port } },
            eventLoopGroupProvider: .shared(group),
            logger: logger)
        let services: [any Service] =
            additionalServices + [SMSDispatchService(dispatcher: core.dispatcher), SessionSweeper(core: core), http, lineListener]
        return ServiceGroup(
            services: services, gracefulShutdownSignals: handlingSignals ? [.sigint, .sigterm] : [], cancellationSignals: [], logger: logger)
    }

    /// HTTP/1.1 (over TLS when configured) behind the connection gate, closing idle keep-alive connections.
    static func httpServer(configuration: GatewayConfiguration, gate: ConnectionGate) -> HTTPServerBuilder {
        let http1 = HTTP1Channel.Configuration(idleTimeout: TimeAmount(configuration.httpIdleTimeout))
        let tls = configuration.tls
        return HTTPServerBuilder { responder in
            let base = HTTP1Channel(responder: responder, configuration: http1)
            if let tls { return GatedChildChannel(base: try TLSChannel(base, tlsConfiguration: tls), gate: gate) }
            return GatedChildChannel(base: base, gate: gate)
        }
    }

    /// Waits until both listeners are bound and returns their ports (line, HTTP).
    public func waitUntilListening(timeout: Duration = .seconds(60)) async throws -> (line: Int, http: Int) {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if let line = lineListener.port, let http = boundHTTPPort { return (line, http) }
            try await Task.sleep(for: .milliseconds(5))
        }
        throw GatewayError(.unavailable, "the listeners did not start")
    }
}
