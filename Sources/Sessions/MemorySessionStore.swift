import Synchronization

/// Sessions in this process's memory: gone with the process. For tests, benches and `--sessions memory`.
public final class MemorySessionStore: SessionStore {
    private let sessions = Mutex<[String: StoredSession]>([:])
    public let endedSessions: any EndedSessionStore

    /// - Parameters:
    ///   - endedRetention: how long an ended callback session answers its final screen again.
    ///   - maxEnded: ended sessions kept at most.
    public init(endedRetention: Duration = .seconds(600), maxEnded: Int = 100_000) {
        endedSessions = MemoryEndedSessionStore(retention: endedRetention, capacity: maxEnded)
    }

    public func save(_ session: StoredSession) { sessions.withLock { $0[session.id] = session } }

    public func delete(id: String) { _ = sessions.withLock { $0.removeValue(forKey: id) } }

    public func all() -> [StoredSession] { sessions.withLock { Array($0.values) } }

    public func flush() async {}

    public var summary: String { "Sessions in memory (lost on restart)." }

    /// Sessions stored now.
    public var count: Int { sessions.withLock { $0.count } }
}
