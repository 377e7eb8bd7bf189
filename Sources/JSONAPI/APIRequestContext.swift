import HTTPServerSupport
import Hummingbird

/// The request context of every `/api/…` route: the HTTP front's context, plus who the request's credential
/// proved to be once an authentication middleware has checked it.
///
/// Only this module's middlewares set ``authentication``; the subscriber and admin routes read it through
/// ``SubscriberRequestContext`` and ``AdminRequestContext``, which cannot be made without it.
public struct APIRequestContext: ChildRequestContext {
    public typealias ParentContext = SikaRequestContext

    /// What a credential proved.
    public enum Authentication: Sendable, Hashable {
        /// A valid session token of this subscriber.
        case subscriber(Subject)
        /// The admin bearer credential.
        case admin
    }

    public var coreContext: CoreRequestContextStorage
    /// The client the request is counted against (see ``SikaRequestContext/clientAddress``).
    public let clientAddress: String
    /// Nil on the open routes (the token exchange); set by the authentication middleware of a route group.
    public internal(set) var authentication: Authentication?

    public init(context: SikaRequestContext) {
        // The core storage is copied, not made anew: it holds the route's parameters and endpoint path.
        coreContext = context.coreContext
        clientAddress = context.clientAddress
        authentication = nil
    }
}
