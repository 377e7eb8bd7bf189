import Hummingbird
import Sessions

/// Refuses a client address that sends more than its share with 429 and `Retry-After`.
struct ClientRateLimitMiddleware<Context: RequestContext>: RouterMiddleware {
    let limiter: TokenBucketLimiter

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let address = (context as? any RemoteAddressRequestContext)?.remoteAddress?.ipAddress ?? "local"
        if let wait = limiter.take("client:\(address)") {
            throw APIError(.tooManyRequests, "rate_limited", "too many requests from this client", headers: [.retryAfter: String(wait)])
        }
        return try await next(request, context)
    }
}
