import NIOCore
import NIOPosix
import Synchronization
import TestSupport

/// A bare TCP connection for tests, from a chosen source address (Linux loopback accepts all of 127/8, so
/// `127.0.0.2` is another client): collects every byte the server sends and knows when the server closed.
/// It reads as fast as bytes come, and never writes unless told to.
final class RawConnection: Sendable {
    private struct Received {
        var bytes: [UInt8] = []
        var closed = false
    }

    private final class Collector: ChannelInboundHandler, Sendable {
        typealias InboundIn = ByteBuffer
        let received = Mutex(Received())

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            let buffer = unwrapInboundIn(data)
            received.withLock { $0.bytes += buffer.readableBytesView }
        }

        func channelInactive(context: ChannelHandlerContext) {
            received.withLock { $0.closed = true }
            context.fireChannelInactive()
        }

        func errorCaught(context: ChannelHandlerContext, error: any Error) {
            context.close(promise: nil)
        }
    }

    let channel: any Channel
    private let collector: Collector

    private init(channel: any Channel, collector: Collector) {
        self.channel = channel
        self.collector = collector
    }

    /// The clients' own event loop: thousands of test connections do not slow down the loops other tests share.
    static let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)

    static func connect(port: Int, from source: String = "127.0.0.1", host: String = "127.0.0.1") async throws -> RawConnection {
        let collector = Collector()
        let channel = try await ClientBootstrap(group: group)
            .bind(to: try SocketAddress(ipAddress: source, port: 0))
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(collector) }
            }
            .connect(host: host, port: port)
            .get()
        return RawConnection(channel: channel, collector: collector)
    }

    /// Opens `count` connections, `batch` at a time.
    static func connect(_ count: Int, port: Int, from source: String = "127.0.0.1", batch: Int = 100) async throws -> [RawConnection] {
        var connections: [RawConnection] = []
        while connections.count < count {
            let size = min(batch, count - connections.count)
            try await withThrowingTaskGroup(of: RawConnection.self) { group in
                for _ in 0..<size { group.addTask { try await connect(port: port, from: source) } }
                for try await connection in group { connections.append(connection) }
            }
        }
        return connections
    }

    var text: String { collector.received.withLock { String(decoding: $0.bytes, as: UTF8.self) } }
    var byteCount: Int { collector.received.withLock { $0.bytes.count } }
    var isClosed: Bool { collector.received.withLock { $0.closed } }
    var lines: [String] { text.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init) }

    func send(_ text: String) async throws {
        try await channel.writeAndFlush(ByteBuffer(string: text))
    }

    func close() async {
        try? await channel.close()
    }

    /// Waits until `condition` holds, polling; `timeout` only bounds a failure.
    @discardableResult
    func wait(timeout: Duration = .seconds(20), until condition: (RawConnection) -> Bool) async throws -> Bool {
        await eventually(timeout: timeout) { condition(self) }
    }
}
