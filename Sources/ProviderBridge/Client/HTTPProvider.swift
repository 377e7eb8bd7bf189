import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// A provider reached over HTTP with AsyncHTTPClient (`docs/PROVIDER_API.md`).
///
/// Each call is one attempt bounded by `timeout`; every transport failure becomes a `ProviderError`
/// that says whether it is worth retrying and whether the provider may have acted on it.
public struct HTTPProvider: Provider {
    public let operatorID: String
    public let source: String
    /// Where the API lives, e.g. `http://127.0.0.1:7202`.
    public let baseURL: String
    /// The bearer key this operator was given by the provider.
    let apiKey: String
    let client: HTTPClient

    public init(operatorID: String, source: String, baseURL: String, apiKey: String, client: HTTPClient = HTTPProvider.sharedClient) {
        self.operatorID = operatorID
        self.source = source
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.apiKey = apiKey
        self.client = client
    }

    public func credit(_ request: ProviderTransferRequest, timeout: Duration) async throws(ProviderError) -> ProviderTransfer {
        let body = Self.encode(request)
        let (status, data) = try await send(.POST, "/v1/transfers", body: body, idempotencyKey: request.idempotencyKey, timeout: timeout)
        switch status {
        case 200, 201, 422: return try Self.decode(ProviderTransfer.self, data, status: status)
        default: throw Self.failure(status, data)
        }
    }

    public func status(key: String, timeout: Duration) async throws(ProviderError) -> ProviderTransfer? {
        let (status, data) = try await send(.GET, "/v1/transfers/\(Self.escape(key))", body: nil, idempotencyKey: nil, timeout: timeout)
        switch status {
        case 200, 422: return try Self.decode(ProviderTransfer.self, data, status: status)
        case 404: return nil
        default: throw Self.failure(status, data)
        }
    }

    public func reverse(key: String, timeout: Duration) async throws(ProviderError) -> ProviderTransfer {
        let (status, data) = try await send(
            .POST, "/v1/transfers/\(Self.escape(key))/reverse", body: Data("{}".utf8), idempotencyKey: key, timeout: timeout)
        switch status {
        case 200, 422: return try Self.decode(ProviderTransfer.self, data, status: status)
        default: throw Self.failure(status, data)
        }
    }

    public func credits(since: Int64, timeout: Duration) async throws(ProviderError) -> [ProviderTransfer] {
        let (status, data) = try await send(.GET, "/v1/transfers?since=\(since)", body: nil, idempotencyKey: nil, timeout: timeout)
        guard status == 200 else { throw Self.failure(status, data) }
        return try Self.decode(ProviderTransferList.self, data, status: status).transfers
    }

    /// One client for the process, with room for 64 connections per provider: the default pool of 8
    /// would queue a busy bridge behind a slow provider. Never shut down (it lives as long as the process).
    public static let sharedClient: HTTPClient = {
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool = .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: 64)
        return HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
    }()

    // MARK: Transport

    private func send(_ method: HTTPMethod, _ path: String, body: Data?, idempotencyKey: String?, timeout: Duration)
        async throws(ProviderError) -> (Int, Data)
    {
        var request = HTTPClientRequest(url: baseURL + path)
        request.method = method
        request.headers.add(name: "Authorization", value: "Bearer \(apiKey)")
        request.headers.add(name: "Accept", value: "application/json")
        if let idempotencyKey { request.headers.add(name: "Idempotency-Key", value: idempotencyKey) }
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(bytes: body))
        }
        let nanoseconds = timeout.components.seconds * 1_000_000_000 + timeout.components.attoseconds / 1_000_000_000
        do {
            let response = try await client.execute(request, timeout: .nanoseconds(max(1, nanoseconds)))
            let buffer = try await response.body.collect(upTo: 1 << 20)
            return (Int(response.status.code), Data(buffer.readableBytesView))
        } catch let error as HTTPClientError {
            throw Self.transportFailure(error)
        } catch is CancellationError {
            throw ProviderError(.timeout, "cancelled while waiting for \(operatorID)")
        } catch let error as ChannelError {
            if case .connectTimeout = error { throw ProviderError(.connectFailed, "\(operatorID): \(error)") }
            throw ProviderError(.connectionLost, "\(operatorID): \(error)")
        } catch {
            // NIO reports a refused connection as an IOError/NIOConnectionError: nothing was sent.
            let text = "\(error)"
            if text.contains("connect") || text.contains("refused") { throw ProviderError(.connectFailed, "\(operatorID): \(text)") }
            throw ProviderError(.connectionLost, "\(operatorID): \(text)")
        }
    }

    static func transportFailure(_ error: HTTPClientError) -> ProviderError {
        switch error {
        case .readTimeout, .deadlineExceeded, .writeTimeout, .cancelled:
            ProviderError(.timeout, "no answer in time (\(error))")
        case .connectTimeout, .getConnectionFromPoolTimeout:
            ProviderError(.connectFailed, "could not connect (\(error))")
        default:
            ProviderError(.connectionLost, "connection lost (\(error))")
        }
    }

    static func failure(_ status: Int, _ data: Data) -> ProviderError {
        let body = try? JSONDecoder().decode(ProviderErrorBody.self, from: data)
        let message = body?.message ?? "HTTP \(status)"
        switch status {
        case 429, 500...599: return ProviderError(.unavailable, message, status: status, providerCode: body?.code)
        default: return ProviderError(.rejected, message, status: status, providerCode: body?.code)
        }
    }

    static func encode<T: Encodable>(_ value: T) -> Data {
        // Encoding these plain structs cannot fail.
        (try? JSONEncoder().encode(value)) ?? Data()
    }

    static func decode<T: Decodable>(_ type: T.Type, _ data: Data, status: Int) throws(ProviderError) -> T {
        do {
            return try JSONDecoder().decode(type, from: data)
        } catch {
            throw ProviderError(.malformedResponse, "unreadable \(status) answer: \(error)", status: status)
        }
    }

    static func escape(_ key: String) -> String {
        key.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(CharacterSet(charactersIn: "/?#"))) ?? key
    }
}
