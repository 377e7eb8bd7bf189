import GatewayCore
import HTTPTypes
import Hummingbird

/// Resolves the client of every request once, before any route: the TCP peer, or — when the peer is a
/// trusted proxy — the right-most untrusted address of `X-Forwarded-For` (see ``TrustedProxies``).
public struct ClientAddressMiddleware: RouterMiddleware {
    public typealias Context = SikaRequestContext
    static let forwardedFor = HTTPField.Name("X-Forwarded-For")!

    let trusted: TrustedProxies

    public init(trusted: TrustedProxies) { self.trusted = trusted }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard !trusted.isEmpty else { return try await next(request, context) }
        var context = context
        context.clientAddress = trusted.client(peer: context.clientAddress, forwardedFor: request.headers[values: Self.forwardedFor])
        return try await next(request, context)
    }
}
