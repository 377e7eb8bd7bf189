import NIOConcurrencyHelpers
import NIOCore
import NIOEmbedded
import Testing

@testable import LineFront

/// Counts the reads that reach the transport, to see when the handler holds them back.
final class ReadCounter: ChannelOutboundHandler, Sendable {
    typealias OutboundIn = Never
    let reads = NIOLockedValueBox(0)

    func read(context: ChannelHandlerContext) {
        reads.withLockedValue { $0 += 1 }
        context.read()
    }
}

@Suite struct BackpressureTests {
    @Test func aSlowReaderStopsTheServerReadingUntilItDrains() async throws {
        let world = try await GatewayWorld()
        defer { world.remove() }
        let channel = NIOAsyncTestingChannel()
        let counter = ReadCounter()
        let core = world.core()
        try await channel.testingEventLoop.executeInContext {
            try channel.pipeline.syncOperations.addHandlers([
                counter, ByteToMessageHandler(LineFrameDecoder()), MessageToByteHandler(ServerLineEncoder()),
                LineConnectionHandler(core: core, connectionID: 1),
            ])
        }
        try await channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 7145)).get()
        let before = counter.reads.withLockedValue { $0 }
        channel.read()
        try await channel.testingEventLoop.executeInContext {}
        #expect(counter.reads.withLockedValue { $0 } == before + 1)

        // The peer stopped reading: the socket's buffer is over its high-water mark.
        channel.isWritable = false
        channel.pipeline.fireChannelWritabilityChanged()
        channel.read()
        try await channel.testingEventLoop.executeInContext {}
        #expect(counter.reads.withLockedValue { $0 } == before + 1)

        channel.isWritable = true
        channel.pipeline.fireChannelWritabilityChanged()
        try await channel.testingEventLoop.executeInContext {}
        #expect(counter.reads.withLockedValue { $0 } == before + 2)
        _ = try await channel.finish(acceptAlreadyClosed: true)
    }

    @Test func tooManyStepsInFlightStopReadingUntilOneFinishes() async throws {
        let world = try await GatewayWorld()
        defer { world.remove() }
        let core = world.core { $0.maxStepsInFlightPerConnection = 2 }
        let channel = NIOAsyncTestingChannel()
        let counter = ReadCounter()
        try await channel.testingEventLoop.executeInContext {
            try channel.pipeline.syncOperations.addHandlers([
                counter, ByteToMessageHandler(LineFrameDecoder()), MessageToByteHandler(ServerLineEncoder()),
                LineConnectionHandler(core: core, connectionID: 1),
            ])
        }
        try await channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 7145)).get()
        // In one turn of the event loop, so the steps (which finish off the loop) cannot come back in between:
        // two BEGINs (two phones: one phone's second session would wait for its first) put two steps in flight, and the next read is held back…
        let (before, after) = try await channel.testingEventLoop.executeInContext {
            channel.pipeline.fireChannelRead(ByteBuffer(string: "HELLO tmoney tm-secret\nBEGIN a 22890112233 *145#\nBEGIN b 22890445566 *145#\n"))
            let before = counter.reads.withLockedValue { $0 }
            channel.read()
            return (before, counter.reads.withLockedValue { $0 })
        }
        #expect(after == before)
        // …and issued once they finished.
        for _ in 0..<3 { _ = try await channel.waitForOutboundWrite(as: ByteBuffer.self) }
        try await channel.testingEventLoop.executeInContext {}
        #expect(counter.reads.withLockedValue { $0 } == before + 1)
        _ = try await channel.finish(acceptAlreadyClosed: true)
    }
}
