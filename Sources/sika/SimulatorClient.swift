import AsyncHTTPClient
import CommandSupport
import Foundation
import NIOCore
import NIOHTTP1
import Simulator

/// A client of a running `sika serve`'s web simulator API (`docs/SIMULATOR.md`): the phones of the simulated
/// network, their inboxes and live events. `sika phone` is one of those phones, the same ones the web page shows.
struct SimulatorClient: Sendable {
    /// `http://HOST:PORT`, without a trailing slash.
    let base: String

    /// One USSD request and its answer, as the API returns it.
    struct Exchange: Decodable, Sendable {
        struct Refusal: Decodable, Sendable {
            /// The line protocol's code (403, 404, 429…).
            let code: Int
            let message: String
        }
        let session: String
        let screen: String?
        let final: Bool
        let error: Refusal?
    }

    /// One event of the live stream; only the fields of its `type` are set.
    struct Event: Decodable, Sendable {
        let type: String
        let msisdn: String?
        let message: InboxMessage?
    }

    /// A refusal of the API itself (`{"error": {"code", "message"}}`), with its stable code.
    struct Refusal: Error, CustomStringConvertible {
        let status: Int
        let code: String
        let message: String
        var description: String { message }
    }

    private struct Inbox: Decodable { let messages: [InboxMessage] }
    private struct Overview: Decodable { let phones: [SimulatedPhone] }
    private struct ErrorBody: Decodable {
        struct Detail: Decodable {
            let code: String
            let message: String
        }
        let error: Detail
    }

    static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .millisecondsSince1970
        return decoder
    }()

    /// The phones open now. Asked first, so it waits little for an answer: the client retries a refused connection
    /// until the request's deadline, and nobody should wait a minute to learn that no server runs.
    func phones() async throws -> [SimulatedPhone] { try await call(.GET, "/network", timeout: .seconds(10), as: Overview.self).phones }

    /// Opens the phone of `msisdn` on the network (or returns the one open).
    func open(_ msisdn: String) async throws -> SimulatedPhone { try await call(.POST, "/phones", ["msisdn": msisdn], as: SimulatedPhone.self) }

    /// Puts the phone away; its inbox stays with the network.
    func putAway(_ msisdn: String) async throws { _ = try await send(.DELETE, "/phones/\(msisdn)", nil) }

    /// The phone's SMS, newest first.
    func inbox(_ msisdn: String) async throws -> [InboxMessage] { try await call(.GET, "/phones/\(msisdn)/inbox", as: Inbox.self).messages }

    func markRead(_ msisdn: String, through id: Int) async throws {
        _ = try await send(.POST, "/phones/\(msisdn)/read", try JSONSerialization.data(withJSONObject: ["through": id]))
    }

    func dial(_ msisdn: String, _ dial: String) async throws -> Exchange {
        try await call(.POST, "/phones/\(msisdn)/dial", ["dial": dial], as: Exchange.self)
    }

    func answer(_ session: String, _ input: String) async throws -> Exchange {
        try await call(.POST, "/sessions/\(session)/answer", ["input": input], as: Exchange.self)
    }

    /// Hangs up (never offered back).
    func cancel(_ session: String) async throws -> Exchange { try await call(.POST, "/sessions/\(session)/cancel", [:], as: Exchange.self) }

    /// The network loses the phone (the session is offered back when the phone dials the same code again).
    func drop(_ session: String) async throws -> Exchange { try await call(.POST, "/sessions/\(session)/drop", [:], as: Exchange.self) }

    /// The live events (`text/event-stream`) until the server ends the stream or the connection fails.
    /// - Parameter onOpen: called once the server listens for this client (every event from then on comes).
    func events(onOpen: @Sendable () -> Void, _ handle: @Sendable (Event) async -> Void) async throws {
        var request = HTTPClientRequest(url: base + "/simulator/api/events")
        request.headers.add(name: "Accept", value: "text/event-stream")
        let response = try await ServerHTTPClient.shared.execute(request, deadline: .distantFuture)
        guard response.status == .ok else { throw try await refusal(response) }
        onOpen()
        var pending = ""
        for try await chunk in response.body {
            pending += String(buffer: chunk)
            while let newline = pending.firstIndex(of: "\n") {
                let line = pending[..<newline]
                pending = String(pending[pending.index(after: newline)...])
                guard line.hasPrefix("data: "), let event = try? Self.decoder.decode(Event.self, from: Data(line.dropFirst(6).utf8)) else { continue }
                await handle(event)
            }
        }
    }

    private func call<T: Decodable>(
        _ method: HTTPMethod, _ path: String, _ body: [String: String]? = nil, timeout: TimeAmount = .seconds(60), as type: T.Type
    ) async throws -> T {
        let data = try await send(method, path, try body.map { try JSONSerialization.data(withJSONObject: $0) }, timeout: timeout)
        do {
            return try Self.decoder.decode(type, from: data)
        } catch {
            throw CommandFailure(
                "\(base) answered \(path) with something else than the simulator API: \(String(decoding: data, as: UTF8.self).prefix(200))")
        }
    }

    private func send(_ method: HTTPMethod, _ path: String, _ body: Data?, timeout: TimeAmount = .seconds(60)) async throws -> Data {
        var request = HTTPClientRequest(url: base + "/simulator/api" + path)
        request.method = method
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(data: body))
        }
        let response: HTTPClientResponse
        do {
            response = try await ServerHTTPClient.shared.execute(request, timeout: timeout)
        } catch {
            throw CommandFailure("cannot reach sika serve at \(base) (start it with `sika serve --demo`, or say where with --connect): \(error)")
        }
        guard (200..<300).contains(response.status.code) else { throw try await refusal(response) }
        return Data(buffer: try await response.body.collect(upTo: 1 << 20))
    }

    private func refusal(_ response: HTTPClientResponse) async throws -> Refusal {
        let data = Data(buffer: try await response.body.collect(upTo: 1 << 20))
        guard let body = try? Self.decoder.decode(ErrorBody.self, from: data) else {
            return Refusal(status: Int(response.status.code), code: "http_\(response.status.code)", message: "\(base) answered \(response.status)")
        }
        return Refusal(status: Int(response.status.code), code: body.error.code, message: body.error.message)
    }
}
