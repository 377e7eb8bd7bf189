import Logging
import SMPP
import Synchronization

/// An operator's SMSC / USSD gateway for the tests of Sika's SMPP client, on the SMPP library's server: accepts one
/// credential, records every submit_sm (answering with ids `m1`, `m2`… or the statuses a test sets), and lets the
/// test push deliver_sm to the bound ESME and read its deliver_sm_resp status.
public final class TestSMSC: SMPPServerDelegate {
    public static let systemID = "sika-tm"
    public static let password = "tm-pw"

    private struct State {
        var sessions: [SMPPServerSession] = []
        var binds = 0
        var ids = 0
        /// Statuses to answer the next submits with, first first.
        var refusals: [CommandStatus] = []
    }

    private let state = Mutex(State())
    /// Every accepted submit_sm with the id it was given, in arrival order.
    public let submits: AsyncStream<(id: String, message: SubmitSM)>
    private let feed: AsyncStream<(id: String, message: SubmitSM)>.Continuation
    private let server = Mutex<SMPPServer?>(nil)

    private init() {
        (submits, feed) = AsyncStream.makeStream(of: (id: String, message: SubmitSM).self)
    }

    public static func start() async throws -> TestSMSC {
        let smsc = TestSMSC()
        var configuration = SMPPServerConfiguration()
        configuration.logger = Logger.quiet("sika.smpp.test-smsc")
        configuration.unbindTimeout = .seconds(2)
        let server = try await SMPPServer.start(host: "127.0.0.1", port: 0, configuration: configuration, delegate: smsc)
        smsc.server.withLock { $0 = server }
        return smsc
    }

    public var port: Int { server.withLock { $0?.port ?? 0 } }
    /// Binds accepted so far.
    public var binds: Int { state.withLock { $0.binds } }
    /// The latest bound session, if one is bound.
    public var session: SMPPServerSession? { state.withLock { $0.sessions.last } }

    /// The next submits are answered with these statuses, in order.
    public func refuseNext(_ statuses: [CommandStatus]) { state.withLock { $0.refusals += statuses } }

    public func authenticate(_ request: BindRequest, kind: BindKind, connection: SMPPConnectionInfo) async -> BindDecision {
        guard request.systemID == Self.systemID else { return .reject(.invalidSystemID) }
        return request.password == Self.password ? .accept() : .reject(.invalidPassword)
    }

    public func sessionBound(_ session: SMPPServerSession) async {
        state.withLock { state in
            state.sessions.append(session)
            state.binds += 1
        }
    }

    public func sessionEnded(_ session: SMPPServerSession, reason: SMPPSessionEndReason) async {
        state.withLock { $0.sessions.removeAll { $0 == session } }
    }

    public func submit(_ message: SubmitSM, session: SMPPServerSession) async -> SubmitDecision {
        let decision = state.withLock { state -> SubmitDecision in
            if !state.refusals.isEmpty { return .rejected(state.refusals.removeFirst()) }
            state.ids += 1
            return .accepted(messageID: "m\(state.ids)")
        }
        if case .accepted(let id) = decision { feed.yield((id, message)) }
        return decision
    }

    /// Waits (at most 20 s, a failure bound) until the ESME has bound `count` times and is bound now.
    public func bound(count: Int = 1) async throws -> SMPPServerSession {
        // Generous: on a loaded machine a bind can time out and wait for the link's backoff before the next one.
        let deadline = ContinuousClock.now + .seconds(60)
        while ContinuousClock.now < deadline {
            if binds >= count, let session { return session }
            try await Task.sleep(for: .milliseconds(10))
        }
        throw TestSMSCError("the ESME did not bind \(count) time(s)")
    }

    /// Pushes a deliver_sm to the bound ESME; the status of its deliver_sm_resp.
    public func deliver(_ message: DeliverSM) async throws -> CommandStatus {
        let session = try await bound()
        do {
            try await session.deliver(message)
            return .ok
        } catch {
            guard let status = error.status else { throw error }
            return status
        }
    }

    /// Drops the ESME's connection at once (the SMSC restarting, say).
    public func drop() async { await session?.close() }

    public func stop() async { await server.withLock { $0 }?.shutdownGracefully() }
}

/// Reads the submits of a test SMSC one by one.
public struct SubmitReader {
    private var iterator: AsyncStream<(id: String, message: SubmitSM)>.AsyncIterator

    public init(_ smsc: TestSMSC) { iterator = smsc.submits.makeAsyncIterator() }

    public mutating func next(isolation actor: isolated (any Actor)? = #isolation) async throws -> (id: String, message: SubmitSM) {
        guard let next = await iterator.next(isolation: actor) else { throw TestSMSCError("the SMSC stopped") }
        return next
    }
}

public struct TestSMSCError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
