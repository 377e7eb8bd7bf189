import Logging
import NIOCore
import NIOEmbedded
import SMPP
import Synchronization

/// A seeded generator (SplitMix64), so every "random" test replays the same inputs.
struct SeededGenerator: RandomNumberGenerator {
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

enum TestError: Error, CustomStringConvertible {
    case timedOut(String)
    case unexpected(String)

    var description: String {
        switch self {
        case .timedOut(let what): "timed out waiting for \(what)"
        case .unexpected(let what): what
        }
    }
}

/// Races `operation` against a generous bound, so a broken test fails instead of hanging. Never a synchronisation.
func withTimeout<T: Sendable>(
    _ what: String, seconds: Int64 = 20, _ operation: @escaping @Sendable () async throws -> T
) async throws -> T {
    try await withThrowingTaskGroup(of: T.self) { group in
        group.addTask { try await operation() }
        group.addTask {
            try await Task.sleep(for: .seconds(seconds))
            throw TestError.timedOut(what)
        }
        let result = try await group.next()!
        group.cancelAll()
        return result
    }
}

extension PDU {
    var bytes: ByteBuffer { try! encoded() }
}

/// Decodes every PDU in `buffer` (which must hold whole PDUs).
func decodeAll(_ buffer: ByteBuffer, maximumPDUSize: Int = 65536) -> [SMPPFrame] {
    var buffer = buffer
    var decoder = SMPPFrameDecoder(maximumPDUSize: maximumPDUSize)
    var frames: [SMPPFrame] = []
    while let frame = decoder.next(&buffer, atEOF: true) { frames.append(frame) }
    return frames
}

/// Logs at warning level or quieter, as tests must.
let quietLogger: Logger = {
    var logger = Logger(label: "smpp.test")
    logger.logLevel = .warning
    return logger
}()

/// A host for the server tests: accepts `esme` / `secret`, numbers message ids, records what it saw.
final class TestHost: SMPPServerDelegate {
    struct Record: Sendable {
        var binds: [(String, BindKind)] = []
        var submits: [SubmitSM] = []
        var bound: [SMPPServerSession] = []
        var ended: [SMPPSessionEndReason] = []
    }

    let accounts: [String: String]
    let record = Mutex(Record())
    private let counter = Atomic<Int>(0)
    /// When set, submits to this destination are refused with the status.
    let refuseDestination: (String, CommandStatus)?
    let throttle: ThrottleRate?

    init(accounts: [String: String] = ["esme": "secret"], refuseDestination: (String, CommandStatus)? = nil, throttle: ThrottleRate? = nil) {
        self.accounts = accounts
        self.refuseDestination = refuseDestination
        self.throttle = throttle
    }

    func authenticate(_ request: BindRequest, kind: BindKind, connection: SMPPConnectionInfo) async -> BindDecision {
        guard let password = accounts[request.systemID] else { return .reject(.invalidSystemID) }
        guard password == request.password else { return .reject(.invalidPassword) }
        record.withLock { $0.binds.append((request.systemID, kind)) }
        return .accept(throttle: throttle)
    }

    func submit(_ message: SubmitSM, session: SMPPServerSession) async -> SubmitDecision {
        if let (destination, status) = refuseDestination, message.destination.address == destination { return .rejected(status) }
        record.withLock { $0.submits.append(message) }
        let id = counter.wrappingAdd(1, ordering: .relaxed).newValue
        return .accepted(messageID: "msg-\(id)")
    }

    func sessionBound(_ session: SMPPServerSession) async {
        record.withLock { $0.bound.append(session) }
    }

    func sessionEnded(_ session: SMPPServerSession, reason: SMPPSessionEndReason) async {
        record.withLock { $0.ended.append(reason) }
    }

    var submitCount: Int { record.withLock { $0.submits.count } }
    var lastSession: SMPPServerSession? { record.withLock { $0.bound.last } }
}

/// The server handler on an async testing channel, with raw bytes in and decoded PDUs out.
struct ServerHarness {
    let channel: NIOAsyncTestingChannel
    let host: TestHost

    /// `delegate` answers the server (by default `host` itself); `host` is what the test inspects.
    init(configuration: SMPPServerConfiguration = .testing, host: TestHost = TestHost(), delegate: (any SMPPServerDelegate)? = nil)
        async throws
    {
        channel = NIOAsyncTestingChannel()
        self.host = host
        try await SMPPServer.configure(channel, configuration: configuration, delegate: delegate ?? host).get()
        try await channel.connect(to: try SocketAddress(ipAddress: "127.0.0.1", port: 40000)).get()
    }

    func send(_ pdu: PDU) async throws { try await channel.writeInbound(pdu.bytes) }

    func sendRaw(_ bytes: [UInt8]) async throws {
        try await channel.writeInbound(ByteBuffer(bytes: bytes))
    }

    /// The next PDU the server writes (waiting for the host task if needed).
    func next(_ what: String = "a PDU") async throws -> PDU {
        let channel = self.channel
        let buffer = try await withTimeout(what) { try await channel.waitForOutboundWrite(as: ByteBuffer.self) }
        let frames = decodeAll(buffer)
        guard frames.count == 1, case .pdu(let pdu) = frames[0] else { throw TestError.unexpected("not one PDU: \(frames)") }
        return pdu
    }

    /// A PDU already written, without waiting (nil when none).
    func written() async throws -> PDU? {
        guard let buffer = try await channel.readOutbound(as: ByteBuffer.self) else { return nil }
        guard case .pdu(let pdu) = decodeAll(buffer).first else { return nil }
        return pdu
    }

    func bind(_ kind: BindKind = .transceiver, systemID: String = "esme", password: String = "secret", sequence: UInt32 = 1)
        async throws -> PDU
    {
        try await send(PDU(.bind(kind, BindRequest(systemID: systemID, password: password)), sequenceNumber: sequence))
        return try await next("bind_resp")
    }

    var isActive: Bool { channel.isActive }
}

extension SMPPServerConfiguration {
    /// Defaults with a quiet logger and timers far enough out not to fire unless a test advances time.
    static var testing: SMPPServerConfiguration {
        var configuration = SMPPServerConfiguration()
        configuration.logger = quietLogger
        return configuration
    }
}

extension SMPPClientConfiguration {
    static var testing: SMPPClientConfiguration {
        var configuration = SMPPClientConfiguration()
        configuration.logger = quietLogger
        return configuration
    }
}

let sampleSubmit = SubmitSM(
    serviceType: "", source: .international("22890112233"), destination: .shortCode("145"), registeredDelivery: 1,
    shortMessage: Array("hello".utf8))

extension Error {
    /// Closures do not infer typed throws; this reads the SMPP error back.
    var smpp: SMPPError? { self as? SMPPError }
}

/// A shareable counter for tasks in a group.
final class Counter: Sendable {
    private let storage = Atomic<Int>(0)
    func increment() { storage.add(1, ordering: .relaxed) }
    var value: Int { storage.load(ordering: .relaxed) }
}
