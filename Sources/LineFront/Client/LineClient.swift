import GatewayCore
import NIOCore
import NIOPosix
import NIOSSL
import Synchronization

/// A client of the line protocol over TCP: what an operator's gateway does, for `sika phone`, `sika
/// script run --connect`, the benchmark and the end-to-end tests.
///
/// Requests wait for their answer: a session's `CON`/`END`/`ERR` lines come back in order, so each
/// session keeps a FIFO of waiters; `OK HELLO`, `PONG` and `ERR -` go to a connection-wide FIFO. `SMS`
/// lines are collected and can be awaited.
public final class LineClient: Sendable {
    /// An SMS the server pushed.
    public struct SMS: Sendable, Hashable {
        public let shortCode: String
        public let msisdn: String
        public let text: String
    }

    private struct State {
        var sessionWaiters: [String: [CheckedContinuation<ServerLine, any Error>]] = [:]
        var connectionWaiters: [CheckedContinuation<ServerLine, any Error>] = []
        var received: [SMS] = []
        var closed = false
    }

    private let channel: NIOAsyncChannel<LineFrame, ByteBuffer>
    private let writer: NIOAsyncChannelOutboundWriter<ByteBuffer>
    private let state = Mutex(State())
    /// Called on the reading task for every SMS (the terminal phone prints them as they come).
    private let onSMS: (@Sendable (SMS) -> Void)?

    private init(
        channel: NIOAsyncChannel<LineFrame, ByteBuffer>, writer: NIOAsyncChannelOutboundWriter<ByteBuffer>, onSMS: (@Sendable (SMS) -> Void)?
    ) {
        self.channel = channel
        self.writer = writer
        self.onSMS = onSMS
    }

    /// Connects; the connection reads in a background task until `close()` or the server hangs up.
    /// - Parameters:
    ///   - tls: client TLS (trust roots, hostname check) when the server speaks TLS.
    ///   - connectTimeout: a failure bound for a host that never answers (a refused port fails at once). NIO's
    ///     10 s default was outlasted by a loopback connect on a saturated CI machine.
    public static func connect(
        host: String, port: Int, group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton, tls: TLSConfiguration? = nil,
        connectTimeout: TimeAmount = .seconds(60), onSMS: (@Sendable (SMS) -> Void)? = nil
    ) async throws -> LineClient {
        let context = try tls.map { try NIOSSLContext(configuration: $0) }
        let channel = try await ClientBootstrap(group: group)
            .connectTimeout(connectTimeout)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .connect(host: host, port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    if let context {
                        try channel.pipeline.syncOperations.addHandler(NIOSSLClientHandler(context: context, serverHostname: host))
                    }
                    try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(LineFrameDecoder(maximumLength: 1 << 20)))
                    return try NIOAsyncChannel<LineFrame, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
        let (stream, continuation) = AsyncStream.makeStream(of: LineClient.self)
        Task {
            try? await channel.executeThenClose { inbound, outbound in
                let client = LineClient(channel: channel, writer: outbound, onSMS: onSMS)
                continuation.yield(client)
                continuation.finish()
                do {
                    for try await frame in inbound {
                        guard case .line(let bytes) = frame, let line = ServerLine.parse(String(buffer: bytes)) else { continue }
                        client.route(line)
                    }
                } catch {}
                client.failAll()
            }
            continuation.finish()
        }
        for await client in stream { return client }
        throw GatewayError(.unavailable, "connection to \(host):\(port) closed at once")
    }

    /// `HELLO`; throws the `ERR` if refused.
    public func hello(operatorID: String, token: String) async throws {
        let answer = try await request(ClientLine.hello(operatorID: operatorID, token: token).rendered, session: nil)
        if case .error(let error) = answer { throw error }
    }

    /// `PING`; returns the echoed token.
    public func ping(_ token: String) async throws -> String {
        switch try await request(ClientLine.ping(token: token).rendered, session: nil) {
        case .pong(let echoed): return echoed
        case .error(let error): throw error
        default: throw GatewayError(.malformed, "unexpected answer to PING")
        }
    }

