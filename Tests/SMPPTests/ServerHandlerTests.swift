import NIOCore
import NIOEmbedded
import SMPP
import Synchronization
import Testing

@Suite("Server handler on an async testing channel")
struct ServerHandlerTests {
    @Test("a bind with the right password is accepted; wrong ones get RINVPASWD / RINVSYSID and may retry")
    func binds() async throws {
        let harness = try await ServerHarness()
        let wrongPassword = try await harness.bind(password: "nope", sequence: 1)
        #expect(wrongPassword == PDU(.bindResp(.transceiver, BindResponse()), sequenceNumber: 1, status: .invalidPassword))
        let wrongSystem = try await harness.bind(systemID: "who", sequence: 2)
        #expect(wrongSystem.status == .invalidSystemID)
        let ok = try await harness.bind(sequence: 3)
        guard case .bindResp(.transceiver, let body) = ok.body else {
            Issue.record("not a bind_transceiver_resp: \(ok)")
            return
        }
        #expect(ok.status == .ok && ok.sequenceNumber == 3 && body.systemID == "sika" && body.options.scInterfaceVersion == 0x34)
        try await harness.send(PDU(.bind(.transmitter, BindRequest(systemID: "esme", password: "secret")), sequenceNumber: 4))
        #expect(try await harness.next().status == .alreadyBound)
        #expect(harness.isActive)
    }

    @Test("requests before a bind get RINVBNDSTS; enquire_link is answered in every state")
    func wrongState() async throws {
        let harness = try await ServerHarness()
        try await harness.send(PDU(.submitSM(sampleSubmit), sequenceNumber: 5))
        #expect(try await harness.next() == PDU(.submitSMResp(SubmitSMResponse()), sequenceNumber: 5, status: .incorrectBindStatus))
        try await harness.send(PDU(.enquireLink, sequenceNumber: 6))
        #expect(try await harness.next() == PDU(.enquireLinkResp, sequenceNumber: 6))
        _ = try await harness.bind(.receiver, sequence: 7)
        try await harness.send(PDU(.submitSM(sampleSubmit), sequenceNumber: 8))
        #expect(try await harness.next().status == .incorrectBindStatus)
        try await harness.send(PDU(.deliverSM(sampleSubmit), sequenceNumber: 9))
        #expect(try await harness.next() == .genericNack(.invalidCommandID, sequenceNumber: 9))
        #expect(harness.host.submitCount == 0)
    }

    @Test("submit_sm reaches the host and gets its message id or its status")
    func submit() async throws {
        let harness = try await ServerHarness(host: TestHost(refuseDestination: ("999", .invalidDestinationAddress)))
        _ = try await harness.bind(.transmitter)
        try await harness.send(PDU(.submitSM(sampleSubmit), sequenceNumber: 10))
        #expect(try await harness.next() == PDU(.submitSMResp(SubmitSMResponse(messageID: "msg-1")), sequenceNumber: 10))
        var refused = sampleSubmit
        refused.destination = .shortCode("999")
        try await harness.send(PDU(.submitSM(refused), sequenceNumber: 11))
        #expect(try await harness.next() == PDU(.submitSMResp(SubmitSMResponse()), sequenceNumber: 11, status: .invalidDestinationAddress))
        #expect(harness.host.record.withLock { $0.submits.first } == sampleSubmit)
    }

    @Test("unknown command ids get generic_nack RINVCMDID and the connection stays")
    func unknownCommand() async throws {
        let harness = try await ServerHarness()
        try await harness.sendRaw(FrameDecoderTests.raw(0x0000_0777, sequence: 3, body: [1, 2]))
        #expect(try await harness.next() == .genericNack(.invalidCommandID, sequenceNumber: 3))
        let ok = try await harness.bind()
        #expect(ok.status == .ok)
    }

    @Test("a lying command_length gets generic_nack RINVCMDLEN, then the connection closes")
    func framingLost() async throws {
        let harness = try await ServerHarness()
        try await harness.sendRaw(FrameDecoderTests.raw(CommandID.enquireLink.rawValue, sequence: 12, length: 3))
        #expect(try await harness.next() == .genericNack(.invalidCommandLength, sequenceNumber: 12))
        #expect(!harness.isActive)
    }

