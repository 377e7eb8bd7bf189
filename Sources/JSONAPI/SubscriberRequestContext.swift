import Hummingbird

/// The request context of the subscriber routes: the ``Subject`` a valid session token speaks for.
///
/// It can only be made from an ``APIRequestContext`` that ``SubscriberAuthMiddleware`` authenticated: a
/// subscriber route registered without that middleware refuses every request with 401 rather than run
/// for nobody in particular.
public struct SubscriberRequestContext: ChildRequestContext {
    public typealias ParentContext = APIRequestContext
    public var coreContext: CoreRequestContextStorage
    /// Whose wallet this request may act on.
    public let subject: Subject
    /// The client the request is counted against.
    public let clientAddress: String

    public init(context: APIRequestContext) throws {
        guard case .subscriber(let subject) = context.authentication else { throw APIError.unauthorized }
        coreContext = context.coreContext
        clientAddress = context.clientAddress
        self.subject = subject
    }
}
