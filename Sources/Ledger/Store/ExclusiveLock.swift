/// A lock that every process sharing one store sees: work only one node at a time may do, such as a
/// reconciliation pass. On PostgreSQL it is an advisory lock held by a connection of its own, so a holder that
/// dies (or loses the server) releases it. A single-process store needs none.
public protocol ExclusiveLock: Sendable {
    /// Runs `body` while holding the lock named `name`; returns nil at once, running nothing, when another
    /// process holds it.
    /// - Throws: when the lock cannot be asked for (the server is unreachable).
    func whileHolding<T: Sendable>(_ name: String, _ body: @Sendable () async -> T) async throws -> T?
}
