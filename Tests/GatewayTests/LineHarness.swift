import NIOCore
import NIOEmbedded

@testable import Gateway

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
    func next() async throws -> String {
        let buffer = try await channel.waitForOutboundWrite(as: ByteBuffer.self)
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
