import HTTPServerSupport
import Hummingbird

/// The three route groups of the JSON API under `/api`, each behind the request log and the per-client rate
/// limit: where a route goes decides who may call it, and its handler's context type says what it was told.
public struct APIRouteGroups {
    /// Routes anyone may call (the token exchange).
    public let open: RouterGroup<APIRequestContext>
    /// Routes for subscribers, behind ``SubscriberAuthMiddleware``: their handlers read `context.subject`.
    public let subscriber: RouterGroup<SubscriberRequestContext>
    /// Routes under `/api/admin`, behind ``AdminAuthMiddleware``.
    public let admin: RouterGroup<AdminRequestContext>
}