    @Test("unbind is answered and closes; the host hears the session end")
    func unbind() async throws {
        let harness = try await ServerHarness()
        _ = try await harness.bind()
        try await harness.send(PDU(.unbind, sequenceNumber: 20))
        #expect(try await harness.next() == PDU(.unbindResp, sequenceNumber: 20))
        #expect(!harness.isActive)
        let host = harness.host
        try await withTimeout("sessionEnded") {
            while host.record.withLock({ $0.ended.isEmpty }) { await Task.yield() }
        }
        #expect(host.record.withLock { $0.ended } == [.unboundByPeer])
    }

    @Test("throttling answers RTHROTTLED beyond the bucket, and the rate refills")
    func throttling() async throws {
        let harness = try await ServerHarness(host: TestHost(throttle: ThrottleRate(perSecond: 2, burst: 2)))
        _ = try await harness.bind()
        var statuses: [CommandStatus] = []
        for sequence in UInt32(100)..<104 {
            try await harness.send(PDU(.submitSM(sampleSubmit), sequenceNumber: sequence))
        }
        for _ in 0..<4 { statuses.append(try await harness.next().status) }
        #expect(statuses.filter { $0 == .ok }.count == 2)
        #expect(statuses.filter { $0 == .throttled }.count == 2)
        await harness.channel.testingEventLoop.advanceTime(by: .milliseconds(500))
        try await harness.send(PDU(.submitSM(sampleSubmit), sequenceNumber: 104))
        #expect(try await harness.next().status == .ok)
    }

    @Test("deliver_sm from the host obeys the window and is matched by deliver_sm_resp")
    func deliverWindow() async throws {
        var configuration = SMPPServerConfiguration.testing
        configuration.windowSize = 2
        let harness = try await ServerHarness(configuration: configuration)
        _ = try await harness.bind()
        let session = try #require(harness.host.lastSession)
        let results = AsyncStream.makeStream(of: String.self)
        for index in 0..<3 {
            Task {
                var message = sampleSubmit
                message.shortMessage = Array("mo \(index)".utf8)
                do {
                    let response = try await session.deliver(message)
                    results.continuation.yield("ok \(index) \(response.messageID)")
                } catch {
                    results.continuation.yield("error \(index) \((error as? SMPPError)?.code.rawValue ?? "?")")
                }
            }
        }
        let first = try await harness.next("deliver_sm 1")
        let second = try await harness.next("deliver_sm 2")
        // The third waits for a slot.
        try await withTimeout("the third delivery to wait") {
            while await session.deliveryQueue().waiting == 0 { await Task.yield() }
        }
        #expect(try await harness.written() == nil)
        #expect(await session.deliveryQueue() == (2, 1))
        try await harness.send(PDU(.deliverSMResp(SubmitSMResponse()), sequenceNumber: first.sequenceNumber))
        let third = try await harness.next("deliver_sm 3")
        #expect(Set([first.sequenceNumber, second.sequenceNumber, third.sequenceNumber]).count == 3)
        try await harness.send(PDU(.deliverSMResp(SubmitSMResponse()), sequenceNumber: second.sequenceNumber, status: .receiverTemporaryAppError))
        try await harness.send(PDU(.deliverSMResp(SubmitSMResponse()), sequenceNumber: third.sequenceNumber))
        var outcomes: [String] = []
        for await outcome in results.stream {
            outcomes.append(outcome)
            if outcomes.count == 3 { break }
        }
        #expect(outcomes.filter { $0.hasPrefix("ok") }.count == 2)
        #expect(outcomes.filter { $0.hasPrefix("error") && $0.hasSuffix("rejected") }.count == 1)
    }

