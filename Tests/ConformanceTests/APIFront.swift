import Foundation
import NIOHTTP1

/// The JSON API: a PIN buys a token at `/api/auth/token`, `verify-balance` and `transactions` act with
/// it; success is `2xx` JSON, a refusal `{"error": {"code", …}}` with its status. It has no menu sessions.
actor APIFront: ConformanceFront {
    nonisolated let name = "api"
    nonisolated let traits = FrontTraits.api
    private let port: Int
    /// Transfer key → its last request, for a retry.
    private var transfers: [String: HTTPExchange] = [:]

    init(port: Int) { self.port = port }

    func begin(session: String, caller: String, dial: String, credential: Credential) async throws -> Outcome { .unsupported }
    func answer(session: String, input: String) async throws -> Outcome { .unsupported }
    func abort(session: String) async throws -> Outcome { .unsupported }
    func answerUnknown(session: String, caller: String, input: String) async throws -> Outcome { .unsupported }

    /// The same request with the same `Idempotency-Key`, for a transfer; menu sessions have no counterpart here.
    func retryLast(session: String) async throws -> Outcome {
        guard let exchange = transfers[session] else { return .unsupported }
        return try await send(exchange)
    }

    func checkBalance(session: String, caller: String, pin: String, credential: Credential) async throws -> Outcome {
        let bearer: String
        switch credential {
        case .own:
            switch try await token(caller, pin) {
            case .success(let token): bearer = token
            case .failure(let outcome): return outcome
            }
        case .of(let other):
            switch try await token(other, ConformanceWorld.pins[other]!) {
            case .success(let token): bearer = token
            case .failure(let outcome): return outcome
            }
        case .none: bearer = ""
        case .wrong: bearer = "not-a-token"
        }
        return try await send(post("/api/verify-balance", bearer: bearer, json: ["phoneNumber": caller, "amount": 1]))
    }

    func transfer(key: String, from: String, to: String, amount: Int64, pin: String) async throws -> Outcome {
        let bearer: String
        switch try await token(from, pin) {
        case .success(let token): bearer = token
        case .failure(let outcome): return outcome
        }
        let exchange = post(
            "/api/transactions", bearer: bearer, json: ["senderPhoneNumber": from, "receiverPhoneNumber": to, "amount": amount, "pin": pin],
            idempotencyKey: key)
        transfers[key] = exchange
        return try await send(exchange)
    }

    func malformed() async throws -> Outcome {
        try await send(HTTPExchange(method: .POST, path: "/api/auth/token", headers: [("Content-Type", "application/json")], body: "{nope"))
    }

    func oversize() async throws -> Outcome {
        let body = #"{"phoneNumber":"22890112233","pin":"2580","padding":""# + String(repeating: "x", count: 17 * 1024) + #""}"#
        return try await send(HTTPExchange(method: .POST, path: "/api/auth/token", headers: [("Content-Type", "application/json")], body: body))
    }

    func close() async {}

    private enum TokenResult {
        case success(String)
        case failure(Outcome)
    }

    private func token(_ msisdn: String, _ pin: String) async throws -> TokenResult {
        let (status, body) = try await post("/api/auth/token", bearer: "", json: ["phoneNumber": msisdn, "pin": pin]).send(port: port)
        guard status == 200 else { return .failure(Self.refusal(status, body)) }
        guard let token = Self.object(body)?["token"] as? String else { return .failure(.unexpected(body)) }
        return .success(token)
    }

    private func post(_ path: String, bearer: String, json: [String: Any], idempotencyKey: String? = nil) -> HTTPExchange {
        var headers = [("Content-Type", "application/json")]
        if !bearer.isEmpty { headers.append(("Authorization", "Bearer \(bearer)")) }
        if let idempotencyKey { headers.append(("Idempotency-Key", idempotencyKey)) }
        let data = try! JSONSerialization.data(withJSONObject: json, options: [.sortedKeys])
        return HTTPExchange(method: .POST, path: path, headers: headers, body: String(decoding: data, as: UTF8.self))
    }

    /// A success, normalised to what the table compares: the balance read, or the transfer's reference.
    private func send(_ exchange: HTTPExchange) async throws -> Outcome {
        let (status, body) = try await exchange.send(port: port)
        guard (200..<300).contains(status) else { return Self.refusal(status, body) }
        guard let object = Self.object(body) else { return .unexpected(body) }
        if let reference = object["reference"] as? String { return .final("reference \(reference)") }
        if let balance = object["balance"] as? Int { return .final("balance \(balance)") }
        return .unexpected(body)
    }

    /// A refusal must be the documented JSON error, or it matches nothing.
    private static func refusal(_ status: Int, _ body: String) -> Outcome {
        guard let error = object(body)?["error"] as? [String: Any], error["code"] is String, error["message"] is String else {
            return .unexpected("\(status) \(body)")
        }
        return .refused(status)
    }

    private static func object(_ body: String) -> [String: Any]? {
        (try? JSONSerialization.jsonObject(with: Data(body.utf8))) as? [String: Any]
    }
}
