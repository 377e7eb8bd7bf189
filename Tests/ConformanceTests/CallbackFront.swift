import Foundation
import NIOHTTP1

/// `POST /ussd` in the aggregator convention: every request carries the whole `text` so far and an
/// aggregator credential; `200` with `CON …`/`END …`, or a status with an `END …` body, mapped to outcomes.
actor CallbackFront: MenuFront {
    nonisolated let name = "callback"
    nonisolated let traits = FrontTraits.callback
    private let port: Int

    private struct Conversation {
        let caller: String
        let serviceCode: String
        let credential: Credential
        var text: String
        var last: HTTPExchange
    }

    private var conversations: [String: Conversation] = [:]

    init(port: Int) { self.port = port }

    func begin(session: String, caller: String, dial: String, credential: Credential) async throws -> Outcome {
        // `*145*1*1#` reaches an aggregator as service `*145#` with the answers `1*1` already typed; a
        // dial without answers is sent as it is, spaces included.
        let (serviceCode, text) = Self.split(dial)
        let exchange = request(session: session, caller: caller, serviceCode: serviceCode, text: text, credential: credential)
        conversations[session] = Conversation(caller: caller, serviceCode: serviceCode, credential: credential, text: text, last: exchange)
        return try await send(exchange)
    }

    func answer(session: String, input: String) async throws -> Outcome {
        guard var conversation = conversations[session] else {
            return try await answerUnknown(session: session, caller: ConformanceTable.kofi, input: input)
        }
        let text = conversation.text.isEmpty ? input : conversation.text + "*" + input
        let exchange = request(
            session: session, caller: conversation.caller, serviceCode: conversation.serviceCode, text: text, credential: conversation.credential)
        let outcome = try await send(exchange)
        conversation.last = exchange
        if case .screen = outcome { conversation.text = text }
        conversations[session] = conversation
        return outcome
    }

    /// The convention has no release: the aggregator simply stops calling.
    func abort(session: String) async throws -> Outcome { .unsupported }

    func retryLast(session: String) async throws -> Outcome {
        guard let conversation = conversations[session] else { return .unsupported }
        return try await send(conversation.last)
    }

    func answerUnknown(session: String, caller: String, input: String) async throws -> Outcome {
        try await send(
            request(session: session, caller: caller, serviceCode: ConformanceWorld.serviceCode(of: caller), text: input, credential: .own))
    }

    func malformed() async throws -> Outcome {
        try await send(
            HTTPExchange(
                method: .POST, path: "/ussd", headers: Self.headers(.own, caller: ConformanceTable.kofi), body: "sessionId=m1&serviceCode=%2A145%23"))
    }

    func oversize() async throws -> Outcome {
        let body = "sessionId=o1&serviceCode=%2A145%23&phoneNumber=22890112233&text=" + String(repeating: "1", count: 17 * 1024)
        return try await send(HTTPExchange(method: .POST, path: "/ussd", headers: Self.headers(.own, caller: ConformanceTable.kofi), body: body))
    }

    func close() async {}

    private func request(session: String, caller: String, serviceCode: String, text: String, credential: Credential) -> HTTPExchange {
        let fields = [("sessionId", session), ("serviceCode", serviceCode), ("phoneNumber", caller), ("text", text), ("networkCode", "61501")]
        let body = fields.map { "\($0)=\($1.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)" }.joined(separator: "&")
        return HTTPExchange(method: .POST, path: "/ussd", headers: Self.headers(credential, caller: caller), body: body)
    }

    private static func headers(_ credential: Credential, caller: String) -> [(String, String)] {
        var headers = [("Content-Type", "application/x-www-form-urlencoded")]
        let secrets = ConformanceWorld.aggregatorTokens.tokens
        switch credential {
        case .own: headers.append(("Authorization", "Bearer \(secrets[ConformanceWorld.operatorID(of: caller)]!)"))
        case .of(let other): headers.append(("Authorization", "Bearer \(secrets[ConformanceWorld.operatorID(of: other)]!)"))
        case .none: break
        case .wrong: headers.append(("Authorization", "Bearer not-an-aggregator-secret"))
        }
        return headers
    }

    private func send(_ exchange: HTTPExchange) async throws -> Outcome {
        let (status, body) = try await exchange.send(port: port)
        switch (status, body.prefix(4)) {
        case (200, "CON "): return .screen(String(body.dropFirst(4)))
        case (200, "END "): return .final(String(body.dropFirst(4)))
        case (200, _): return .unexpected(body)
        case (_, "END "): return .refused(status)
        default: return .unexpected("\(status) \(body)")
        }
    }

    static func split(_ dial: String) -> (serviceCode: String, text: String) {
        let inner = dial.dropFirst().dropLast()
        guard dial.hasPrefix("*"), dial.hasSuffix("#"), let star = inner.firstIndex(of: "*") else { return (dial, "") }
        return ("*\(inner[..<star])#", String(inner[inner.index(after: star)...]))
    }
}
