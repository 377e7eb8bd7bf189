import NIOCore
import NIOPosix
import SMPP
import Synchronization
import Testing

/// A host that accepts esme/secret, can hold submits behind a gate, and sends a delivery receipt for every submit that
/// asks for one.
final class LoopbackHost: SMPPServerDelegate {
    let gate = Mutex<[CheckedContinuation<Void, Never>]?>(nil)
    let receipts = Mutex<[Result<SubmitSMResponse, SMPPError>]>([])
    let ended = Mutex<[SMPPSessionEndReason]>([])
    let ussdAnswers = Mutex<[SubmitSM]>([])
    let sessions = Mutex<[SMPPServerSession]>([])
    private let counter = Atomic<Int>(0)
    let throttle: ThrottleRate?

    init(gated: Bool = false, throttle: ThrottleRate? = nil) {
        if gated { gate.withLock { $0 = [] } }
        self.throttle = throttle
    }

    func openGate() {
        let waiters = gate.withLock { waiters in
            defer { waiters = nil }
            return waiters ?? []
        }
        for waiter in waiters { waiter.resume() }
    }

    func authenticate(_ request: BindRequest, kind: BindKind, connection: SMPPConnectionInfo) async -> BindDecision {
        guard request.systemID == "esme" else { return .reject(.invalidSystemID) }
        return request.password == "secret" ? .accept(throttle: throttle) : .reject(.invalidPassword)
    }

    func submit(_ message: SubmitSM, session: SMPPServerSession) async -> SubmitDecision {
        await withCheckedContinuation { continuation in
            let waiting = gate.withLock { waiters -> Bool in
                guard waiters != nil else { return false }
                waiters!.append(continuation)
                return true
            }
            if !waiting { continuation.resume() }
        }
        if message.isUSSD {
            ussdAnswers.withLock { $0.append(message) }
            return .accepted(messageID: "")
        }
        return .accepted(messageID: "m\(counter.wrappingAdd(1, ordering: .relaxed).newValue)")
    }

    func submitAnswered(_ message: SubmitSM, decision: SubmitDecision, session: SMPPServerSession) async {
        guard case .accepted(let id) = decision, message.registeredDelivery & 1 == 1, !message.isUSSD else { return }
        let receipt = DeliveryReceipt(
            messageID: id, submitDate: ReceiptDate(unixSeconds: 1_796_083_200), doneDate: ReceiptDate(unixSeconds: 1_796_083_260),
            state: .delivered, text: message.text)
        let deliver = receipt.deliverSM(originalSource: message.source, originalDestination: message.destination)
        Task {
            let result: Result<SubmitSMResponse, SMPPError>
            do { result = .success(try await session.deliver(deliver)) } catch { result = .failure(error.smpp!) }
            self.receipts.withLock { $0.append(result) }
        }
    }

    func sessionBound(_ session: SMPPServerSession) async {
        sessions.withLock { $0.append(session) }
    }

    func sessionEnded(_ session: SMPPServerSession, reason: SMPPSessionEndReason) async {
        ended.withLock { $0.append(reason) }
    }
}

@Suite("Client against server over loopback sockets")
struct LoopbackTests {
    static func server(_ host: LoopbackHost, _ configure: (inout SMPPServerConfiguration) -> Void = { _ in }) async throws -> SMPPServer {
        var configuration = SMPPServerConfiguration.testing
        configure(&configuration)
        return try await SMPPServer.start(host: "127.0.0.1", port: 0, configuration: configuration, delegate: host)
    }

    static func client(_ server: SMPPServer, window: Int = 10) async throws -> SMPPClient {
        var configuration = SMPPClientConfiguration.testing
        configuration.windowSize = window
        return try await SMPPClient.connect(host: "127.0.0.1", port: server.port, configuration: configuration)
    }

    @Test("bind: a wrong password is RINVPASWD and the same connection can then bind")
    func bindAndAuthFailure() async throws {
        let server = try await Self.server(LoopbackHost())
        let client = try await Self.client(server)
        do {
            try await client.bind(.transceiver, systemID: "esme", password: "wrong")
            Issue.record("bound with a wrong password")
        } catch {
            #expect(error.code == .rejected && error.status == .invalidPassword)
        }
        let response = try await client.bind(.transceiver, systemID: "esme", password: "secret")
        #expect(response.systemID == "sika")
        do {
            try await client.bind(.transmitter, systemID: "esme", password: "secret")
            Issue.record("bound twice")
        } catch {
            #expect(error.code == .invalidState)
        }
        try await client.unbind()
        await server.shutdownGracefully()
    }

