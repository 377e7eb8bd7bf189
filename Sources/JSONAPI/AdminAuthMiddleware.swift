import Crypto
import Foundation
import Hummingbird

/// Admits a request to the admin routes only with the admin bearer credential (`Authorization: Bearer
/// <SIKA_ADMIN_TOKEN>`); anything else, a subscriber's valid token included, is refused with 401
/// `unauthorized` before the route's handler runs or its body is read.
struct AdminAuthMiddleware: RouterMiddleware {
    typealias Context = APIRequestContext
    private let key: SymmetricKey
    private let expected: HMAC<SHA256>.MAC

    init(configuration: APIConfiguration) {
        key = SymmetricKey(data: configuration.jwtSecret)
        expected = HMAC<SHA256>.authenticationCode(for: Data(configuration.adminToken.utf8), using: key)
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let token = request.bearerCredential,
            // Compare MACs of both: constant time, whatever the lengths.
            HMAC<SHA256>.authenticationCode(for: Data(token.utf8), using: key) == expected
        else { throw APIError.unauthorized }
        var context = context
        context.authentication = .admin
        return try await next(request, context)
    }
}