    @Test("deliver_sm to a transmitter bind is refused; an unanswered one times out")
    func deliverRefusalsAndTimeout() async throws {
        let transmitter = try await ServerHarness()
        _ = try await transmitter.bind(.transmitter)
        let txSession = try #require(transmitter.host.lastSession)
        await #expect(throws: SMPPError.self) { try await txSession.deliver(sampleSubmit) }

        var configuration = SMPPServerConfiguration.testing
        configuration.requestTimeout = .seconds(5)
        configuration.enquireLinkInterval = .seconds(3600)
        let harness = try await ServerHarness(configuration: configuration)
        _ = try await harness.bind(.receiver)
        let session = try #require(harness.host.lastSession)
        let outcome = Task { () -> SMPPError.Code? in
            do {
                try await session.deliver(sampleSubmit)
                return nil
            } catch {
                return (error as? SMPPError)?.code
            }
        }
        _ = try await harness.next("deliver_sm")
        await harness.channel.testingEventLoop.advanceTime(by: .seconds(6))
        #expect(await outcome.value == .timeout)
        #expect(harness.isActive)
    }

    @Test("enquire_link after idle; a silent peer is closed as dead")
    func deadPeer() async throws {
        var configuration = SMPPServerConfiguration.testing
        configuration.enquireLinkInterval = .seconds(30)
        configuration.deadPeerTimeout = .seconds(10)
        let harness = try await ServerHarness(configuration: configuration)
        _ = try await harness.bind()
        await harness.channel.testingEventLoop.advanceTime(by: .seconds(30))
        let probe = try await harness.next("enquire_link")
        #expect(probe.commandID == .enquireLink)
        try await harness.send(PDU(.enquireLinkResp, sequenceNumber: probe.sequenceNumber))
        await harness.channel.testingEventLoop.advanceTime(by: .seconds(25))
        #expect(harness.isActive)
        await harness.channel.testingEventLoop.advanceTime(by: .seconds(5))
        #expect(try await harness.next("second enquire_link").commandID == .enquireLink)
        await harness.channel.testingEventLoop.advanceTime(by: .seconds(10))
        #expect(!harness.isActive)
    }

    @Test("a connection that never binds is closed after the bind timeout")
    func bindTimeout() async throws {
        var configuration = SMPPServerConfiguration.testing
        configuration.bindTimeout = .seconds(30)
        let harness = try await ServerHarness(configuration: configuration)
        await harness.channel.testingEventLoop.advanceTime(by: .seconds(29))
        #expect(harness.isActive)
        await harness.channel.testingEventLoop.advanceTime(by: .seconds(1))
        #expect(!harness.isActive)
    }

    @Test("a graceful unbind from the server sends unbind and closes on unbind_resp")
    func serverUnbind() async throws {
        let harness = try await ServerHarness()
        _ = try await harness.bind()
        let session = try #require(harness.host.lastSession)
        let done = Task { await session.unbind() }
        let unbind = try await harness.next("unbind")
        #expect(unbind.commandID == .unbind)
        try await harness.send(PDU(.unbindResp, sequenceNumber: unbind.sequenceNumber))
        await done.value
        #expect(!harness.isActive)
    }

    @Test("while the channel is not writable, deliver_sm waits; it goes out once writable again")
    func writability() async throws {
        let harness = try await ServerHarness()
        _ = try await harness.bind(.receiver)
        let session = try #require(harness.host.lastSession)
        let channel = harness.channel
        channel.isWritable = false
        try await channel.testingEventLoop.executeInContext { channel.pipeline.fireChannelWritabilityChanged() }
        let delivery = Task { try await session.deliver(sampleSubmit) }
        try await withTimeout("the delivery to be queued") {
            while await session.deliveryQueue().waiting == 0 { await Task.yield() }
        }
        #expect(try await harness.written() == nil)
        #expect(await session.deliveryQueue() == (0, 1))
        channel.isWritable = true
        try await channel.testingEventLoop.executeInContext { channel.pipeline.fireChannelWritabilityChanged() }
        let sent = try await harness.next("deliver_sm after writability")
        #expect(sent.commandID == .deliverSM)
        try await harness.send(PDU(.deliverSMResp(SubmitSMResponse()), sequenceNumber: sent.sequenceNumber))
        _ = try await delivery.value
    }

