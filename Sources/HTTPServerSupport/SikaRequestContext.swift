import Hummingbird
import NIOCore

/// The request context of the HTTP front: who is at the other end of the connection, and who the client is.
///
/// `remoteAddress` is the TCP peer, read from the channel. `clientAddress` starts as the peer's address;
/// ``ClientAddressMiddleware`` replaces it with the client a trusted proxy names in `X-Forwarded-For`.
/// Per-client limits key on `clientAddress`, so two clients never share a bucket.
public struct SikaRequestContext: RequestContext, RemoteAddressRequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The connection's peer (a proxy, when there is one).
    public let remoteAddress: SocketAddress?
    /// The client the request is counted against.
    public var clientAddress: String

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress
        clientAddress = remoteAddress?.clientAddress ?? "unknown"
    }
}
