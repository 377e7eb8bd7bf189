import NIOCore
import NIOPosix
import SMPP
import Synchronization

/// A TCP connection that writes whatever bytes a test makes (broken PDUs included) and reads the server's answers as
/// PDUs, with this package's decoder. Reading can be switched off to play a peer that does not read.
final class RawSMPPConnection: Sendable {
    private let channel: any Channel
    private let collector: Collector

    private final class Collector: ChannelInboundHandler, Sendable {
        typealias InboundIn = ByteBuffer
        let state = Mutex<(buffer: ByteBuffer, closed: Bool, decoder: SMPPFrameDecoder)>((ByteBuffer(), false, SMPPFrameDecoder()))

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            var bytes = unwrapInboundIn(data)
            state.withLock { _ = $0.buffer.writeBuffer(&bytes) }
        }

        func channelInactive(context: ChannelHandlerContext) {
            state.withLock { $0.closed = true }
            context.fireChannelInactive()
        }

        func errorCaught(context: ChannelHandlerContext, error: any Error) { context.close(promise: nil) }
    }

    private init(channel: any Channel, collector: Collector) {
        self.channel = channel
        self.collector = collector
    }

    /// - Parameter smallBuffers: 4 KiB socket buffers, so that what the kernel holds for this side is next to nothing.
    static func connect(port: Int, smallBuffers: Bool = false) async throws -> RawSMPPConnection {
        let collector = Collector()
        var bootstrap = ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton).channelOption(.socketOption(.tcp_nodelay), value: 1)
        if smallBuffers {
            bootstrap = bootstrap.channelOption(.socketOption(.so_rcvbuf), value: 4096).channelOption(.socketOption(.so_sndbuf), value: 4096)
        }
        let channel =
            try await bootstrap
            .channelInitializer { channel in channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(collector) } }
            .connect(host: "127.0.0.1", port: port).get()
        return RawSMPPConnection(channel: channel, collector: collector)
    }

    /// Writes bytes as they are.
    func send(_ bytes: [UInt8]) async throws {
        try await channel.writeAndFlush(ByteBuffer(bytes: bytes))
    }

    /// Writes a PDU this package can encode.
    func send(_ pdu: PDU) async throws {
        try await channel.writeAndFlush(try pdu.encoded())
    }

    /// Starts a write and returns at once: its future completes when the bytes left for the socket.
    func write(_ bytes: ByteBuffer) -> EventLoopFuture<Void> {
        channel.writeAndFlush(bytes)
    }

    func setReading(_ on: Bool) async throws {
        try await channel.setOption(.autoRead, value: on).get()
        if on { channel.read() }
    }

    /// The server's next PDU (or undecodable frame); nil when the connection closed first or `timeout` passed.
    func next(timeout: Duration = .seconds(10)) async -> SMPPFrame? {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            let (frame, closed) = collector.state.withLock { state in
                (state.decoder.next(&state.buffer, atEOF: state.closed), state.closed)
            }
            if let frame { return frame }
            if closed { return nil }
            try? await Task.sleep(for: .milliseconds(5))
        }
        return nil
    }

    /// The next decodable PDU, or nil.
    func nextPDU(timeout: Duration = .seconds(10)) async -> PDU? {
        if case .pdu(let pdu) = await next(timeout: timeout) { return pdu }
        return nil
    }

    /// Waits until `count` bytes of answers arrived (at most `timeout`); whether they did.
    func waitForBytes(_ count: Int, timeout: Duration) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if collector.state.withLock({ $0.buffer.readableBytes >= count }) { return true }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return false
    }

    /// Reads answers until one carries `sequence`; how many were read (nil when the connection closed or `timeout` passed).
    func drain(untilSequence sequence: UInt32, timeout: Duration) async -> Int? {
        let deadline = ContinuousClock.now + timeout
        var read = 0
        while ContinuousClock.now < deadline {
            let (found, closed) = collector.state.withLock { state -> (Bool, Bool) in
                while let frame = state.decoder.next(&state.buffer) {
                    read += 1
                    if case .pdu(let pdu) = frame, pdu.sequenceNumber == sequence { return (true, state.closed) }
                }
                return (false, state.closed)
            }
            if found { return read }
            if closed { return nil }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return nil
    }

    /// Whether the server closed the connection (waiting up to `timeout` for it).
    func closedByServer(timeout: Duration = .seconds(10)) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if collector.state.withLock({ $0.closed }) { return true }
            try? await Task.sleep(for: .milliseconds(5))
        }
        return false
    }

    func close() async { try? await channel.close() }
}

/// Raw PDU bytes: a header with any length and id, then any body.
func rawPDU(length: UInt32? = nil, id: UInt32, status: UInt32 = 0, sequence: UInt32, body: [UInt8] = []) -> [UInt8] {
    let total = length ?? UInt32(16 + body.count)
    func be(_ value: UInt32) -> [UInt8] { [UInt8(value >> 24), UInt8(value >> 16 & 0xFF), UInt8(value >> 8 & 0xFF), UInt8(value & 0xFF)] }
    return be(total) + be(id) + be(status) + be(sequence) + body
}

/// A C-octet string.
func cString(_ text: String) -> [UInt8] { Array(text.utf8) + [0] }
