import Foundation
import NIOHTTP1

/// The web simulator's JSON API (`docs/SIMULATOR.md`): a phone is opened for the caller, dials, answers, drops;
/// an exchange that the gateway refused is a `200` with `error.code` (the line protocol's code), and a request
/// the simulator itself refuses is a status with `{"error": {"code", "message"}}`. Both map to ``Outcome/refused(_:)``.
///
/// The simulator has no credential and names its sessions itself (`web-7`): the table's session names are
/// mapped to those, and a step that needs a credential or a caller-chosen id is ``Outcome/unsupported``.
actor SimulatorAPIFront: MenuFront {
    nonisolated let name = "simulator"
    nonisolated let traits = FrontTraits.simulator
    private let port: Int
    /// The table's session name → the simulator's session id and the phone that dialled it.
    private var sessions: [String: (id: String, caller: String)] = [:]
    private var phones: Set<String> = []

    init(port: Int) { self.port = port }

    func begin(session: String, caller: String, dial: String, credential: Credential) async throws -> Outcome {
        switch credential {
        case .none, .wrong: return .unsupported
        case .own, .of: break
        }
        if let existing = sessions[session], existing.caller != caller { return .unsupported }
        if let refused = try await open(caller) { return refused }
        let (status, object) = try await send(.POST, "/phones/\(caller)/dial", body: ["dial": dial])
        if let id = object["session"] as? String { sessions[session] = (id, caller) }
        return Self.outcome(status, object)
    }

    func answer(session: String, input: String) async throws -> Outcome {
        let id = sessions[session]?.id ?? session
        return Self.outcome(try await send(.POST, "/sessions/\(id)/answer", body: ["input": input]))
    }

    /// The network loses the phone.
    func abort(session: String) async throws -> Outcome {
        let id = sessions[session]?.id ?? session
        return Self.outcome(try await send(.POST, "/sessions/\(id)/drop", body: [:]))
    }

    /// A phone sends only its newest answer: sending it again is a new answer, not a retry.
    func retryLast(session: String) async throws -> Outcome { .unsupported }

    func answerUnknown(session: String, caller: String, input: String) async throws -> Outcome {
        if let refused = try await open(caller) { return refused }
        return Self.outcome(try await send(.POST, "/sessions/\(session)/answer", body: ["input": input]))
    }

    func malformed() async throws -> Outcome {
        let exchange = HTTPExchange(
            method: .POST, path: "/simulator/api/phones/\(ConformanceTable.kofi)/dial", headers: [("Content-Type", "application/json")],
            body: "{nope")
        let (status, body) = try await exchange.send(port: port)
        return Self.outcome(status, Self.object(body))
    }

    func oversize() async throws -> Outcome {
        let body = #"{"dial":"*145#","padding":""# + String(repeating: "x", count: 17 * 1024) + #""}"#
        let exchange = HTTPExchange(
            method: .POST, path: "/simulator/api/phones/\(ConformanceTable.kofi)/dial", headers: [("Content-Type", "application/json")], body: body)
        let (status, text) = try await exchange.send(port: port)
        return Self.outcome(status, Self.object(text))
    }

    func close() async {}

    /// Opens the caller's phone once; a refusal (a number that is not one, no operator) is the outcome.
    private func open(_ msisdn: String) async throws -> Outcome? {
        guard !phones.contains(msisdn) else { return nil }
        let (status, object) = try await send(.POST, "/phones", body: ["msisdn": msisdn])
        guard status == 201 else { return Self.outcome(status, object) }
        phones.insert(msisdn)
        return nil
    }

    private func send(_ method: HTTPMethod, _ path: String, body: [String: String]) async throws -> (Int, [String: Any]) {
        let data = try JSONSerialization.data(withJSONObject: body, options: [.sortedKeys])
        let exchange = HTTPExchange(
            method: method, path: "/simulator/api" + path, headers: [("Content-Type", "application/json")],
            body: String(decoding: data, as: UTF8.self))
        let (status, text) = try await exchange.send(port: port)
        return (status, Self.object(text))
    }

    /// An exchange (`200`) or the simulator's own refusal, as the documented JSON has them; anything else matches nothing.
    static func outcome(_ status: Int, _ object: [String: Any]) -> Outcome {
        guard status == 200 else {
            guard let error = object["error"] as? [String: Any], error["code"] is String, error["message"] is String else {
                return .unexpected("\(status) \(object)")
            }
            return .refused(status)
        }
        if let error = object["error"] as? [String: Any] {
            guard let code = error["code"] as? Int else { return .unexpected("\(object)") }
            return .refused(code)
        }
        let final = object["final"] as? Bool
        switch (object["screen"] as? String, final) {
        case (let screen?, false?): return .screen(screen)
        case (let screen?, true?): return .final(screen)
        case (nil, true?) where object["answer"] is NSNull: return .released
        default: return .unexpected("\(object)")
        }
    }

    static func outcome(_ answer: (Int, [String: Any])) -> Outcome { outcome(answer.0, answer.1) }

    static func object(_ text: String) -> [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any] ?? [:]
    }
}
