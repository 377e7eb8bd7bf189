import Hummingbird
import JWTKit

/// Admits a request to the subscriber routes only with a valid session token (`Authorization: Bearer <JWT>`,
/// HS256, unexpired) and records its subject in the context; anything else is refused with 401
/// `unauthorized` before the route's handler runs or its body is read.
struct SubscriberAuthMiddleware: RouterMiddleware {
    typealias Context = APIRequestContext
    let keys: JWTKeyCollection

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let token = request.bearerCredential else { throw APIError.unauthorized }
        let claims: SessionToken
        do {
            claims = try await keys.verify(token, as: SessionToken.self)
        } catch {
            // Which check failed (signature, algorithm, expiry) is not the client's business.
            throw APIError.unauthorized
        }
        var context = context
        context.authentication = .subscriber(Subject(msisdn: claims.sub.value))
        return try await next(request, context)
    }
}
