import NIOCore
import NIOEmbedded
import Synchronization

@testable import GatewayCore
@testable import LineFront

/// One line-protocol connection on an in-memory channel: the real decoder, encoder and handler, no socket.
struct LineHarness {
    let channel: NIOAsyncTestingChannel

    init(core: GatewayCore) async throws {
        let channel = NIOAsyncTestingChannel()
        let id = core.nextConnectionID()
        try await channel.testingEventLoop.executeInContext {
            try channel.pipeline.syncOperations.addHandlers([
                ByteToMessageHandler(LineFrameDecoder()), MessageToByteHandler(ServerLineEncoder()),
                LineConnectionHandler(core: core, connectionID: id),
            ])
        }
        try await channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 7145)).get()
        self.channel = channel
    }

    /// Sends raw bytes (add the LF yourself).
    func send(bytes: [UInt8]) async throws {
        try await channel.writeInbound(ByteBuffer(bytes: bytes))
    }

    /// Sends lines, each terminated by LF, in one write.
    func send(_ lines: String...) async throws {
        try await channel.writeInbound(ByteBuffer(string: lines.map { $0 + "\n" }.joined()))
    }

    /// The next line the server wrote, without its LF; waits for lines computed off the event loop.
    func next(timeout: Duration = .seconds(10)) async throws -> String {
        // A missing line must fail the test, not hang it. `waitForOutboundWrite` ignores cancellation, so
        // the wait and the timer race for one continuation instead of being children of a task group.
        let channel = self.channel
        let once = Once()
        let buffer: ByteBuffer = try await withCheckedThrowingContinuation { continuation in
            Task {
                do {
                    let buffer = try await channel.waitForOutboundWrite(as: ByteBuffer.self)
                    if once.claim() { continuation.resume(returning: buffer) }
                } catch {
                    if once.claim() { continuation.resume(throwing: error) }
                }
            }
            Task {
                try? await Task.sleep(for: timeout)
                if once.claim() {
                    continuation.resume(throwing: GatewayError(.unavailable, "no line within \(timeout)"))
                }
            }
        }
        let text = String(buffer: buffer)
        precondition(text.hasSuffix("\n") && text.dropLast().firstIndex(of: "\n") == nil, "one line per write: \(text)")
        return String(text.dropLast())
    }

    /// Sends one line and returns the next line written.
    func ask(_ line: String) async throws -> String {
        try await send(line)
        return try await next()
    }

    /// Nothing more was written (checks after giving off-loop steps a moment).
    func isQuiet() async throws -> Bool {
        try await Task.sleep(for: .milliseconds(50))
        return try await channel.readOutbound(as: ByteBuffer.self) == nil
    }

    func hello(_ op: String = "tmoney") async throws {
        let token = op == "tmoney" ? "tm-secret" : "fl-secret"
        let answer = try await ask("HELLO \(op) \(token)")
        precondition(answer == "OK HELLO \(op)", answer)
    }

    func close() async throws {
        _ = try await channel.finish(acceptAlreadyClosed: true)
    }
}

/// A flag that can be claimed once, from any thread.
final class Once: Sendable {
    private let claimed = Mutex(false)

    func claim() -> Bool {
        claimed.withLock { claimed in
            defer { claimed = true }
            return !claimed
        }
    }
}
