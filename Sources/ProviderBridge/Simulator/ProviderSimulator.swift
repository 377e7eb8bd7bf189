import Foundation
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle

/// The provider API over HTTP (Hummingbird) for one operator: a `SimulatedProvider` behind the routes of
/// `docs/PROVIDER_API.md`. A `Service`: `sika serve` runs one per operator in its service group, and
/// `sika provider serve` runs one alone.
public struct ProviderSimulator: Service {
    public let provider: SimulatedProvider
    public let host: String
    /// 0 picks a free port; `onListening` reports the one bound.
    public let port: Int
    let onListening: @Sendable (Int) async -> Void

    public init(provider: SimulatedProvider, host: String = "127.0.0.1", port: Int, onListening: @escaping @Sendable (Int) async -> Void = { _ in }) {
        self.provider = provider
        self.host = host
        self.port = port
        self.onListening = onListening
    }

    /// Serves until the task is cancelled or the service group shuts down gracefully.
    public func run() async throws {
        try await application().run()
    }

    /// The Hummingbird application, for a caller that runs it itself (tests use `.live`).
    public func application() -> some ApplicationProtocol {
        let router = Self.router(provider)
        var logger = provider.logger
        logger.logLevel = .warning
        let onListening = self.onListening
        return Application(
            router: router, configuration: .init(address: .hostname(host, port: port), serverName: "sika-provider-\(provider.operatorID)"),
            onServerRunning: { channel in await onListening(channel.localAddress?.port ?? 0) }, logger: logger)
    }

    /// The API's routes over `provider`.
    public static func router(_ provider: SimulatedProvider) -> Router<BasicRequestContext> {
        let router = Router()
        router.post("/v1/transfers") { request, _ -> Response in
            let body = try await request.body.collect(upTo: 64 * 1024)
            return response(await provider.credit(authorization: request.headers[.authorization], body: Data(body.readableBytesView)))
        }
        router.get("/v1/transfers") { request, _ -> Response in
            let since = request.uri.queryParameters.get("since", as: Int64.self) ?? 0
            return response(await provider.list(authorization: request.headers[.authorization], since: since))
        }
        router.get("/v1/transfers/:key") { request, context -> Response in
            let key = try context.parameters.require("key")
            return response(await provider.status(authorization: request.headers[.authorization], key: key))
        }
        router.post("/v1/transfers/:key/reverse") { request, context -> Response in
            let key = try context.parameters.require("key")
            return response(await provider.reverse(authorization: request.headers[.authorization], key: key))
        }
        router.get("/health") { _, _ in "ok" }
        return router
    }

    static func response(_ reply: SimulatedProvider.Reply) -> Response {
        switch reply {
        case .answer(let status, let body):
            return Response(
                status: .init(code: status), headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: body)))
        case .drop:
            // The head goes out, then the body fails: the server closes the connection mid-answer, and
            // the client sees a broken connection, not an answer.
            return Response(status: .ok, headers: [.contentType: "application/json"], body: ResponseBody { _ in throw DroppedConnection() })
        }
    }

    struct DroppedConnection: Error {}
}
