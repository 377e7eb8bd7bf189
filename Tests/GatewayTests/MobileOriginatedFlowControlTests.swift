import NIOCore
import NIOEmbedded
import Testing

@testable import GatewayCore
@testable import LineFront

/// Mobile-originated SMS obey the same flow control as session steps: they count as work in flight,
/// and a client that does not read its replies is not read either.
@Suite struct MobileOriginatedFlowControlTests {
    func channel(_ core: GatewayCore) async throws -> (NIOAsyncTestingChannel, ReadCounter) {
        let channel = NIOAsyncTestingChannel()
        let counter = ReadCounter()
        try await channel.testingEventLoop.executeInContext {
            try channel.pipeline.syncOperations.addHandlers([
                counter, ByteToMessageHandler(LineFrameDecoder()), MessageToByteHandler(ServerLineEncoder()),
                LineConnectionHandler(core: core, connectionID: 1),
            ])
        }
        try await channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 7145)).get()
        return (channel, counter)
    }

    @Test func smsRepliesInFlightStopReadingUntilTheyAreAnswered() async throws {
        let world = try await GatewayWorld()
        defer { world.remove() }
        let (channel, counter) = try await channel(world.core { $0.maxStepsInFlightPerConnection = 2 })
        // In one turn of the event loop, so the replies (computed off the loop) cannot come back in between:
        // two SMS put two replies in flight, and the next read is held back…
        let (before, after) = try await channel.testingEventLoop.executeInContext {
            channel.pipeline.fireChannelRead(ByteBuffer(string: "HELLO tmoney tm-secret\nSMS 22890112233 1455 AIDE\nSMS 22890445566 1455 HELP\n"))
            let before = counter.reads.withLockedValue { $0 }
            channel.read()
            return (before, counter.reads.withLockedValue { $0 })
        }
        #expect(after == before)
        // …and issued once both were answered.
        var lines: [String] = []
        for _ in 0..<3 { lines.append(String(buffer: try await channel.waitForOutboundWrite(as: ByteBuffer.self))) }
        try await channel.testingEventLoop.executeInContext {}
        #expect(lines[0] == "OK HELLO tmoney\n")
        #expect(lines[1...].allSatisfy { $0.hasPrefix("SMS 1455 2289") }, "\(lines)")
        #expect(counter.reads.withLockedValue { $0 } == before + 1)
        _ = try await channel.finish(acceptAlreadyClosed: true)
    }

    @Test func aClientThatDoesNotReadIsNotReadWhileSMSRepliesWait() async throws {
        let world = try await GatewayWorld()
        defer { world.remove() }
        let (channel, counter) = try await channel(world.core())
        try await channel.writeInbound(ByteBuffer(string: "HELLO tmoney tm-secret\n"))
        _ = try await channel.waitForOutboundWrite(as: ByteBuffer.self)
        channel.isWritable = false
        channel.pipeline.fireChannelWritabilityChanged()
        try await channel.writeInbound(ByteBuffer(string: "SMS 22890112233 1455 AIDE\n"))
        // The reply is still written (nothing is dropped), and no more is read while the socket is full.
        let reply = String(buffer: try await channel.waitForOutboundWrite(as: ByteBuffer.self))
        #expect(reply.hasPrefix("SMS 1455 22890112233 "))
        let before = counter.reads.withLockedValue { $0 }
        channel.read()
        try await channel.testingEventLoop.executeInContext {}
        #expect(counter.reads.withLockedValue { $0 } == before)
        channel.isWritable = true
        channel.pipeline.fireChannelWritabilityChanged()
        try await channel.testingEventLoop.executeInContext {}
        #expect(counter.reads.withLockedValue { $0 } == before + 1)
        _ = try await channel.finish(acceptAlreadyClosed: true)
    }
}