    /// `BEGIN`; returns `CON`/`END` (as `.screen`/`.end`) or `.error`.
    public func begin(session: String, msisdn: String, dial: String) async throws -> ServerLine {
        try await request(ClientLine.begin(session: session, msisdn: msisdn, dial: dial).rendered, session: session)
    }

    /// `CONTINUE`; the input is escaped.
    public func reply(session: String, input: String) async throws -> ServerLine {
        try await request(ClientLine.continue(session: session, input: input).rendered, session: session)
    }

    /// `ABORT`: the protocol answers only when refused, so this does not wait.
    /// - Parameter cancelled: the subscriber cancelled (`ABORT <session> cancel`: not resumable), rather than the network releasing it.
    public func abort(session: String, cancelled: Bool = false) async throws {
        try await send(ClientLine.abort(session: session, cancelled: cancelled).rendered)
    }

    /// `SMS <msisdn> <shortcode> <text>` (mobile-originated); the reply comes as an SMS line.
    public func sendSMS(from msisdn: String, to shortCode: String, text: String) async throws {
        try await send(ClientLine.sms(msisdn: msisdn, shortCode: shortCode, text: text).rendered)
    }

    /// Every SMS received so far, oldest first.
    public var receivedSMS: [SMS] { state.withLock { $0.received } }

    /// Sends a raw line (no escaping): for tests that send garbage.
    public func send(_ line: String) async throws {
        var buffer = ByteBuffer(string: line)
        buffer.writeInteger(UInt8(ascii: "\n"))
        try await writer.write(buffer)
    }

    /// Sends a raw line (no escaping) and waits for its answer: the next line for `session` if given, else
    /// the next connection-wide one (`ERR -`, `OK HELLO`, `PONG`). For tests that send what a gateway should not.
    public func exchange(_ line: String, session: String? = nil) async throws -> ServerLine {
        try await request(line, session: session)
    }

    /// Sends raw bytes as they are: for fuzzing.
    public func send(bytes: [UInt8]) async throws {
        try await writer.write(ByteBuffer(bytes: bytes))
    }

    public func close() async {
        writer.finish()
        try? await channel.channel.close()
    }

    private func request(_ line: String, session: String?) async throws -> ServerLine {
        try await withCheckedThrowingContinuation { continuation in
            let registered = state.withLock { state -> Bool in
                guard !state.closed else { return false }
                if let session {
                    state.sessionWaiters[session, default: []].append(continuation)
                } else {
                    state.connectionWaiters.append(continuation)
                }
                return true
            }
            guard registered else {
                continuation.resume(throwing: GatewayError(.unavailable, "connection closed"))
                return
            }
            let writer = self.writer
            var buffer = ByteBuffer(string: line)
            buffer.writeInteger(UInt8(ascii: "\n"))
            Task {
                do { try await writer.write(buffer) } catch { self.failAll() }
            }
        }
    }

    private func route(_ line: ServerLine) {
        let session: String?
        switch line {
        case .screen(let id, _), .end(let id, _): session = id
        case .error(let error): session = error.session
        case .sms(let shortCode, let msisdn, let text):
            let sms = SMS(shortCode: shortCode, msisdn: msisdn, text: text)
            state.withLock { $0.received.append(sms) }
            onSMS?(sms)
            return
        case .helloAccepted, .pong: session = nil
        }
        let waiter = state.withLock { state -> CheckedContinuation<ServerLine, any Error>? in
            if let session {
                guard var waiters = state.sessionWaiters[session], !waiters.isEmpty else { return nil }
                let first = waiters.removeFirst()
                state.sessionWaiters[session] = waiters.isEmpty ? nil : waiters
                return first
            }
            return state.connectionWaiters.isEmpty ? nil : state.connectionWaiters.removeFirst()
        }
        waiter?.resume(returning: line)
    }

    private func failAll() {
        let waiters = state.withLock { state in
            state.closed = true
            defer {
                state.sessionWaiters = [:]
                state.connectionWaiters = []
            }
            return state.sessionWaiters.values.flatMap { $0 } + state.connectionWaiters
        }
        for waiter in waiters { waiter.resume(throwing: GatewayError(.unavailable, "connection closed")) }
    }
}