    @Test("submit before bind fails locally; submits on a receiver bind are refused")
    func submitStates() async throws {
        let server = try await Self.server(LoopbackHost())
        let client = try await Self.client(server)
        await #expect(throws: SMPPError(.invalidState, "")) {
            do { try await client.submit(sampleSubmit) } catch { throw SMPPError(error.smpp!.code, "") }
        }
        try await client.bind(.receiver, systemID: "esme", password: "secret")
        await #expect(throws: SMPPError(.wrongBindKind, "")) {
            do { try await client.submit(sampleSubmit) } catch { throw SMPPError(error.smpp!.code, "") }
        }
        await client.close()
        await server.shutdownGracefully()
    }

    /// Runs 40 gated submits against a server that takes at most 10 pending requests, and counts RMSGQFUL refusals.
    static func queueFullRefusals(window: Int) async throws -> (ok: Int, refused: Int) {
        let host = LoopbackHost(gated: true)
        let server = try await Self.server(host) { $0.maximumPendingRequests = 10 }
        let client = try await Self.client(server, window: window)
        try await client.bind(.transmitter, systemID: "esme", password: "secret")
        let refusals = Counter()
        let outcomes = try await withThrowingTaskGroup(of: Bool.self) { group in
            for index in 0..<40 {
                group.addTask {
                    var message = sampleSubmit
                    message.registeredDelivery = 0
                    message.shortMessage = Array("n\(index)".utf8)
                    do {
                        try await client.submit(message)
                        return true
                    } catch {
                        #expect(error.smpp?.status == .messageQueueFull)
                        refusals.increment()
                        return false
                    }
                }
            }
            // The gate opens once the server has its first submit; the window alone must keep it from overflowing.
            try await withTimeout("first submit at the host") {
                while host.gate.withLock({ $0?.isEmpty ?? true }) { try await Task.sleep(for: .milliseconds(5)) }
            }
            if window > 10 {
                // Let the over-wide window fill the server up before answering.
                try await withTimeout("refusals") {
                    while refusals.value < window - 10 { try await Task.sleep(for: .milliseconds(5)) }
                }
            }
            host.openGate()
            var results: [Bool] = []
            while let result = try await group.next() { results.append(result) }
            return results
        }
        try await client.unbind()
        await server.shutdownGracefully()
        return (outcomes.filter { $0 }.count, outcomes.filter { !$0 }.count)
    }

    @Test("a window of 10 never has more than 10 submits outstanding on the wire")
    func windowOfTen() async throws {
        let ten = try await Self.queueFullRefusals(window: 10)
        #expect(ten.ok == 40 && ten.refused == 0)
        // The control: a window of 20 overflows the same server, so the check above can fail.
        let twenty = try await Self.queueFullRefusals(window: 20)
        #expect(twenty.refused > 0)
    }

    @Test("throttling: beyond the bind's bucket, submits come back RTHROTTLED")
    func throttling() async throws {
        let server = try await Self.server(LoopbackHost(throttle: ThrottleRate(perSecond: 0.001, burst: 5)))
        let client = try await Self.client(server)
        try await client.bind(.transceiver, systemID: "esme", password: "secret")
        var ok = 0
        var throttled = 0
        for _ in 0..<10 {
            var message = sampleSubmit
            message.registeredDelivery = 0
            do {
                try await client.submit(message)
                ok += 1
            } catch {
                if error.status == .throttled { throttled += 1 }
            }
        }
        #expect(ok == 5 && throttled == 5)
        await client.close()
        await server.shutdownGracefully()
    }

    @Test("enquire_link both ways, and a DLR for a submit comes back as deliver_sm")
    func enquireLinkAndReceipt() async throws {
        let host = LoopbackHost()
        let server = try await Self.server(host)
        let client = try await Self.client(server)
        try await client.enquireLink()  // answered even before a bind
        try await client.bind(.transceiver, systemID: "esme", password: "secret")
        try await client.enquireLink()
        let response = try await client.submit(sampleSubmit)
        #expect(response.messageID == "m1")
        let inbound = try await withTimeout("the receipt") {
            var iterator = client.inbound.makeAsyncIterator()
            return await iterator.next()
        }
        let message = try #require(inbound)
        let receipt = try #require(message.receipt)
        #expect(receipt.messageID == "m1" && receipt.state == .delivered && receipt.text == "hello")
        #expect(message.deliverSM?.source == sampleSubmit.destination)
        #expect(message.deliverSM?.destination == sampleSubmit.source)
        message.respond(.ok)
        try await withTimeout("the deliver_sm_resp at the server") {
            while host.receipts.withLock({ $0.isEmpty }) { try await Task.sleep(for: .milliseconds(5)) }
        }
        #expect((try? host.receipts.withLock { $0[0] }.get()) != nil)
        try await client.unbind()
        try await withTimeout("sessionEnded") {
            while host.ended.withLock({ $0.isEmpty }) { try await Task.sleep(for: .milliseconds(5)) }
        }
        #expect(host.ended.withLock { $0 } == [.unboundByPeer])
    }

    @Test("server shutdown unbinds the client gracefully; later calls fail with connectionClosed")
    func gracefulShutdown() async throws {
        let server = try await Self.server(LoopbackHost())
        let client = try await Self.client(server)
        try await client.bind(.transceiver, systemID: "esme", password: "secret")
        await server.shutdownGracefully()
        try await withTimeout("the client to close") { await client.waitUntilClosed() }
        do {
            try await client.submit(sampleSubmit)
            Issue.record("submitted after shutdown")
        } catch {
            #expect(error.code == .connectionClosed)
        }
        #expect(server.connectionCount == 0)
    }

    @Test("a USSD dialogue: PSSR indication in, USSR request out, USSR confirm in, PSSR response out")
    func ussdDialogue() async throws {
        let host = LoopbackHost()
        let server = try await Self.server(host)
        let client = try await Self.client(server)
        try await client.bind(.transceiver, systemID: "esme", password: "secret")
        let session = try await withTimeout("the bound session") { () -> SMPPServerSession in
            while true {
                if let session = host.sessions.withLock({ $0.first }) { return session }
                try await Task.sleep(for: .milliseconds(5))
            }
        }
        let phone = Address.international("22890112233")
        let code = Address.shortCode("145")
        var inbound = client.inbound.makeAsyncIterator()
        var seen: [(USSDServiceOp?, String, ITSSessionInfo?)] = []
        let steps: [(USSDServiceOp, String, USSDServiceOp, String)] = [
            (.pssrIndication, "*145#", .ussrRequest, "1. Envoyer\n2. Solde"),
            (.ussrConfirm, "2", .pssrResponse, "Solde: 5 000 FCFA"),
        ]
        for (index, (networkOp, networkText, answerOp, answerText)) in steps.enumerated() {
            let dialogue = ITSSessionInfo(sessionNumber: 42, sequenceNumber: UInt8(index * 2))
            let delivery = Task {
                try await session.deliver(.ussd(networkOp, source: phone, destination: code, text: networkText, session: dialogue))
            }
            let received = try #require(await inbound.next())
            let message = try #require(received.deliverSM)
            seen.append((message.options.ussdServiceOp, message.text, message.options.itsSessionInfo))
            // The ESME answers deliver_sm first, then sends its screen.
            received.respond()
            _ = try await delivery.value
            let end = answerOp == .pssrResponse
            try await client.submit(
                .ussd(
                    answerOp, source: code, destination: phone, text: answerText,
                    session: ITSSessionInfo(sessionNumber: 42, sequenceNumber: UInt8(index * 2 + 1), endOfSession: end)))
        }
        #expect(seen.map(\.0) == [.pssrIndication, .ussrConfirm])
        #expect(seen.map(\.1) == ["*145#", "2"])
        #expect(seen.allSatisfy { $0.2?.sessionNumber == 42 })
        let answers = host.ussdAnswers.withLock { $0 }
        #expect(answers.map { $0.options.ussdServiceOp } == [.ussrRequest, .pssrResponse])
        #expect(answers.map(\.text) == ["1. Envoyer\n2. Solde", "Solde: 5 000 FCFA"])
        #expect(answers.map { $0.serviceType } == ["USSD", "USSD"])
        #expect(answers.last?.options.itsSessionInfo?.endOfSession == true)
        try await client.unbind()
        await server.shutdownGracefully()
    }
}
