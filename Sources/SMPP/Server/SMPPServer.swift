import Logging
import NIOCore
import NIOPosix

/// An SMPP 3.4 server (the SMSC role): listens, runs one `SMPPServerHandler` per connection, and hands binds and
/// messages to the host's delegate.
public final class SMPPServer: Sendable {
    private let channel: any Channel
    private let registry: SMPPConnectionRegistry
    public let configuration: SMPPServerConfiguration

    private init(channel: any Channel, registry: SMPPConnectionRegistry, configuration: SMPPServerConfiguration) {
        self.channel = channel
        self.registry = registry
        self.configuration = configuration
    }

    /// Starts listening on `host:port` (port 0 picks a free one; read it back from `port`).
    public static func start(
        host: String = "127.0.0.1", port: Int = 2775, configuration: SMPPServerConfiguration = SMPPServerConfiguration(),
        delegate: any SMPPServerDelegate, group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    ) async throws -> SMPPServer {
        let registry = SMPPConnectionRegistry()
        let channel = try await ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelOption(.maxMessagesPerRead, value: 16)
            .childChannelInitializer { channel in
                if let admission = configuration.admission {
                    let address = channel.remoteAddress
                    guard admission.admit(address) else {
                        return channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(RefusingHandler()) }
                    }
                    channel.closeFuture.whenComplete { _ in admission.release(address) }
                }
                return configure(channel, configuration: configuration, delegate: delegate, registry: registry)
            }
            .bind(host: host, port: port)
            .get()
        return SMPPServer(channel: channel, registry: registry, configuration: configuration)
    }

    /// Installs the decoder, encoder and server handler on a channel (a socket's, or an embedded one in tests).
    public static func configure(
        _ channel: any Channel, configuration: SMPPServerConfiguration, delegate: any SMPPServerDelegate
    ) -> EventLoopFuture<Void> {
        configure(channel, configuration: configuration, delegate: delegate, registry: SMPPConnectionRegistry())
    }

    static func configure(
        _ channel: any Channel, configuration: SMPPServerConfiguration, delegate: any SMPPServerDelegate,
        registry: SMPPConnectionRegistry
    ) -> EventLoopFuture<Void> {
        guard channel.eventLoop.inEventLoop else {
            return channel.eventLoop.flatSubmit {
                configure(channel, configuration: configuration, delegate: delegate, registry: registry)
            }
        }
        let id = registry.makeConnectionID()
        return channel.eventLoop.makeCompletedFuture {
            try channel.pipeline.syncOperations.addHandlers([
                ByteToMessageHandler(SMPPFrameDecoder(maximumPDUSize: configuration.maximumPDUSize)),
                MessageToByteHandler(SMPPFrameEncoder()),
                SMPPServerHandler(configuration: configuration, delegate: delegate, connectionID: id, registry: registry),
            ])
        }
    }

    /// The address the server listens on.
    public var localAddress: SocketAddress? { channel.localAddress }

    /// The port the server listens on.
    public var port: Int { channel.localAddress?.port ?? 0 }

    /// How many connections are open.
    public var connectionCount: Int { registry.count }

    /// PDUs (and broken PDU-sized pieces) read from all connections so far: shows whether the server is reading.
    public var pdusReceived: Int { registry.received.load(ordering: .relaxed) }

    /// Stops accepting, unbinds every bound session (waiting up to the unbind timeout for each unbind_resp), closes the
    /// rest, and returns when every connection is closed.
    public func shutdownGracefully() async {
        try? await channel.close()
        let handlers = registry.all
        await withTaskGroup(of: Void.self) { group in
            for handler in handlers {
                group.addTask {
                    let closed = handler.eventLoop.makePromise(of: Void.self)
                    handler.eventLoop.execute { handler.value.beginUnbind(closed: closed) }
                    try? await closed.futureResult.get()
                }
            }
        }
    }
}
