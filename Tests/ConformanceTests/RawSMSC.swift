import NIOCore
import NIOPosix
import SMPP
import Synchronization

/// An SMSC that speaks bytes rather than the protocol: Sika's client connects and sends its bind, which is answered
/// only when a test says so (or never), and the test writes whatever it likes (a deliver_sm before the bind is
/// answered, a broken PDU) and reads the answers. What the conformance table needs to reach Sika's client with a
/// request outside a bound session, or one that does not parse.
final class RawSMSC: Sendable {
    /// One connection of Sika's client.
    final class Peer: ChannelInboundHandler, Sendable {
        typealias InboundIn = ByteBuffer
        let state = Mutex<(buffer: ByteBuffer, decoder: SMPPFrameDecoder, closed: Bool, bind: PDU?)>((ByteBuffer(), SMPPFrameDecoder(), false, nil))
        let channel = Mutex<(any Channel)?>(nil)

        func channelActive(context: ChannelHandlerContext) {
            channel.withLock { $0 = context.channel }
            context.fireChannelActive()
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            var bytes = unwrapInboundIn(data)
            state.withLock { state in
                state.buffer.writeBuffer(&bytes)
                // The bind is the first PDU Sika sends; keep it aside for the test.
                if state.bind == nil, case .pdu(let pdu)? = state.decoder.next(&state.buffer), case .bind = pdu.body { state.bind = pdu }
            }
        }

        func channelInactive(context: ChannelHandlerContext) {
            state.withLock { $0.closed = true }
            context.fireChannelInactive()
        }

        func errorCaught(context: ChannelHandlerContext, error: any Error) { context.close(promise: nil) }

        var bind: PDU? { state.withLock { $0.bind } }
        var isClosed: Bool { state.withLock { $0.closed } }

        func send(_ bytes: ByteBuffer) async throws {
            guard let channel = channel.withLock({ $0 }) else { throw RawSMSCError("not connected") }
            try await channel.writeAndFlush(bytes)
        }

        /// The next PDU Sika sends (after its bind); nil when it closed first or 10 s passed.
        func next() async -> SMPPFrame? {
            let deadline = ContinuousClock.now + .seconds(10)
            while ContinuousClock.now < deadline {
                let (frame, closed) = state.withLock { state in (state.decoder.next(&state.buffer, atEOF: state.closed), state.closed) }
                if let frame { return frame }
                if closed { return nil }
                try? await Task.sleep(for: .milliseconds(5))
            }
            return nil
        }
    }

    private let channel: any Channel
    private let peers: PeerList

    private init(channel: any Channel, peers: PeerList) {
        self.channel = channel
        self.peers = peers
    }

    static func start() async throws -> RawSMSC {
        let box = PeerList()
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                let peer = Peer()
                box.append(peer)
                return channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(peer) }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        return RawSMSC(channel: channel, peers: box)
    }

    var port: Int { channel.localAddress?.port ?? 0 }

    /// The newest connection whose bind is waiting for its answer (waiting up to 30 s for Sika to connect again).
    func pendingBind() async throws -> (peer: Peer, bind: PDU) {
        let deadline = ContinuousClock.now + .seconds(30)
        while ContinuousClock.now < deadline {
            if let peer = peers.all.last(where: { !$0.isClosed && $0.bind != nil }), let bind = peer.bind { return (peer, bind) }
            try await Task.sleep(for: .milliseconds(10))
        }
        throw RawSMSCError("Sika did not connect and bind")
    }

    func stop() async {
        try? await channel.close()
        for peer in peers.all { try? await peer.channel.withLock({ $0 })?.close() }
    }
}

/// The connections so far, as the accept closure appends to them.
private final class PeerList: Sendable {
    private let peers = Mutex<[RawSMSC.Peer]>([])
    func append(_ peer: RawSMSC.Peer) { peers.withLock { $0.append(peer) } }
    var all: [RawSMSC.Peer] { peers.withLock { $0 } }
}

struct RawSMSCError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
