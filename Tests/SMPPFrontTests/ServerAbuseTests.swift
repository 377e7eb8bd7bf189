import NIOCore
import SMPP
import SMPPFront
import Testing

/// Broken and hostile PDUs against the running SMPP server of the simulated network (docs/SMPP.md, "Robustness"):
/// each gets its documented status or a generic_nack, the connection survives wherever the spec lets it, a peer
/// cannot make the server buffer without bound, and the server goes on serving.
///
/// Serialized: the flood test fills the shared event loops with 400 000 answers on purpose, which would stall the
/// other tests' servers for longer than their answers may take on a loaded machine.
@Suite(.serialized, .timeLimit(.minutes(3))) struct ServerAbuseTests {
    static let bind = rawPDU(id: 0x09, sequence: 1, body: cString("shop") + cString("shop-pw") + cString("") + [0x34, 0, 0] + cString(""))
    static let enquire = rawPDU(id: 0x15, sequence: 77)

    /// A submit_sm body: service_type, source and destination (ton, npi, address), esm_class … sm_length, short_message.
    static func submitBody(message: [UInt8] = Array("hi".utf8), smLength: UInt8? = nil, tlvs: [UInt8] = []) -> [UInt8] {
        var body: [UInt8] = cString("")
        body += [3, 0]
        body += cString("8080")
        body += [1, 1]
        body += cString("22890112233")
        body += [0, 0, 0]
        body += cString("")
        body += cString("")
        body += [0, 0, 0, 0]
        body.append(smLength ?? UInt8(truncatingIfNeeded: message.count))
        return body + message + tlvs
    }

    /// Binds a raw connection as `shop`.
    static func bound(_ world: SMPPWorld) async throws -> RawSMPPConnection {
        let connection = try await RawSMPPConnection.connect(port: world.smppPort)
        try await connection.send(bind)
        let response = await connection.nextPDU()
        guard response?.commandID == .bindTransceiverResp, response?.status == .ok else {
            throw SMPPTestError("bind: \(String(describing: response))")
        }
        return connection
    }

    /// The connection still answers an enquire_link.
    static func alive(_ connection: RawSMPPConnection) async throws -> Bool {
        try await connection.send(enquire)
        let answer = await connection.nextPDU()
        return answer?.commandID == .enquireLinkResp && answer?.sequenceNumber == 77
    }

    /// The status of each broken PDU, and whether the connection survives it.
    static let cases: [(name: String, bytes: [UInt8], answer: CommandID, status: CommandStatus, survives: Bool)] = [
        ("unknown command id", rawPDU(id: 0x0000_0777, sequence: 5), .genericNack, .invalidCommandID, true),
        (
            "a command this server does not take (cancel_sm)", rawPDU(id: 0x08, sequence: 5, body: cString("1") + [0, 0] + cString("")), .genericNack,
            .invalidCommandID, true
        ),
        ("an SMSC's command from an ESME (deliver_sm)", rawPDU(id: 0x05, sequence: 5, body: submitBody()), .genericNack, .invalidCommandID, true),
        ("truncated submit_sm body", rawPDU(id: 0x04, sequence: 5, body: Array(submitBody().prefix(9))), .submitSMResp, .invalidMessageLength, true),
        ("sm_length past the body", rawPDU(id: 0x04, sequence: 5, body: submitBody(smLength: 200)), .submitSMResp, .invalidMessageLength, true),
        (
            "sm_length 255", rawPDU(id: 0x04, sequence: 5, body: submitBody(message: Array(repeating: 0x41, count: 255))), .submitSMResp,
            .invalidMessageLength, true
        ),
        (
            "a source address over 20 characters",
            rawPDU(id: 0x04, sequence: 5, body: cString("") + [3, 0] + cString(String(repeating: "8", count: 30)) + [0]),
            .submitSMResp, .invalidSourceAddress, true
        ),
        (
            "a TLV of a known tag with the wrong length", rawPDU(id: 0x04, sequence: 5, body: submitBody(tlvs: [0x04, 0x27, 0, 2, 2, 2])),
            .submitSMResp, .invalidParameterLength, true
        ),
        (
            "a TLV running past the body", rawPDU(id: 0x04, sequence: 5, body: submitBody(tlvs: [0x04, 0x24, 0x10, 0, 1, 2])), .submitSMResp,
            .invalidOptionalParameterStream, true
        ),
        (
            "ussd_service_op with two octets", rawPDU(id: 0x04, sequence: 5, body: submitBody(tlvs: [0x05, 0x01, 0, 2, 2, 0])), .submitSMResp,
            .invalidParameterLength, true
        ),
        ("bytes after enquire_link", rawPDU(id: 0x15, sequence: 5, body: [1, 2, 3, 4]), .enquireLinkResp, .invalidCommandLength, true),
        ("a second bind", bind, .bindTransceiverResp, .alreadyBound, true),
        ("query_sm (not kept)", rawPDU(id: 0x03, sequence: 5, body: cString("1") + [0, 0] + cString("")), .querySMResp, .queryFailed, true),
        (
            "data_sm (not taken)",
            rawPDU(id: 0x103, sequence: 5, body: cString("") + [3, 0] + cString("8080") + [1, 1] + cString("22890112233") + [0, 0, 0]),
            .dataSMResp, .invalidCommandID, true
        ),
        ("command_length under 16", rawPDU(length: 8, id: 0x04, sequence: 5), .genericNack, .invalidCommandLength, false),
        ("command_length over the maximum", rawPDU(length: 0x7FFF_FFFF, id: 0x04, sequence: 5), .genericNack, .invalidCommandLength, false),
    ]

    @Test(arguments: 0..<cases.count)
    func eachBrokenPDUGetsItsDocumentedAnswer(_ index: Int) async throws {
        let broken = Self.cases[index]
        let world = try await SMPPWorld.start()
        let connection = try await Self.bound(world)
        try await connection.send(broken.bytes)
        let answer = await connection.nextPDU()
        #expect(answer?.commandID == broken.answer, "\(broken.name): \(String(describing: answer))")
        #expect(answer?.status == broken.status, "\(broken.name): \(String(describing: answer))")
        if broken.answer != .bindTransceiverResp { #expect(answer?.sequenceNumber == 5, "\(broken.name): the answer echoes the sequence number") }
        if broken.survives {
            #expect(try await Self.alive(connection), "\(broken.name): the connection survives")
        } else {
            #expect(await connection.closedByServer(), "\(broken.name): framing is lost, the connection closes")
        }
        // The server serves new connections either way.
        let fresh = try await Self.bound(world)
        #expect(try await Self.alive(fresh))
        await fresh.close()
        await connection.close()
        try await world.stop()
    }

    /// Every request in every wrong bind state (docs/SMPP.md's table).
    @Test func requestsInTheWrongBindStateAreRefused() async throws {
        let world = try await SMPPWorld.start()
        let open = try await RawSMPPConnection.connect(port: world.smppPort)
        // Before a bind: submit_sm and unbind are ESME_RINVBNDSTS; enquire_link is answered.
        try await open.send(rawPDU(id: 0x04, sequence: 2, body: Self.submitBody()))
        #expect(answer(await open.nextPDU()) == Answer(.submitSMResp, .incorrectBindStatus))
        try await open.send(rawPDU(id: 0x06, sequence: 3))
        #expect(answer(await open.nextPDU()) == Answer(.unbindResp, .incorrectBindStatus))
        #expect(try await Self.alive(open))
        // A bind refused leaves the connection open for another try.
        try await open.send(rawPDU(id: 0x02, sequence: 4, body: cString("shop") + cString("nope") + cString("") + [0x34, 0, 0] + cString("")))
        #expect(answer(await open.nextPDU()) == Answer(.bindTransmitterResp, .invalidPassword))
        // A receiver bind may not submit.
        try await open.send(rawPDU(id: 0x01, sequence: 5, body: cString("shop") + cString("shop-pw") + cString("") + [0x34, 0, 0] + cString("")))
        #expect(answer(await open.nextPDU()) == Answer(.bindReceiverResp, .ok))
        try await open.send(rawPDU(id: 0x04, sequence: 6, body: Self.submitBody()))
        #expect(answer(await open.nextPDU()) == Answer(.submitSMResp, .incorrectBindStatus))
        // A response nobody asked for is ignored, silently.
        try await open.send(rawPDU(id: 0x8000_0005, sequence: 999))
        #expect(try await Self.alive(open))
        // unbind ends the session: unbind_resp, then the server closes.
        try await open.send(rawPDU(id: 0x06, sequence: 7))
        #expect(answer(await open.nextPDU()) == Answer(.unbindResp, .ok))
        #expect(await open.closedByServer())
        try await world.stop()
    }

    /// Seeded random PDUs (a real header with an id of the spec and a body of random octets): every answer is a
    /// response echoing the request's sequence number or a generic_nack, and the server serves on.
    @Test func randomBodiesNeverCrashTheServer() async throws {
        let world = try await SMPPWorld.start()
        var random = SeededRandom(seed: 0x5EED_5A1E)
        let ids: [UInt32] = [0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0B, 0x15, 0x21, 0x102, 0x103, 0x8000_0004, 0x1234]
        var connection = try await Self.bound(world)
        var answered = 0
        for round in 0..<400 {
            let id = ids[Int(random.next() % UInt64(ids.count))]
            let body = (0..<Int(random.next() % 80)).map { _ in UInt8(truncatingIfNeeded: random.next()) }
            let sequence = UInt32(round + 100)
            try await connection.send(rawPDU(id: id, sequence: sequence, body: body))
            if id & 0x8000_0000 != 0 { continue }  // a response: nobody answers it
            guard let answer = await connection.nextPDU(timeout: .seconds(5)) else {
                // The PDU ended the session (an unbind) or the bind went: bind again and go on.
                await connection.close()
                connection = try await Self.bound(world)
                continue
            }
            answered += 1
            if answer.commandID == .unbindResp, answer.status == .ok {
                // A well-formed unbind ends the session: bind again and go on.
                await connection.close()
                connection = try await Self.bound(world)
                continue
            }
            #expect(answer.commandID == .genericNack || answer.commandID.rawValue == id | 0x8000_0000, "round \(round): \(answer)")
            #expect(answer.sequenceNumber == sequence || answer.commandID == .genericNack, "round \(round): \(answer)")
        }
        #expect(answered > 300)
        #expect(try await Self.alive(connection))
        await connection.close()
        try await world.stop()
    }

    /// A peer that writes without reading: the server stops reading it once its answers pile up (its socket and a
    /// 64 KiB write watermark), so the flood waits in the peer's own socket instead of in the server's memory.
    @Test func aPeerThatDoesNotReadIsNotReadEither() async throws {
        let world = try await SMPPWorld.start()
        let server = try #require(world.smpp)
        let connection = try await RawSMPPConnection.connect(port: world.smppPort, smallBuffers: true)
        try await connection.send(Self.bind)
        #expect(answer(await connection.nextPDU()) == Answer(.bindTransceiverResp, .ok))
        try await connection.setReading(false)
        let count = 400_000
        var flood = ByteBuffer()
        flood.reserveCapacity(count * 16)
        for sequence in 0..<count {
            flood.writeMultipleIntegers(UInt32(16), UInt32(0x15), UInt32(0), UInt32(sequence + 1000))
        }
        // 6.4 MB of enquire_link whose answers nobody reads: the server reads until its answers fill its socket (the
        // kernel's send buffer, 4 MB at most on Debian) and the 64 KiB watermark, then reads nothing more (polled: the
        // count must hold still for a second, within 60 s), though most of the flood is still to come.
        let written = connection.write(flood)
        // Sampled every second; stopped once three samples in a row agree (a loaded machine can stall the server for a
        // moment; backpressure holds until the peer reads), then held for three seconds more.
        var samples: [Int] = []
        let deadline = ContinuousClock.now + .seconds(90)
        while ContinuousClock.now < deadline {
            samples.append(server.pdusReceived)
            if samples.count >= 3, Set(samples.suffix(3)).count == 1 { break }
            try await Task.sleep(for: .seconds(1))
        }
        let last = samples.last ?? 0
        try await Task.sleep(for: .seconds(3))
        #expect(server.pdusReceived == last, "the server went on reading a peer that does not read: \(samples)")
        #expect(last < count * 3 / 4, "the server read \(last) PDUs of \(count) before stopping")
        // Once the peer reads, everything is answered.
        try await connection.setReading(true)
        try await written.get()
        #expect(await connection.waitForBytes(count * 16, timeout: .seconds(150)))
        await connection.close()
        try await world.stop()
    }

    /// A header promising a huge PDU is refused at once (not buffered for), and a connection that never binds is
    /// closed after the bind timeout.
    @Test func nothingWaitsForAPromiseOrForever() async throws {
        let world = try await SMPPWorld.start(configure: { $0.bindTimeout = .milliseconds(500) })
        let idle = try await RawSMPPConnection.connect(port: world.smppPort)
        #expect(await idle.closedByServer(timeout: .seconds(10)), "a connection that never binds is closed")
        let promise = try await RawSMPPConnection.connect(port: world.smppPort)
        try await promise.send(rawPDU(length: 1_000_000, id: 0x04, sequence: 9) + [1, 2, 3])
        #expect(answer(await promise.nextPDU()) == Answer(.genericNack, .invalidCommandLength))
        #expect(await promise.closedByServer())
        try await world.stop()
    }
}

/// A PDU's command and status, to compare in one expectation.
struct Answer: Equatable, CustomStringConvertible {
    let id: CommandID
    let status: CommandStatus
    init(_ id: CommandID, _ status: CommandStatus) {
        self.id = id
        self.status = status
    }
    var description: String { "\(id) \(status)" }
}

func answer(_ pdu: PDU?) -> Answer? { pdu.map { Answer($0.commandID, $0.status) } }

/// A small deterministic generator (SplitMix64), so a failing round can be replayed.
struct SeededRandom {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
