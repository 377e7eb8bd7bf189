import HTTPServerSupport
import Hummingbird
import Sessions

/// Refuses a client that sends more than its share with 429 and `Retry-After`. The client is the
/// context's `clientAddress`: the TCP peer, or the client a trusted proxy named.
struct ClientRateLimitMiddleware: RouterMiddleware {
    typealias Context = SikaRequestContext
    let limiter: TokenBucketLimiter

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if let wait = limiter.take("client:\(context.clientAddress)") {
            throw APIError(.tooManyRequests, "rate_limited", "too many requests from this client", headers: [.retryAfter: String(wait)])
        }
        return try await next(request, context)
    }
}
