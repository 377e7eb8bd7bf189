import NIOCore
import NIOEmbedded
import Testing

@testable import SMPP

@Suite("Client handler on an async testing channel")
struct ClientHandlerTests {
    /// A client over a testing channel; the test plays the SMSC.
    static func make(_ configure: (inout SMPPClientConfiguration) -> Void = { _ in }) async throws -> (SMPPClient, NIOAsyncTestingChannel) {
        var settings = SMPPClientConfiguration.testing
        configure(&settings)
        let configuration = settings
        let channel = NIOAsyncTestingChannel()
        let (stream, continuation) = AsyncStream.makeStream(of: SMPPInboundMessage.self)
        try await channel.testingEventLoop.executeInContext {
            try channel.pipeline.syncOperations.addHandlers([
                ByteToMessageHandler(SMPPFrameDecoder()), MessageToByteHandler(SMPPFrameEncoder()),
                SMPPClientHandler(configuration: configuration, inbound: continuation),
            ])
        }
        try await channel.connect(to: try SocketAddress(ipAddress: "127.0.0.1", port: 2775)).get()
        return (try await SMPPClient.make(channel: channel, inbound: stream), channel)
    }

    static func nextPDU(_ channel: NIOAsyncTestingChannel) async throws -> PDU {
        let buffer = try await withTimeout("a PDU from the client") { try await channel.waitForOutboundWrite(as: ByteBuffer.self) }
        guard case .pdu(let pdu) = decodeAll(buffer).first else { throw TestError.unexpected("undecodable") }
        return pdu
    }

    @Test("the client answers the SMSC's enquire_link, probes when idle, and closes on a dead peer")
    func linkKeeping() async throws {
        let (client, channel) = try await Self.make {
            $0.enquireLinkInterval = .seconds(30)
            $0.deadPeerTimeout = .seconds(10)
        }
        try await channel.writeInbound(PDU(.enquireLink, sequenceNumber: 77).bytes)
        #expect(try await Self.nextPDU(channel) == PDU(.enquireLinkResp, sequenceNumber: 77))
        await channel.testingEventLoop.advanceTime(by: .seconds(30))
        #expect(try await Self.nextPDU(channel).commandID == .enquireLink)
        await channel.testingEventLoop.advanceTime(by: .seconds(10))
        #expect(!channel.isActive)
        do {
            try await client.enquireLink()
            Issue.record("enquire_link on a closed connection")
        } catch {
            #expect(error.code == .connectionClosed)
        }
    }

    @Test("a bind that gets no answer times out, and the client may bind again")
    func bindTimeout() async throws {
        let (client, channel) = try await Self.make { $0.requestTimeout = .seconds(5) }
        let attempt = Task { () -> SMPPError.Code? in
            do {
                try await client.bind(.transceiver, systemID: "a", password: "b")
                return nil
            } catch {
                return error.smpp?.code
            }
        }
        _ = try await Self.nextPDU(channel)
        await channel.testingEventLoop.advanceTime(by: .seconds(5))
        #expect(await attempt.value == .timeout)
        let second = Task { try await client.bind(.transceiver, systemID: "a", password: "b") }
        let bind = try await Self.nextPDU(channel)
        try await channel.writeInbound(PDU(.bindResp(.transceiver, BindResponse(systemID: "smsc")), sequenceNumber: bind.sequenceNumber).bytes)
        #expect(try await second.value.systemID == "smsc")
    }

    @Test("inbound deliver_sm beyond the pending bound get RX_T_APPN; answers free the slots")
    func inboundBound() async throws {
        let (client, channel) = try await Self.make { $0.maximumPendingInbound = 2 }
        let bindTask = Task { try await client.bind(.receiver, systemID: "a", password: "b") }
        let bind = try await Self.nextPDU(channel)
        try await channel.writeInbound(PDU(.bindResp(.receiver, BindResponse(systemID: "smsc")), sequenceNumber: bind.sequenceNumber).bytes)
        _ = try await bindTask.value
        for sequence in UInt32(1)...3 { try await channel.writeInbound(PDU(.deliverSM(sampleSubmit), sequenceNumber: sequence).bytes) }
        #expect(try await Self.nextPDU(channel) == PDU(.deliverSMResp(SubmitSMResponse()), sequenceNumber: 3, status: .receiverTemporaryAppError))
        var iterator = client.inbound.makeAsyncIterator()
        let first = try #require(await iterator.next())
        first.respond()
        #expect(try await Self.nextPDU(channel) == PDU(.deliverSMResp(SubmitSMResponse()), sequenceNumber: 1))
        first.respond()  // a second answer is ignored
        try await channel.writeInbound(PDU(.deliverSM(sampleSubmit), sequenceNumber: 4).bytes)
        _ = try #require(await iterator.next())  // sequence 2
        let fourth = try #require(await iterator.next())
        #expect(fourth.sequenceNumber == 4)
        fourth.respond(.receiverPermanentAppError)
        #expect(try await Self.nextPDU(channel) == PDU(.deliverSMResp(SubmitSMResponse()), sequenceNumber: 4, status: .receiverPermanentAppError))
        // The SMSC unbinds: the client answers, closes, and the stream ends.
        try await channel.writeInbound(PDU(.unbind, sequenceNumber: 9).bytes)
        #expect(try await Self.nextPDU(channel) == PDU(.unbindResp, sequenceNumber: 9))
        #expect(!channel.isActive)
        #expect(await iterator.next() == nil)
    }
}
