import SMPP
import Synchronization

/// The bound sessions of every ESME account, to push deliver_sm to one of an account's receiving binds (round robin)
/// and to count them.
final class ESMEBinds: Sendable {
    private struct State {
        var sessions: [String: [SMPPServerSession]] = [:]
        var turn = 0
    }

    private let state = Mutex(State())

    func add(_ session: SMPPServerSession) {
        state.withLock { $0.sessions[session.systemID, default: []].append(session) }
    }

    func remove(_ session: SMPPServerSession) {
        state.withLock { state in
            state.sessions[session.systemID]?.removeAll { $0 == session }
            if state.sessions[session.systemID]?.isEmpty == true { state.sessions[session.systemID] = nil }
        }
    }

    /// One of the account's binds that may receive deliver_sm (a receiver or a transceiver), in turn; nil when none is bound.
    func receiver(for systemID: String) -> SMPPServerSession? {
        state.withLock { state in
            let receivers = state.sessions[systemID, default: []].filter { $0.bindKind.canReceive }
            guard !receivers.isEmpty else { return nil }
            state.turn &+= 1
            return receivers[state.turn % receivers.count]
        }
    }

    /// The account's binds, all kinds.
    func count(systemID: String) -> Int { state.withLock { $0.sessions[systemID]?.count ?? 0 } }

    var all: [SMPPServerSession] { state.withLock { $0.sessions.values.flatMap { $0 } } }
}
