import GatewayCore
import Ledger
import Operators
import SessionScripts
import Synchronization

/// Runs session scripts against a live server over the line protocol: one connection per operator, each
/// conversation sent on the connection of the operator owning the caller's number, and the `SMS` lines
/// pushed to both connections collected for the scripts' SMS checks.
///
/// Balances cannot be read over the protocol (showing one needs the PIN), so they come from `balances`
/// when the caller can read the ledger; without it, scripts that check balances fail with that reason.
public final class LineScriptTarget: ScriptTarget {
    private let clients: [String: LineClient]
    private let catalog: OperatorCatalog
    private let balances: (@Sendable (String) async throws -> Int64?)?
    private let quietPeriod: Duration
    /// SMS received before the script started are not part of its conversation.
    private let baseline: [String: Int]
    /// What the server's outbox says it sent a number since the script began, when the caller can read
    /// the ledger: SMS checks then wait for exactly those messages to arrive over the socket.
    private let sentSince: (@Sendable (String) async throws -> [String])?
    /// Session id → the operator whose connection began it: session ids are scoped per connection.
    private let owners = Mutex<[String: String]>([:])

    /// Connects one authenticated connection per operator of `tokens`.
    ///
    /// - Parameter sentSince: the bodies of the SMS the server's outbox holds for a number since the script
    ///   began. With it, SMS checks wait (up to `deliveryTimeout`) until each of those messages came over the
    ///   socket and look at those only, whatever else arrives late; without it, they wait for `quietPeriod`
    ///   without a message, which a loaded machine can outlast.
    public static func connect(
        host: String, port: Int, catalog: OperatorCatalog, tokens: OperatorTokens,
        balances: (@Sendable (String) async throws -> Int64?)? = nil, quietPeriod: Duration = .milliseconds(150),
        sentSince: (@Sendable (String) async throws -> [String])? = nil, deliveryTimeout: Duration = .seconds(30)
    ) async throws -> LineScriptTarget {
        var clients: [String: LineClient] = [:]
        for op in catalog.operators {
            guard let token = tokens.tokens[op.id] else { continue }
            let client = try await LineClient.connect(host: host, port: port)
            try await client.hello(operatorID: op.id, token: token)
            clients[op.id] = client
        }
        // Messages still waiting in the outbox go out as soon as an operator connects: let them arrive
        // before taking the baseline, so that they do not count as the script's (the outbox says which
        // are the script's when it can be read).
        if sentSince == nil { try await waitForQuiet(clients.values, quietPeriod) }
        return LineScriptTarget(
            clients: clients, catalog: catalog, balances: balances, quietPeriod: quietPeriod, sentSince: sentSince,
            deliveryTimeout: deliveryTimeout)
    }

    /// Returns once no SMS arrived on `clients` for `quietPeriod`.
    private static func waitForQuiet(_ clients: some Collection<LineClient>, _ quietPeriod: Duration) async throws {
        func total() -> Int { clients.reduce(0) { $0 + $1.receivedSMS.count } }
        var seen = total()
        var stableSince = ContinuousClock.now
        while ContinuousClock.now - stableSince < quietPeriod {
            try await Task.sleep(for: .milliseconds(10))
            if total() != seen {
                seen = total()
                stableSince = .now
            }
        }
    }

    private let deliveryTimeout: Duration

    private init(
        clients: [String: LineClient], catalog: OperatorCatalog, balances: (@Sendable (String) async throws -> Int64?)?, quietPeriod: Duration,
        sentSince: (@Sendable (String) async throws -> [String])?, deliveryTimeout: Duration
    ) {
        self.clients = clients
        self.catalog = catalog
        self.balances = balances
        self.quietPeriod = quietPeriod
        self.baseline = clients.mapValues { $0.receivedSMS.count }
        self.sentSince = sentSince
        self.deliveryTimeout = deliveryTimeout
    }

    public func close() async {
        for client in clients.values { await client.close() }
    }

    public func begin(session: String, msisdn: String, dial: String) async throws -> Screen {
        let (operatorID, client) = try client(msisdn: msisdn, dial: dial)
        owners.withLock { $0[session] = operatorID }
        return try Self.screen(await client.begin(session: session, msisdn: msisdn, dial: dial))
    }

    public func reply(session: String, input: String) async throws -> Screen {
        try Self.screen(await owner(of: session).reply(session: session, input: input))
    }

    public func abort(session: String) async throws {
        try await owner(of: session).abort(session: session)
    }

    public func cancel(session: String) async throws {
        try await owner(of: session).abort(session: session, cancelled: true)
    }

    public func smsReceived(msisdn: String) async throws -> [String] {
        if let sentSince {
            // The outbox commits with the money, before the screen that reports it: every message of the
            // script is there by now. Wait until each one came over the socket, then answer those.
            let expected = try await sentSince(msisdn)
            let deadline = ContinuousClock.now + deliveryTimeout
            while true {
                var arrived = clients.values.flatMap { $0.receivedSMS }.filter { $0.msisdn == msisdn }.map(\.text)
                let missing = expected.filter { body in
                    guard let index = arrived.firstIndex(of: body) else { return true }
                    arrived.remove(at: index)
                    return false
                }
                if missing.isEmpty { return expected }
                guard ContinuousClock.now < deadline else {
                    throw GatewayError(.unavailable, "\(missing.count) SMS to \(msisdn) queued but not delivered over the socket: \(missing)")
                }
                try await Task.sleep(for: .milliseconds(10))
            }
        }
        // Receipts are pushed asynchronously: wait until nothing new arrived for a quiet period.
        try await Self.waitForQuiet(clients.values, quietPeriod)
        return clients.flatMap { id, client in client.receivedSMS.dropFirst(baseline[id] ?? 0) }.filter { $0.msisdn == msisdn }.map(\.text)
    }

    public func balance(msisdn: String) async throws -> Int64? {
        guard let balances else { throw GatewayError(.forbidden, "balances cannot be read over the line protocol") }
        return try await balances(msisdn)
    }

    private func client(msisdn: String, dial: String) throws -> (String, LineClient) {
        let owner = catalog.operatorOwning(msisdn: msisdn) ?? catalog.operatorServing(ussd: dial)
        guard let owner, let client = clients[owner.id] else { throw GatewayError(.notAuthenticated, "no connection for \(msisdn)") }
        return (owner.id, client)
    }

    private func owner(of session: String) throws -> LineClient {
        guard let operatorID = owners.withLock({ $0[session] }), let client = clients[operatorID] else {
            throw GatewayError(.unknownSession, session: session, "no session \(session)")
        }
        return client
    }

    private static func screen(_ line: ServerLine) throws -> Screen {
        switch line {
        case .screen(_, let text): return Screen(text: text, isFinal: false)
        case .end(_, let text): return Screen(text: text, isFinal: true)
        case .error(let error): throw error
        default: throw GatewayError(.malformed, "unexpected answer \(line.rendered)")
        }
    }
}
