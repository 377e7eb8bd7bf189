import GatewayCore
import LineFront

/// The line socket: one connection per operator (plus one that never said `HELLO` and one whose
/// `HELLO` was refused), `CON`/`END`/`ERR <id> <code>` mapped to outcomes.
actor LineProtocolFront: MenuFront {
    nonisolated let name = "socket"
    nonisolated let traits = FrontTraits.socket
    private let port: Int
    private var connections: [String: LineClient] = [:]
    /// Session id → the connection that began it.
    private var sessions: [String: LineClient] = [:]

    init(port: Int) { self.port = port }

    func begin(session: String, caller: String, dial: String, credential: Credential) async throws -> Outcome {
        let client = try await connection(credential, caller: caller)
        sessions[session] = client
        return Self.outcome(try await client.begin(session: session, msisdn: caller, dial: dial))
    }

    func answer(session: String, input: String) async throws -> Outcome {
        Self.outcome(try await client(of: session).reply(session: session, input: input))
    }

    func abort(session: String) async throws -> Outcome {
        try await client(of: session).abort(session: session)
        return .released
    }

    /// `CONTINUE` carries only the newest answer over an ordered stream: sending it again is a new answer, not a retry.
    func retryLast(session: String) async throws -> Outcome { .unsupported }

    func answerUnknown(session: String, caller: String, input: String) async throws -> Outcome {
        Self.outcome(try await connection(.own, caller: caller).reply(session: session, input: input))
    }

    func malformed() async throws -> Outcome {
        Self.outcome(try await connection(.own, caller: ConformanceTable.kofi).exchange("BEGIN s1"))
    }

    func oversize() async throws -> Outcome {
        Self.outcome(try await connection(.own, caller: ConformanceTable.kofi).exchange(String(repeating: "A", count: 5000)))
    }

    func close() async {
        for client in connections.values { await client.close() }
    }

    private func client(of session: String) async throws -> LineClient {
        if let client = sessions[session] { return client }
        return try await connection(.own, caller: ConformanceTable.kofi)
    }

    private func connection(_ credential: Credential, caller: String) async throws -> LineClient {
        let key: String
        switch credential {
        case .own: key = ConformanceWorld.operatorID(of: caller)
        case .of(let other): key = ConformanceWorld.operatorID(of: other)
        case .none: key = "anonymous"
        case .wrong: key = "wrong"
        }
        if let client = connections[key] { return client }
        let client = try await LineClient.connect(host: "127.0.0.1", port: port)
        switch key {
        case "anonymous": break
        case "wrong":
            // Refused (401): the connection stays unauthenticated.
            guard case .error(let error) = try await client.exchange("HELLO tmoney not-the-token"), error.code == .notAuthenticated else {
                throw GatewayError(.malformed, "a wrong token was accepted")
            }
        default: try await client.hello(operatorID: key, token: ConformanceWorld.lineTokens.tokens[key]!)
        }
        connections[key] = client
        return client
    }

    static func outcome(_ line: ServerLine) -> Outcome {
        switch line {
        case .screen(_, let text): .screen(text)
        case .end(_, let text): .final(text)
        case .error(let error): .refused(error.code.rawValue)
        default: .unexpected(line.rendered)
        }
    }
}
