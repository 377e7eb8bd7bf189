import AsyncHTTPClient
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Ledger
import MobileMoney
import NIOCore
import NIOHTTP1
import SessionScripts
import Sessions
import Synchronization
import TestSupport
import Testing

@testable import GatewayCore
@testable import USSDFront

/// Plays session scripts through `POST /ussd` the way an aggregator calls it: the whole history in `text`.
final class HTTPScriptTarget: ScriptTarget {
    /// One `POST /ussd`: the header fields and the form in, the status and the body out.
    typealias Poster = @Sendable (HTTPFields, String) async throws -> (status: Int, body: String)

    let poster: Poster
    let money: MobileMoney
    let firstMessage: Int64
    private let consumed = Mutex<[String: String]>([:])
    private let drop: (@Sendable (String) async -> Void)?

    /// - Parameter drop: what a script's `abort` does: the callback convention has no release, so a test
    ///   passes the server's own timeout of that session (forced now) to play a network drop.
    convenience init(client: any TestClientProtocol, money: MobileMoney, drop: (@Sendable (String) async -> Void)? = nil) async throws {
        try await self.init(poster: { headers, body in try await Self.post(client, body: body, headers: headers) }, money: money, drop: drop)
    }

    /// Over a real server's socket at `port` with AsyncHTTPClient, and a failure bound of two minutes a request:
    /// HummingbirdTesting's live client gives up after a fixed 20 s, which a loaded CI machine can outlast.
    convenience init(port: Int, money: MobileMoney, drop: (@Sendable (String) async -> Void)? = nil) async throws {
        try await self.init(
            poster: { headers, body in
                var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)/ussd")
                request.method = .POST
                request.headers = HTTPHeaders(headers.map { ($0.name.rawName, $0.value) })
                request.body = .bytes(ByteBuffer(string: body))
                let response = try await HTTPClient.forTests.execute(request, timeout: .seconds(120))
                return (Int(response.status.code), String(buffer: try await response.body.collect(upTo: 1 << 20)))
            }, money: money, drop: drop)
    }

    init(poster: @escaping Poster, money: MobileMoney, drop: (@Sendable (String) async -> Void)?) async throws {
        self.poster = poster
        self.money = money
        self.drop = drop
        firstMessage = try await money.ledger.read { try $0.lastMessageID() }
    }

    /// How a test request proves who sends it.
    enum Credential {
        /// The operator's aggregator secret as `Authorization: Bearer`.
        case bearer(operatorID: String)
        /// An HMAC-SHA256 of the body with the operator's secret, as `X-Sika-Signature`.
        case signature(operatorID: String)
        /// These header fields as they are (wrong credentials).
        case headers(HTTPFields)
        case none

        func headers(for body: String) -> HTTPFields {
            switch self {
            case .bearer(let id): [.authorization: "Bearer \(GatewayWorld.aggregatorTokens.tokens[id]!)"]
            case .signature(let id):
                [
                    AggregatorCredential.signatureField: AggregatorCredential.signature(
                        of: body.utf8, secret: GatewayWorld.aggregatorTokens.tokens[id]!)
                ]
            case .headers(let fields): fields
            case .none: [:]
            }
        }
    }

    /// The form as an aggregator encodes it, fields in order.
    static func form(_ fields: [(String, String)]) -> String {
        fields.map { "\($0)=\($1.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)" }.joined(separator: "&")
    }

    /// `POST /ussd`, by default as T-Money's aggregator.
    static func post(
        _ client: any TestClientProtocol, _ fields: [(String, String)], as credential: Credential = .bearer(operatorID: "tmoney")
    ) async throws -> (status: Int, body: String) {
        try await post(client, body: form(fields), as: credential)
    }

    static func post(_ client: any TestClientProtocol, body: String, as credential: Credential) async throws -> (status: Int, body: String) {
        try await post(client, body: body, headers: headers(body, as: credential))
    }

    static func post(_ client: any TestClientProtocol, body: String, headers: HTTPFields) async throws -> (status: Int, body: String) {
        try await client.execute(uri: "/ussd", method: .post, headers: headers, body: ByteBuffer(string: body)) { response in
            (response.status.code, String(buffer: response.body))
        }
    }

    /// The form's content type and the credential's fields.
    static func headers(_ body: String, as credential: Credential) -> HTTPFields {
        var headers: HTTPFields = [.contentType: "application/x-www-form-urlencoded"]
        headers.append(contentsOf: credential.headers(for: body))
        return headers
    }

    func send(session: String, msisdn: String, service: String, text: String) async throws -> Screen {
        // The aggregator of the operator owning the number, as the socket target picks its connection.
        let owner = GatewayWorld.catalog.operatorOwning(msisdn: msisdn) ?? GatewayWorld.catalog.operatorServing(ussd: service)
        let form = Self.form([
            ("sessionId", session), ("serviceCode", service), ("phoneNumber", "+" + msisdn), ("text", text), ("networkCode", "61501"),
        ])
        let (status, body) = try await poster(Self.headers(form, as: owner.map { .bearer(operatorID: $0.id) } ?? .none), form)
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
    func abort(session: String) async throws { await drop?(session) }

    /// A phone hanging up: the aggregator just stops calling, and the session waits for its timeout.
    func cancel(session: String) async throws {}

    func smsReceived(msisdn: String) async throws -> [String] {
        let first = firstMessage
        return try await money.ledger.read { rows in try rows.messages(to: msisdn, after: first).map(\.body) }
    }

    func balance(msisdn: String) async throws -> Int64? {
        guard let subscriber = try await money.subscriber(msisdn) else { return nil }
        return try await money.ledger.account(id: subscriber.accountID)?.balance
    }
}
