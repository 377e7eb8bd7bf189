import Hummingbird

/// The request context of the admin routes: proof that ``AdminAuthMiddleware`` accepted the admin credential.
///
/// Like ``SubscriberRequestContext`` it can only be made from an authenticated ``APIRequestContext``, so an
/// admin handler cannot run for a request that did not carry the admin credential.
public struct AdminRequestContext: ChildRequestContext {
    public typealias ParentContext = APIRequestContext
    public var coreContext: CoreRequestContextStorage
    /// The client the request is counted against.
    public let clientAddress: String

    public init(context: APIRequestContext) throws {
        guard context.authentication == .admin else { throw APIError.unauthorized }
        coreContext = context.coreContext
        clientAddress = context.clientAddress
    }
}
