import ArgumentParser
import CommandSupport
import Foundation
import GatewayCore
import JSONAPI
import Ledger
import LedgerPostgres
import Logging
import MailDelivery
import MobileMoney
import NIOSSL
import Operators
import ProviderBridge
import ScriptTargets
import Serve
import Sessions
import SessionsPostgres
import SessionsSQLite
import SikaResources
import Simulator

/// `sika serve`: the line listener, the HTTP front and SMS delivery in one process.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the operator line socket, the USSD HTTP callback, metrics and SMS delivery.",
        discussion: """
            Operator tokens for the line protocol's HELLO come from $SIKA_TOKEN_TMONEY, $SIKA_TOKEN_FLOOZ… and the aggregators' \
            secrets for POST /ussd (Authorization: Bearer <secret>, or X-Sika-Signature: sha256=<HMAC-SHA256 of the body>) from \
            $SIKA_AGGREGATOR_TOKEN_TMONEY, $SIKA_AGGREGATOR_TOKEN_FLOOZ… (one per operator), or from the same keys in the \
            --secrets file (the environment wins). With --demo, missing ones are generated and printed, and the demo subscribers \
            are created on first start; each start prints their balances as the ledger holds them. Once listening, serve \
            writes the tokens of the run (operators', aggregators' and the JSON API's admin token) and its addresses to \
            <db>.tokens, readable by its owner only, where `sika script run --connect` and `sika phone` find them. With --demo, \
            POST /api/admin/demo/reset restores the demo world (session scripts call it), and unless --faults says otherwise the \
            simulators hold credits to 22898765432 and 22890765432 (an "en cours" transfer to try). Menus, operator data, demo \
            world and OpenAPI document default to those of $SIKA_HOME, else to the ones built into sika. Stop with Ctrl-C \
            (SIGINT) or SIGTERM: the listeners stop accepting, steps in flight finish, then the process exits.

            Connections: at start the soft file descriptor limit is raised to the hard limit, and the connection caps default to \
            what fits under it minus --fd-reserve: half for the line socket, half for HTTP, and at most half of a listener for one \
            client address (or one operator). A connection beyond a cap is closed as soon as it is accepted (the line socket first \
            writes "ERR - 503 too many connections") and counted in /metrics. The numbers are printed at start.
            """)

    @OptionGroup var store: StoreOptions
    @OptionGroup(title: "SMPP (docs/SMPP.md)") var smpp: SMPPOptions
    @Option(help: "Menu directory (default: menus/ of $SIKA_HOME, else the one built into sika).") var menus: String?
    @Option(help: "Line-protocol listen address.") var lineHost: String = "127.0.0.1"
    @Option(help: "Line-protocol port (0 picks a free one).") var linePort: Int = 7145
    @Option(help: "HTTP listen address.") var httpHost: String = "127.0.0.1"
    @Option(help: "HTTP port (0 picks a free one).") var httpPort: Int = 8080
    @Option(help: "Seconds without a step after which a session expires.") var idleTimeout: Int = 180
    @Flag(help: "Seed the demo subscribers if missing, generate missing operator and aggregator tokens, and print them all.")
    var demo = false
    @Flag(help: "Serve the web simulator (phones in the browser) at / on the HTTP listener; on with --demo. It answers loopback clients only.")
    var simulator = false
    @Option(help: "Demo world used by --demo (default: fixtures/demo-world.yaml of $SIKA_HOME, else built in).") var world: String?
    @Option(help: "Seconds an ended POST /ussd session answers its final screen again (and refuses other requests under its id).")
    var endedRetention: Int = 600
    @Flag(help: "Accept any HELLO token and lines before HELLO, and POST /ussd without a credential. For local play only.")
    var noAuth = false
    @Option(help: "First port of the in-process provider simulators (one per operator, in operators.yaml order).")
    var providerPort: Int = 7301
    @Option(help: "Faults the provider simulators inject, e.g. --faults 'seed=7,5xx=0.1,latency=50ms' (see docs/PROVIDER_API.md).")
    var faults: String?
    @Option(help: "Session starts allowed per phone per minute (a burst of the same size is allowed).")
    var sessionStartsPerMinute: Int = 30
    @Option(
        help: "KEY=value file (mode 600) with SIKA_JWT_SECRET and SIKA_ADMIN_TOKEN for the JSON API, and SIKA_TOKEN_… / SIKA_AGGREGATOR_TOKEN_….")
    var secrets: String?
    @Option(help: "OpenAPI document served at /openapi.yaml (default: docs/openapi.yaml of $SIKA_HOME, else built in).") var openapi: String?
    @Option(help: "PEM certificate chain: serve TLS on both the line socket and HTTP (with --tls-key).") var tlsCert: String?
    @Option(help: "PEM private key of --tls-cert (mode 600).") var tlsKey: String?
    @Option(help: "Line-protocol connections open at once (default: half the file descriptors left after the reserve).")
    var maxLineConnections: Int?
    @Option(help: "Line-protocol connections from one client address (default: half of --max-line-connections).")
    var maxLineConnectionsPerAddress: Int?
    @Option(help: "Authenticated line-protocol connections of one operator (default: half of --max-line-connections).")
    var maxConnectionsPerOperator: Int?
    @Option(help: "HTTP connections open at once (default: the other half of the file descriptors left after the reserve).")
    var maxHTTPConnections: Int?
    @Option(help: "HTTP connections from one client address; trusted proxies count only toward the total (default: half of it).")
    var maxHTTPConnectionsPerAddress: Int?
    @Option(help: "File descriptors kept for the database, logs and outgoing connections, below the limit.")
    var fdReserve: Int = FileDescriptorBudget.defaultReserve
    @Option(help: "Seconds a line connection may stay without a successful HELLO before it is closed (not with --no-auth).")
    var helloTimeout: Int = 10
    @Option(help: "Seconds an HTTP keep-alive connection may stay idle before it is closed.") var httpIdleTimeout: Int = 30
    @Option(
        help: ArgumentHelp(
            "A proxy (IP address or CIDR range) whose X-Forwarded-For names the API client; repeatable. None by default: the header is ignored.",
            valueName: "address"))
    var trustedProxy: [String] = []
    @Option(help: "With --database: seconds a node's claim on SMS it delivers holds; a node that dies leaves them to another node after it.")
    var smsLease: Int = 30
    @Option(help: "Milliseconds between two looks at the SMS outbox when nothing woke the dispatcher (on PostgreSQL, other nodes' receipts wake it).")
    var smsPoll: Int = 500
    @Option(
        help: ArgumentHelp(
            "With --database: this node's name among the nodes of the database (default: host name and line port).",
            discussion: "The sessions a restarted node takes back are the ones it wrote under its name: keep it across restarts, "
                + "and give each node of one database its own."))
    var nodeName: String?
    @Option(help: "Keys (phones, client addresses) each rate limiter remembers at once.")
    var rateLimitKeys: Int = TokenBucketLimiter.defaultMaxKeys
    @Option(
        help: ArgumentHelp(
            "Where sessions live between steps: sqlite (<db>.sessions.sqlite, survives a restart), postgres (beside a --database ledger; "
                + "the default with one) or memory (lost on restart).",
            discussion: "With sqlite, sessions that were waiting for an answer when serve stopped (SIGTERM, SIGKILL) can be resumed "
                + "by their number within the menu's resume window, and ended POST /ussd sessions still answer their final screen to a "
                + "replayed request for --ended-retention. See docs/SESSIONS.md.",
            valueName: "store"))
    var sessions: SessionStoreKind?
    @OptionGroup var mail: MailOptions

    func validate() throws {
        guard (0...65535).contains(linePort), (0...65535).contains(httpPort) else { throw ValidationError("ports are 0…65535") }
        if let nodeName, nodeName.isEmpty || nodeName.count > 200 { throw ValidationError("--node-name must be 1…200 characters") }
        guard idleTimeout > 0 else { throw ValidationError("--idle-timeout must be positive") }
        guard endedRetention > 0 else { throw ValidationError("--ended-retention must be positive") }
        guard (tlsCert == nil) == (tlsKey == nil) else { throw ValidationError("--tls-cert and --tls-key go together") }
        guard sessionStartsPerMinute > 0 else { throw ValidationError("--session-starts-per-minute must be positive") }
        guard (tlsCert == nil) == (tlsKey == nil) else { throw ValidationError("--tls-cert and --tls-key go together") }
        let caps = [maxLineConnections, maxLineConnectionsPerAddress, maxConnectionsPerOperator, maxHTTPConnections, maxHTTPConnectionsPerAddress]
        guard caps.allSatisfy({ ($0 ?? 1) > 0 }) else { throw ValidationError("connection caps must be positive") }
        guard fdReserve >= 0 else { throw ValidationError("--fd-reserve must be 0 or more") }
        guard helloTimeout > 0, httpIdleTimeout > 0 else { throw ValidationError("--hello-timeout and --http-idle-timeout must be positive") }
        guard rateLimitKeys > 0 else { throw ValidationError("--rate-limit-keys must be positive") }
        guard smsLease > 0, smsPoll > 0 else { throw ValidationError("--sms-lease and --sms-poll must be positive") }
        do { _ = try TrustedProxies(trustedProxy) } catch { throw ValidationError("--trusted-proxy: \(error)") }
        if let faults {
            do { _ = try FaultPlan.parse(faults) } catch { throw ValidationError("--faults: \(error.description)") }
        }
    }

    func run() async throws {
        // First, before any file is opened: every connection is a descriptor.
        let budget = FileDescriptorBudget.raised(reserve: fdReserve)
        CommandLogging.bootstrap(defaultLevel: .info)
        // Made before `store.open()`, which lowers the default level for the loggers created after it.
        let logger = Logger(label: "sika.serve")
        let gatewayLogger = Logger(label: "sika.gateway")
        // Before anything is seeded or printed: a port in use is one line naming it.
        try ListenCheck.ensureFree(
            [.init(what: "line protocol", host: lineHost, port: linePort), .init(what: "HTTP", host: httpHost, port: httpPort)]
                + (smpp.serverRuns(demo: demo) ? [.init(what: "SMPP", host: smpp.smppHost, port: smpp.smppPort)] : [])
                + (0..<(try store.catalog().operators.count)).map {
                    .init(what: "provider simulator", host: "127.0.0.1", port: providerPort + $0)
                })
        let home = SikaHome()
        let secretValues = try secrets.map(SecretFile.readAssignments) ?? [:]
        let money = try await store.open(moneyOptions: try mail.moneyOptions(), secrets: secretValues)
        let menuSet = try SessionManager.loadMenus(directory: URL(fileURLWithPath: menus ?? home.menus.path), catalog: money.catalog)
        let demoWorld = try demo ? DemoWorld.load(from: URL(fileURLWithPath: world ?? home.world.path)) : nil
        try await demoWorld?.seed(into: money)
        var values = secretValues
        values.merge(ProcessInfo.processInfo.environment) { $1 }
        let tokens = OperatorTokens.load(environment: values, catalog: money.catalog, generateMissing: demo)
        let aggregatorTokens = OperatorTokens.load(
            environment: values, catalog: money.catalog, generateMissing: demo, prefix: OperatorTokens.aggregatorPrefix)
        // The secret alone names the aggregator's operator: two operators sharing one would both be refused.
        if Set(aggregatorTokens.tokens.values).count < aggregatorTokens.tokens.count {
            throw MobileMoneyError(.configuration, "every operator needs its own \(OperatorTokens.aggregatorPrefix)… secret")
        }
        var configuration = GatewayConfiguration(budget: budget)
        configure(&configuration, budget: budget, logger: logger)
        configuration.lineHost = lineHost
        configuration.linePort = linePort
        configuration.httpHost = httpHost
        configuration.httpPort = httpPort
        configuration.tokens = tokens
        configuration.aggregatorTokens = aggregatorTokens
        configuration.requireAuthentication = !noAuth
        configuration.idleTimeout = .seconds(idleTimeout)
        configuration.endedRetention = .seconds(endedRetention)
        configuration.smsPollInterval = .milliseconds(smsPoll)
        let outboxEndpoint: PostgresEndpoint?
        if case .postgres(let endpoint) = try store.backend(secrets: secretValues) {
            // Several nodes may deliver this outbox: claims with a lease, this process's name on them.
            outboxEndpoint = endpoint
            configuration.smsClaims = SMSClaims(
                claimant: "\(ProcessInfo.processInfo.hostName):\(ProcessInfo.processInfo.processIdentifier)", lease: .seconds(smsLease))
        } else {
            outboxEndpoint = nil
        }
        if let tlsCert, let tlsKey {
            // The key is a secret: refused if anyone but its owner can read it.
            let key = try NIOSSLPrivateKey(bytes: Array(try SecretFile.read(tlsKey).utf8), format: .pem)
            configuration.tls = TLSConfiguration.makeServerConfiguration(
                certificateChain: try NIOSSLCertificate.fromPEMFile(tlsCert).map { .certificate($0) }, privateKey: .privateKey(key))
        }
        for op in money.catalog.operators where tokens.tokens[op.id] == nil && !noAuth {
            logger.warning("no token for operator: it cannot connect", metadata: ["operator": "\(op.id)", "env": "SIKA_TOKEN_\(op.id.uppercased())"])
        }
        for op in money.catalog.operators where aggregatorTokens.tokens[op.id] == nil && !noAuth {
            logger.warning(
                "no aggregator secret for operator: POST /ussd refuses its callers",
                metadata: ["operator": "\(op.id)", "env": "\(OperatorTokens.aggregatorPrefix)\(op.id.uppercased())"])
        }

        // The other networks' providers, simulated in-process, with the bridge and its reconciler.
        // The demo holds the same two numbers as the in-process scripts, so the "en cours" script passes live too.
        let plan = try faults.map(FaultPlan.parse) ?? (demo ? FaultPlan.parse(InProcessTarget.scriptFaults) : .none)
        var reconcilerOptions = Reconciler.Options()
        // Several nodes on one database: one reconciler acts at a time (an advisory lock per pass).
        reconcilerOptions.exclusive = try store.exclusiveLock(secrets: secretValues)
        let offNet = ProviderNetwork.simulated(
            money: money, basePort: providerPort, faults: plan, reconcilerOptions: reconcilerOptions, logger: Logger(label: "sika.bridge"))
        var api = try await Self.walletAPI(
            money: money, offNet: offNet, secrets: secrets, openapi: openapi ?? home.openAPI.path, demo: demo, rateLimitKeys: rateLimitKeys,
            logger: logger)

        let metrics = GatewayMetrics()
        let sessionStore: any SessionStore
        // With sessions in PostgreSQL, POST /ussd sessions are shared by every node of the database (docs/SCALING.md).
        var sharedCallbacks: (any SharedCallbackStore)?
        let backend = try store.backend(secrets: secretValues)
        switch self.sessions ?? (Self.isPostgres(backend) ? .postgres : .sqlite) {
        case .memory:
            sessionStore = MemorySessionStore(endedRetention: configuration.endedRetention, maxEnded: configuration.maxRetainedEndedSessions)
        case .sqlite:
            let path = store.databasePath + ".sessions.sqlite"
            do {
                sessionStore = try SQLiteSessionStore.open(
                    path: path, endedRetention: configuration.endedRetention, maxEnded: configuration.maxRetainedEndedSessions)
            } catch {
                throw CommandFailure("cannot open the session store \(path): \(error.message)")
            }
        case .postgres:
            guard case .postgres(let endpoint) = backend else { throw ValidationError("--sessions postgres needs the ledger on --database") }
            do {
                let node = nodeName ?? "\(ProcessInfo.processInfo.hostName):\(linePort)"
                let postgres = try await PostgresSessionStore.open(
                    endpoint: endpoint, node: node, endedRetention: configuration.endedRetention,
                    maxEnded: configuration.maxRetainedEndedSessions)
                sessionStore = postgres
                sharedCallbacks = postgres
            } catch {
                throw CommandFailure("cannot open the session store: \(error.message)")
            }
        }
        let sessions = SessionManager(
            menus: menuSet, money: money, idleTimeout: configuration.idleTimeout, offNet: offNet.bridge,
            startLimiter: TokenBucketLimiter(
                capacity: sessionStartsPerMinute, refillPerSecond: Double(sessionStartsPerMinute) / 60, maxKeys: rateLimitKeys),
            store: sessionStore, sharedFronts: sharedCallbacks == nil ? [] : ["http"])
        let resumable = try await sessions.recover()
        let core = GatewayCore(sessions: sessions, configuration: configuration, metrics: metrics, logger: gatewayLogger)
        let network =
            (demo || simulator || smpp.esmes != nil) ? SimulatedNetwork(core: core, contacts: Self.contacts(demoWorld, catalog: money.catalog)) : nil
        if let demoWorld {
            api.api?.demoRestore = Self.demoRestore(demoWorld, money: money, offNet: offNet, sessions: sessions, simulator: network)
        }
        let smppSetup = try smpp.setup(core: core, network: network, secrets: values, demo: demo, logger: Logger(label: "sika.smpp"))
        let (smppServer, smppLines) = (smppSetup.server, smppSetup.lines)
        let delivery = try mail.delivery(
            money: money, secrets: values, metrics: MailMetrics(registry: metrics.registry), logger: Logger(label: "sika.mail"))
        let server = SikaServer(
            core: core,
            additionalServices: offNet.services + smppSetup.services + delivery.services
                + (outboxEndpoint.map { [OutboxWakeUps(endpoint: $0, dispatcher: core.dispatcher)] } ?? []),
            api: api.api, simulator: network, endedSessions: sessionStore.endedSessions, sharedCallbacks: sharedCallbacks, logger: logger)
        let sessionLine = sessionStore.summary + (resumable > 0 ? " \(resumable) session(s) from before the restart may be resumed." : "")
        let providers = money.catalog.operators.enumerated().map { "\($0.element.name) http://127.0.0.1:\(providerPort + $0.offset)" }
        let apiLine = api.line
        let ledgerPath = money.ledger.location
        let durability = try await StoreOptions.durabilityLine(money.ledger)
        let showTokens = demo
        let bearer = demo ? aggregatorTokens.tokens["tmoney"] ?? "<tmoney aggregator token>" : "$SIKA_AGGREGATOR_TOKEN_TMONEY"
        let curlAuthorization = noAuth ? "" : "-H \"Authorization: Bearer \(bearer)\" "
        let connections = Self.connectionSummary(configuration, budget: budget)
        logger.info("\(connections)")
        let adminToken = api.adminToken
        let serverFile = ServerFile.path(forDatabase: store.databasePath)
        Task {
            guard let (line, http) = try? await server.waitUntilListening(timeout: .seconds(30)) else { return }
            do {
                try ServerFile.write(
                    serverFile, tokens: tokens, aggregatorTokens: aggregatorTokens, adminToken: adminToken, line: "\(lineHost):\(line)",
                    http: "http://\(httpHost):\(http)")
            } catch {
                logger.error("cannot write the tokens file", metadata: ["file": "\(serverFile)", "error": "\(error)"])
            }
            // Printed once listening, so a start that fails prints no table; balances as the ledger holds them now.
            if let demoWorld, let table = try? await demoWorld.summary(in: money) {
                Self.say("Demo subscribers (PINs for local play only):\n\(table)\n")
            }
            var lines = ["Line protocol on \(lineHost):\(line), HTTP on http://\(httpHost):\(http) (/ussd, /health, /metrics)."]
            lines.append("Ledger \(ledgerPath): \(durability) (read back from the writer).")
            lines.append(sessionLine)
            lines.append("Provider simulators: \(providers.joined(separator: ", ")).")
            lines.append(apiLine)
            lines.append(delivery.line)
            lines.append(
                network == nil
                    ? "Web simulator off (--simulator or --demo turns it on)."
                    : "Web simulator: http://\(httpHost):\(http)/ (phones in the browser; answers clients on this machine only).")
            lines.append(connections)
            let smppPort = try? await smppServer?.waitUntilListening()
            lines += smppLines.map { $0.replacingOccurrences(of: "%PORT%", with: smppPort.map(String.init) ?? "?") }
            if showTokens {
                for (op, token) in tokens.tokens.sorted(by: { $0.key < $1.key }) {
                    lines.append("  token \(op): \(token)\(tokens.generated.contains(op) ? " (generated for this run)" : "")")
                }
                for (op, token) in aggregatorTokens.tokens.sorted(by: { $0.key < $1.key }) {
                    let note = aggregatorTokens.generated.contains(op) ? " (generated for this run)" : ""
                    lines.append("  aggregator token \(op): \(token)\(note)")
                }
            }
            let example = tokens.tokens["tmoney"].map { "HELLO tmoney \($0)" } ?? "HELLO tmoney <token>"
            lines.append("Tokens and addresses of this run: \(serverFile) (owner-only).")
            lines.append("Try: nc \(lineHost) \(line), then \(example) and BEGIN s1 22890112233 *145#")
            lines.append(
                "Or: curl \(curlAuthorization)-d 'sessionId=h1&serviceCode=*145%23&phoneNumber=22890112233&text=' http://\(httpHost):\(http)/ussd")
            Self.say(lines.joined(separator: "\n"))
        }
        try await server.serviceGroup(handlingSignals: true).run()
    }

    /// The demo subscribers, offered by the web simulator's phone picker.
    static func contacts(_ world: DemoWorld?, catalog: OperatorCatalog) -> [SimulatedNetwork.Contact] {
        (world?.subscribers ?? []).compactMap { person in
            catalog.operatorOwning(msisdn: person.msisdn).map {
                SimulatedNetwork.Contact(msisdn: person.msisdn, name: person.name, operatorID: $0.id)
            }
        }
    }

    /// The connection caps and timeouts from the flags, over the defaults that fit the descriptor budget.
    private func configure(_ configuration: inout GatewayConfiguration, budget: FileDescriptorBudget, logger: Logger) {
        let line = maxLineConnections.map(ConnectionLimits.sharing) ?? configuration.lineConnections
        configuration.lineConnections = ConnectionLimits(
            total: line.total, perAddress: maxLineConnectionsPerAddress ?? line.perAddress, perOperator: maxConnectionsPerOperator ?? line.perOperator
        )
        let http = maxHTTPConnections.map(ConnectionLimits.sharing) ?? configuration.httpConnections
        configuration.httpConnections = ConnectionLimits(
            total: http.total, perAddress: maxHTTPConnectionsPerAddress ?? http.perAddress, perOperator: http.perOperator)
        configuration.helloTimeout = .seconds(helloTimeout)
        configuration.httpIdleTimeout = .seconds(httpIdleTimeout)
        configuration.trustedProxies = (try? TrustedProxies(trustedProxy)) ?? .none
        let caps = configuration.lineConnections.total + configuration.httpConnections.total
        if caps > budget.forConnections {
            logger.warning(
                "connection caps above the file descriptor budget: a flood of connections may exhaust descriptors",
                metadata: ["caps": "\(caps)", "budget": "\(budget.forConnections)"])
        }
    }

    static func connectionSummary(_ configuration: GatewayConfiguration, budget: FileDescriptorBudget) -> String {
        let line = configuration.lineConnections
        let http = configuration.httpConnections
        let proxies = configuration.trustedProxies.isEmpty ? "X-Forwarded-For ignored" : "X-Forwarded-For read from trusted proxies"
        let hello =
            configuration.requireAuthentication
            ? "A line connection without HELLO for \(configuration.helloTimeout.components.seconds) s, or an HTTP one idle for"
            : "An HTTP connection idle for"
        return """
            Connections: line at most \(line.total) (\(line.perAddress) per address, \(line.perOperator) per operator), \
            HTTP at most \(http.total) (\(http.perAddress) per address); \(budget.summary). \
            \(hello) \(configuration.httpIdleTimeout.components.seconds) s, is closed; \(proxies).
            """
    }

    /// Prints for people and flushes at once: stdout may be a pipe or a file, where output is block-buffered.
    /// The JSON API, if its secrets are configured: from the environment or a private secrets file; with
    /// --demo, missing ones are generated for this run and printed. Without them the API is off, said once.
    static func walletAPI(
        money: MobileMoney, offNet: ProviderNetwork, secrets: String?, openapi: String, demo: Bool,
        rateLimitKeys: Int = TokenBucketLimiter.defaultMaxKeys, logger: Logger
    ) async throws -> (api: WalletAPI?, line: String, adminToken: String?) {
        var environment = ProcessInfo.processInfo.environment
        var generated = ""
        if demo && environment["SIKA_JWT_SECRET"] == nil && secrets == nil {
            environment["SIKA_JWT_SECRET"] = (0..<32).map { _ in String(format: "%02x", UInt8.random(in: 0...255)) }.joined()
            let admin = "demo-admin-" + UUID().uuidString.prefix(12).lowercased()
            environment["SIKA_ADMIN_TOKEN"] = environment["SIKA_ADMIN_TOKEN"] ?? admin
            generated = " (demo secrets generated for this run; admin token: \(environment["SIKA_ADMIN_TOKEN"]!))"
        }
        var configuration: APIConfiguration
        do {
            configuration = try APIConfiguration.load(environment: environment, secretsFile: secrets)
            configuration.rateLimitKeys = rateLimitKeys
        } catch let error as APIConfigurationError where secrets == nil {
            return (nil, "JSON API off: \(error) (or pass --secrets FILE, or --demo).", nil)
        }
        let document: String
        do {
            document = try String(contentsOfFile: openapi, encoding: .utf8)
        } catch {
            throw CommandFailure("cannot read the OpenAPI document \(openapi): \(error.localizedDescription)")
        }
        let api = await WalletAPI(
            money: money, configuration: configuration, openAPIDocument: document,
            cardVault: try CardVault.fromEnvironment(environment), offNet: offNet.bridge, logger: Logger(label: "sika.api"))
        return (api, "JSON API under /api (OpenAPI at /openapi.yaml)\(generated).", configuration.adminToken)
    }

    static func say(_ text: String) {
        print(text)
        fflush(nil)
    }
}

/// Where `sika serve` keeps sessions between steps.
enum SessionStoreKind: String, ExpressibleByArgument, CaseIterable, Sendable {
    case sqlite, postgres, memory
}

extension ServeCommand {
    static func isPostgres(_ backend: StoreOptions.Backend) -> Bool {
        if case .postgres = backend { return true }
        return false
    }
}
