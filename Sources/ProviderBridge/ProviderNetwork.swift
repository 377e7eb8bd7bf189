import AsyncHTTPClient
import Logging
import MobileMoney
import ServiceLifecycle

/// Everything off-net for one Sika process: a simulator per operator, the bridge that calls them, and
/// the reconciler. `sika serve` builds one with `simulated(...)` and runs `services`; session scripts use
/// `inProcess(...)`, which skips the sockets but keeps the same behaviour and faults.
public struct ProviderNetwork: Sendable {
    /// HTTP simulators to run (empty for an in-process network).
    public let simulators: [ProviderSimulator]
    /// The in-process simulators' cores, by operator (the HTTP ones wrap these too).
    public let providers: [String: SimulatedProvider]
    public let bridge: OffNetBridge
    public let reconciler: Reconciler

    /// The simulators and the reconciler, ready for a `ServiceGroup`.
    public var services: [any Service] { simulators.map { $0 as any Service } + [reconciler as any Service] }

    /// One HTTP simulator per operator of the catalog on `host`, ports `basePort`, `basePort + 1`… in
    /// catalog order (7301 T-Money, 7302 Flooz by default), and a bridge that reaches them over HTTP
    /// with the simulators' default API keys.
    public static func simulated(
        money: MobileMoney, host: String = "127.0.0.1", basePort: Int = 7301, faults: FaultPlan = .none,
        bridgeOptions: OffNetBridge.Options = .init(), reconcilerOptions: Reconciler.Options = .init(),
        client: HTTPClient = HTTPProvider.sharedClient,
        logger: Logger = Logger(label: "sika.bridge")
    ) -> ProviderNetwork {
        let operators = money.catalog.operators.map(\.id)
        var cores: [String: SimulatedProvider] = [:]
        var simulators: [ProviderSimulator] = []
        var clients: [any Provider] = []
        for (index, op) in operators.enumerated() {
            let core = simulator(for: op, money: money, faults: faults, logger: logger)
            cores[op] = core
            let port = basePort + index
            simulators.append(ProviderSimulator(provider: core, host: host, port: port))
            for source in operators where source != op {
                clients.append(
                    HTTPProvider(
                        operatorID: op, source: source, baseURL: "http://\(host):\(port)",
                        apiKey: SimulatedProvider.defaultAPIKey(source: source, provider: op), client: client))
            }
        }
        let bridge = OffNetBridge(money: money, providers: clients, options: bridgeOptions, logger: logger)
        return ProviderNetwork(
            simulators: simulators, providers: cores, bridge: bridge,
            reconciler: Reconciler(bridge: bridge, options: reconcilerOptions, logger: logger))
    }

    /// Simulators called without sockets (`LocalProvider`), for session scripts and fast tests.
    /// - Parameter hang: what the simulators do with a request that meets a `timeout` fault (see `SimulatedProvider.Hang`).
    public static func inProcess(
        money: MobileMoney, faults: FaultPlan = .none, bridgeOptions: OffNetBridge.Options = .init(),
        reconcilerOptions: Reconciler.Options = .init(), logger: Logger = Logger(label: "sika.bridge"), hang: SimulatedProvider.Hang? = nil
    ) -> ProviderNetwork {
        let operators = money.catalog.operators.map(\.id)
        var cores: [String: SimulatedProvider] = [:]
        var clients: [any Provider] = []
        for op in operators {
            let core = simulator(for: op, money: money, faults: faults, logger: logger, hang: hang)
            cores[op] = core
            for source in operators where source != op {
                clients.append(LocalProvider(simulator: core, source: source, apiKey: SimulatedProvider.defaultAPIKey(source: source, provider: op)))
            }
        }
        let bridge = OffNetBridge(money: money, providers: clients, options: bridgeOptions, logger: logger)
        return ProviderNetwork(
            simulators: [], providers: cores, bridge: bridge, reconciler: Reconciler(bridge: bridge, options: reconcilerOptions, logger: logger))
    }

    /// A simulator for `op` that accepts every other operator of the catalog with its default API key.
    public static func simulator(
        for op: String, money: MobileMoney, faults: FaultPlan, logger: Logger, hang: SimulatedProvider.Hang? = nil
    ) -> SimulatedProvider {
        let keys = Dictionary(
            uniqueKeysWithValues: money.catalog.operators.map(\.id).filter { $0 != op }.map {
                (SimulatedProvider.defaultAPIKey(source: $0, provider: op), $0)
            })
        return SimulatedProvider(operatorID: op, money: money, apiKeys: keys, faults: faults, logger: logger, hang: hang)
    }
}
