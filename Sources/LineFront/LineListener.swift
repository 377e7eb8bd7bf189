import GatewayCore
import Logging
import NIOCore
import NIOPosix
import NIOSSL
import ServiceLifecycle
import Synchronization

/// The line-protocol TCP listener, as a service: binds, serves until graceful shutdown, then stops
/// accepting, lets the steps in flight finish and their replies go out, and closes the connections.
public final class LineListener: Service {
    private let core: GatewayCore
    private let group: any EventLoopGroup
    private let bound = Mutex<Int?>(nil)
    private let children = Mutex<[ObjectIdentifier: any Channel]>([:])

    public init(core: GatewayCore, group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton) {
        self.core = core
        self.group = group
    }

    /// What a connection beyond a cap reads before it is closed.
    static let refusal = "ERR - 503 too many connections\n"

    /// The port actually bound (useful with port 0), once listening.
    public var port: Int? { bound.withLock { $0 } }

    /// Open connections.
    public var connectionCount: Int { children.withLock { $0.count } }

    public func run() async throws {
        let core = self.core
        // One context for every connection: building it parses the certificate and key.
        let tls = try core.configuration.tls.map { try NIOSSLContext(configuration: $0) }
        let server = try await ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelOption(.writeBufferWaterMark, value: .init(low: 32 * 1024, high: 64 * 1024))
            .childChannelInitializer { [weak self] channel in
                channel.eventLoop.makeCompletedFuture {
                    let address = channel.remoteAddress?.clientAddress
                    guard core.lineConnections.admit(address: address) == nil else {
                        // Over a cap: said in plain text and closed at once. On TLS, closed without a word
                        // (a refused connection gets no handshake).
                        try channel.pipeline.syncOperations.addHandler(RefusedConnectionHandler(farewell: tls == nil ? Self.refusal : nil))
                        return
                    }
                    channel.closeFuture.whenComplete { _ in core.lineConnections.release(address: address) }
                    if let tls { try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: tls)) }
                    try channel.pipeline.syncOperations.addHandlers([
                        ByteToMessageHandler(LineFrameDecoder()),
                        MessageToByteHandler(ServerLineEncoder()),
                        LineConnectionHandler(core: core, connectionID: core.nextConnectionID()),
                    ])
                    self?.track(channel)
                }
            }
            .bind(host: core.configuration.lineHost, port: core.configuration.linePort)
            .get()
        bound.withLock { $0 = server.localAddress?.port }
        let limits = core.configuration.lineConnections
        core.logger.info(
            "line listener ready",
            metadata: [
                "host": "\(core.configuration.lineHost)", "port": "\(server.localAddress?.port ?? 0)", "max_connections": "\(limits.total)",
                "max_per_address": "\(limits.perAddress)", "max_per_operator": "\(limits.perOperator)",
            ])

        // Returns when shutdown was requested (or the task was cancelled): then drain.
        try? await gracefulShutdown()
        core.beginDraining()
        try? await server.close()
        await core.waitForStepsInFlight(timeout: core.configuration.drainTimeout)
        await core.dispatcher.drain(timeout: .seconds(2))
        let open = children.withLock { Array($0.values) }
        for channel in open { try? await channel.close() }
        core.logger.info("line listener stopped")
    }

    private func track(_ channel: any Channel) {
        let id = ObjectIdentifier(channel)
        children.withLock { $0[id] = channel }
        channel.closeFuture.whenComplete { [weak self] _ in
            _ = self?.children.withLock { $0.removeValue(forKey: id) }
        }
    }
}