    @Test("a host answer or a delivery that breaks a field limit is refused cleanly, and the session goes on")
    func invalidHostPDUs() async throws {
        let longIDs = LongIDHost()
        let harness = try await ServerHarness(host: longIDs.inner, delegate: longIDs)
        _ = try await harness.bind()
        try await harness.send(PDU(.submitSM(sampleSubmit), sequenceNumber: 30))
        #expect(try await harness.next() == PDU(.submitSMResp(SubmitSMResponse()), sequenceNumber: 30, status: .systemError))
        let session = try #require(harness.host.lastSession)
        var tooLong = sampleSubmit
        tooLong.source = .international(String(repeating: "9", count: 21))
        do {
            try await session.deliver(tooLong)
            Issue.record("delivered a 21-digit source_addr")
        } catch {
            #expect(error.code == .invalidMessage && error.message.contains("source_addr"))
        }
        try await harness.send(PDU(.enquireLink, sequenceNumber: 31))
        #expect(try await harness.next() == PDU(.enquireLinkResp, sequenceNumber: 31))
    }

    @Test("beyond the pending-request bound the server answers RMSGQFUL instead of buffering")
    func pendingBound() async throws {
        var configuration = SMPPServerConfiguration.testing
        configuration.maximumPendingRequests = 4
        let gate = GatedHost()
        let channel = NIOAsyncTestingChannel()
        try await SMPPServer.configure(channel, configuration: configuration, delegate: gate).get()
        try await channel.connect(to: try SocketAddress(ipAddress: "127.0.0.1", port: 1)).get()
        try await channel.writeInbound(PDU(.bind(.transceiver, BindRequest(systemID: "a", password: "b")), sequenceNumber: 1).bytes)
        _ = try await withTimeout("bind_resp") { try await channel.waitForOutboundWrite(as: ByteBuffer.self) }
        for sequence in UInt32(2)..<12 { try await channel.writeInbound(PDU(.submitSM(sampleSubmit), sequenceNumber: sequence).bytes) }
        var full: [UInt32] = []
        while let buffer = try await channel.readOutbound(as: ByteBuffer.self) {
            if case .pdu(let pdu) = decodeAll(buffer).first, pdu.status == .messageQueueFull { full.append(pdu.sequenceNumber) }
        }
        #expect(full == Array(6..<12))
        gate.open()
        var accepted = 0
        while accepted < 4 {
            let buffer = try await withTimeout("submit_sm_resp") { try await channel.waitForOutboundWrite(as: ByteBuffer.self) }
            if case .pdu(let pdu) = decodeAll(buffer).first, pdu.status == .ok { accepted += 1 }
        }
        #expect(accepted == 4)
    }
}

/// A host whose submits wait until the test opens the gate.
final class GatedHost: SMPPServerDelegate {
    private let gate = AsyncStream.makeStream(of: Void.self)
    private let opened = Synchronization.Mutex(false)

    func open() {
        opened.withLock { $0 = true }
        gate.continuation.finish()
    }

    func authenticate(_ request: BindRequest, kind: BindKind, connection: SMPPConnectionInfo) async -> BindDecision { .accept() }

    func submit(_ message: SubmitSM, session: SMPPServerSession) async -> SubmitDecision {
        if !opened.withLock({ $0 }) {
            for await _ in gate.stream {}
        }
        return .accepted(messageID: "gated")
    }
}

/// Answers every submit with a message id longer than the spec's 64 characters.
final class LongIDHost: SMPPServerDelegate {
    let inner = TestHost()
    func authenticate(_ request: BindRequest, kind: BindKind, connection: SMPPConnectionInfo) async -> BindDecision {
        await inner.authenticate(request, kind: kind, connection: connection)
    }

    func submit(_ message: SubmitSM, session: SMPPServerSession) async -> SubmitDecision {
        .accepted(messageID: String(repeating: "x", count: 70))
    }

    func sessionBound(_ session: SMPPServerSession) async { await inner.sessionBound(session) }
}
