import ArgumentParser
import Foundation
import Gateway
import Ledger
import Logging
import MobileMoney
import Sessions

/// `sika serve`: the line listener, the HTTP front and SMS delivery in one process.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the operator line socket, the USSD HTTP callback, metrics and SMS delivery.",
        discussion: """
            Operator tokens come from $SIKA_TOKEN_TMONEY, $SIKA_TOKEN_FLOOZ… (one per operator). With --demo, missing ones are \
            generated and printed, and the demo subscribers are created on first start. Stop with Ctrl-C (SIGINT) or SIGTERM: \
            the listeners stop accepting, steps in flight finish, then the process exits.
            """)

    @OptionGroup var store: StoreOptions
    @Option(help: "Menu directory.") var menus: String = "menus"
    @Option(help: "Line-protocol listen address.") var lineHost: String = "127.0.0.1"
    @Option(help: "Line-protocol port (0 picks a free one).") var linePort: Int = 7145
    @Option(help: "HTTP listen address.") var httpHost: String = "127.0.0.1"
    @Option(help: "HTTP port (0 picks a free one).") var httpPort: Int = 8080
    @Option(help: "Seconds without a step after which a session expires.") var idleTimeout: Int = 180
    @Flag(help: "Seed the demo subscribers if missing, generate missing operator tokens, and print both.") var demo = false
    @Option(help: "Demo world used by --demo.") var world: String = "fixtures/demo-world.yaml"
    @Flag(help: "Accept any HELLO token and lines before HELLO. For local play only.") var noAuth = false

    func validate() throws {
        guard (0...65535).contains(linePort), (0...65535).contains(httpPort) else { throw ValidationError("ports are 0…65535") }
        guard idleTimeout > 0 else { throw ValidationError("--idle-timeout must be positive") }
    }

    func run() async throws {
        CommandLogging.bootstrap(defaultLevel: .info)
        // Made before `store.open()`, which lowers the default level for the loggers created after it.
        let logger = Logger(label: "sika.serve")
        let gatewayLogger = Logger(label: "sika.gateway")
        let money = try store.open()
        let menuSet = try SessionManager.loadMenus(directory: URL(fileURLWithPath: menus), catalog: money.catalog)
        if demo {
            let demoWorld = try DemoWorld.load(from: URL(fileURLWithPath: world))
            try await demoWorld.seed(into: money)
            Self.say("Demo subscribers (PINs for local play only):\n\(demoWorld.summary)\n")
        }
        let tokens = OperatorTokens.load(environment: ProcessInfo.processInfo.environment, catalog: money.catalog, generateMissing: demo)
        var configuration = GatewayConfiguration()
        configuration.lineHost = lineHost
        configuration.linePort = linePort
        configuration.httpHost = httpHost
        configuration.httpPort = httpPort
        configuration.tokens = tokens
        configuration.requireAuthentication = !noAuth
        configuration.idleTimeout = .seconds(idleTimeout)
        for op in money.catalog.operators where tokens.tokens[op.id] == nil && !noAuth {
            logger.warning("no token for operator: it cannot connect", metadata: ["operator": "\(op.id)", "env": "SIKA_TOKEN_\(op.id.uppercased())"])
        }

        let metrics = GatewayMetrics()
        let core = GatewayCore(
            sessions: SessionManager(menus: menuSet, money: money, idleTimeout: configuration.idleTimeout, onAction: metrics.recordAction),
            configuration: configuration, metrics: metrics, logger: gatewayLogger)
        let server = SikaServer(core: core, logger: logger)
        let showTokens = demo
        Task {
            guard let (line, http) = try? await server.waitUntilListening(timeout: .seconds(30)) else { return }
            var lines = ["Line protocol on \(lineHost):\(line), HTTP on http://\(httpHost):\(http) (/ussd, /health, /metrics)."]
            if showTokens {
                for (op, token) in tokens.tokens.sorted(by: { $0.key < $1.key }) {
                    lines.append("  token \(op): \(token)\(tokens.generated.contains(op) ? " (generated for this run)" : "")")
                }
            }
            let example = tokens.tokens["tmoney"].map { "HELLO tmoney \($0)" } ?? "HELLO tmoney <token>"
            lines.append("Try: nc \(lineHost) \(line), then \(example) and BEGIN s1 22890112233 *145#")
            Self.say(lines.joined(separator: "\n"))
        }
        try await server.serviceGroup(handlingSignals: true).run()
    }

    /// Prints for people and flushes at once: stdout may be a pipe or a file, where output is block-buffered.
    static func say(_ text: String) {
        print(text)
        fflush(nil)
    }
}
