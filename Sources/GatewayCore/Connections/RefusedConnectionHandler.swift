import NIOCore

/// The whole pipeline of a connection refused when accepted: as soon as it is active, writes `farewell`
/// (if any) and closes. Nothing the client sent is read or answered, and no TLS handshake is made.
public final class RefusedConnectionHandler: ChannelInboundHandler, RemovableChannelHandler {
    public typealias InboundIn = NIOAny

    private let farewell: String?

    public init(farewell: String?) { self.farewell = farewell }

    public func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { refuse(context) }
    }

    public func channelActive(context: ChannelHandlerContext) {
        refuse(context)
    }

    public func channelRead(context: ChannelHandlerContext, data: NIOAny) {}

    public func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }

    private func refuse(_ context: ChannelHandlerContext) {
        if let farewell {
            // Written straight to the fresh socket's empty send buffer, then closed at once: a refused connection
            // must not hold its descriptor while a client takes its time reading.
            context.writeAndFlush(NIOAny(context.channel.allocator.buffer(string: farewell)), promise: nil)
        }
        context.close(promise: nil)
    }
}
