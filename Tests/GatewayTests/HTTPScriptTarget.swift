import Foundation
import Hummingbird
import HummingbirdTesting
import Ledger
import MobileMoney
import NIOCore
import SessionScripts
import Sessions
import Synchronization
import Testing

@testable import Gateway

/// Plays session scripts through `POST /ussd` the way an aggregator calls it: the whole history in `text`.
final class HTTPScriptTarget: ScriptTarget {
    let client: any TestClientProtocol
    let money: MobileMoney
    let firstMessage: Int64
    private let consumed = Mutex<[String: String]>([:])

    init(client: any TestClientProtocol, money: MobileMoney) async throws {
        self.client = client
        self.money = money
        firstMessage = try await money.ledger.read { try $0.lastMessageID() }
    }

    static func post(_ client: any TestClientProtocol, _ fields: [(String, String)]) async throws -> (status: Int, body: String) {
        let body = fields.map { "\($0)=\($1.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)" }.joined(separator: "&")
        return try await client.execute(
            uri: "/ussd", method: .post, headers: [.contentType: "application/x-www-form-urlencoded"], body: ByteBuffer(string: body)
        ) { response in (response.status.code, String(buffer: response.body)) }
    }

    func send(session: String, msisdn: String, service: String, text: String) async throws -> Screen {
        let (status, body) = try await Self.post(
            client, [("sessionId", session), ("serviceCode", service), ("phoneNumber", "+" + msisdn), ("text", text), ("networkCode", "61501")])
        guard status == 200 else { throw GatewayError(GatewayError.Code(rawValue: status) ?? .malformed, body) }
        if body.hasPrefix("CON ") { return Screen(text: String(body.dropFirst(4)), isFinal: false) }
        if body.hasPrefix("END ") { return Screen(text: String(body.dropFirst(4)), isFinal: true) }
        throw GatewayError(.malformed, "reply without CON/END: \(body)")
    }

    private let callers = Mutex<[String: (msisdn: String, service: String)]>([:])

    func begin(session: String, msisdn: String, dial: String) async throws -> Screen {
        // `*145*1*1*90445566#` reaches an aggregator as service `*145#` with the answers `1*1*90445566` already typed.
        let parts = dial.dropFirst().dropLast().split(separator: "*", maxSplits: 1)
        let service = "*\(parts[0])#"
        let text = parts.count > 1 ? String(parts[1]) : ""
        callers.withLock { $0[session] = (msisdn, service) }
        consumed.withLock { $0[session] = text }
        return try await send(session: session, msisdn: msisdn, service: service, text: text)
    }

    func reply(session: String, input: String) async throws -> Screen {
        guard let caller = callers.withLock({ $0[session] }) else { throw GatewayError(.unknownSession, "no session") }
        let text = consumed.withLock { consumed in
            let previous = consumed[session] ?? ""
            consumed[session] = previous.isEmpty ? input : previous + "*" + input
            return consumed[session]!
        }
        return try await send(session: session, msisdn: caller.msisdn, service: caller.service, text: text)
    }

    /// The callback convention has no release: the aggregator simply stops calling.
    func abort(session: String) async throws {}

    func smsReceived(msisdn: String) async throws -> [String] {
        let first = firstMessage
        return try await money.ledger.read { rows in try rows.messages(to: msisdn, after: first).map(\.body) }
    }

    func balance(msisdn: String) async throws -> Int64? {
        guard let subscriber = try await money.subscriber(msisdn) else { return nil }
        return try await money.ledger.account(id: subscriber.accountID)?.balance
    }
}
