import AsyncHTTPClient
import Foundation
import GatewayCore
import MobileMoney
import NIOCore
import NIOHTTP1
import SessionScripts
import Synchronization
import TestSupport

/// Plays session scripts through the web simulator's API as the page does: a phone opened for each number,
/// `dial`, `answer`, `drop` (a script's `abort: true`) and `cancel` (a session left open), and the SMS read from
/// the phone's own inbox, where they arrived through the simulator's SMS sinks.
final class SimulatorScriptTarget: ScriptTarget {
    let port: Int
    let money: MobileMoney
    /// The outbox before the script: its SMS checks wait for exactly what the outbox holds since.
    let mark: Int64
    /// The script's session names → the simulator's own (`web-7`).
    private let sessions = Mutex<[String: String]>([:])
    private let opened = Mutex<Set<String>>([])

    init(port: Int, money: MobileMoney) async throws {
        self.port = port
        self.money = money
        mark = try await money.lastOutboxID()
    }

    func begin(session: String, msisdn: String, dial: String) async throws -> Screen {
        try await open(msisdn)
        let exchange = try await post("/phones/\(msisdn)/dial", ["dial": dial])
        if let id = exchange["session"] as? String { sessions.withLock { $0[session] = id } }
        return try Self.screen(exchange)
    }

    func reply(session: String, input: String) async throws -> Screen {
        try Self.screen(try await post("/sessions/\(id(session))/answer", ["input": input]))
    }

    func abort(session: String) async throws { _ = try await post("/sessions/\(id(session))/drop", [:]) }

    func cancel(session: String) async throws { _ = try await post("/sessions/\(id(session))/cancel", [:]) }

    /// The phone's inbox, oldest first, once it holds every SMS the outbox queued for the number since the mark.
    func smsReceived(msisdn: String) async throws -> [String] {
        try await open(msisdn)
        let expected = try await money.sentSMS(to: msisdn, after: mark)
        let deadline = ContinuousClock.now + .seconds(20)
        while true {
            let (_, inbox) = try await request(.GET, "/phones/\(msisdn)/inbox", body: nil)
            let texts = (inbox["messages"] as? [[String: Any]] ?? []).compactMap { $0["text"] as? String }.reversed()
            var arrived = Array(texts)
            let missing = expected.filter { body in
                guard let index = arrived.firstIndex(of: body) else { return true }
                arrived.remove(at: index)
                return false
            }
            if missing.isEmpty { return Array(texts) }
            guard ContinuousClock.now < deadline else { throw GatewayError(.unavailable, "SMS to \(msisdn) never reached its inbox: \(missing)") }
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    func balance(msisdn: String) async throws -> Int64? {
        guard let subscriber = try await money.subscriber(msisdn) else { return nil }
        return try await money.ledger.account(id: subscriber.accountID)?.balance
    }

    private func id(_ session: String) -> String { sessions.withLock { $0[session] } ?? session }

    private func open(_ msisdn: String) async throws {
        guard !opened.withLock({ $0.contains(msisdn) }) else { return }
        let (status, body) = try await request(.POST, "/phones", body: ["msisdn": msisdn])
        guard status == 201 else { throw GatewayError(.malformed, "phone \(msisdn) not opened: \(status) \(body)") }
        _ = opened.withLock { $0.insert(msisdn) }
    }

    /// A `POST` whose answer must be an exchange (`200`).
    private func post(_ path: String, _ body: [String: String]) async throws -> [String: Any] {
        let (status, object) = try await request(.POST, path, body: body)
        guard status == 200 else { throw GatewayError(.malformed, "\(path): \(status) \(object)") }
        return object
    }

    private func request(_ method: HTTPMethod, _ path: String, body: [String: String]?) async throws -> (Int, [String: Any]) {
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)/simulator/api\(path)")
        request.method = method
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(data: try JSONSerialization.data(withJSONObject: body)))
        }
        let response = try await HTTPClient.forTests.execute(request, timeout: .seconds(60))
        let bytes = try await response.body.collect(upTo: 1 << 20)
        return (Int(response.status.code), (try? JSONSerialization.jsonObject(with: Data(buffer: bytes))) as? [String: Any] ?? [:])
    }

    /// A screen, or the gateway's refusal as an error the script runner reports.
    static func screen(_ exchange: [String: Any]) throws -> Screen {
        if let error = exchange["error"] as? [String: Any] {
            let code = (error["code"] as? Int).flatMap(GatewayError.Code.init(rawValue:)) ?? .malformed
            throw GatewayError(code, error["message"] as? String ?? "refused")
        }
        guard let text = exchange["screen"] as? String, let final = exchange["final"] as? Bool else {
            throw GatewayError(.malformed, "an exchange without a screen: \(exchange)")
        }
        return Screen(text: text, isFinal: final)
    }
}
