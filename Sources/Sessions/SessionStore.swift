/// Where sessions live between steps, so that they survive a drop and a restart: the in-memory
/// ``MemorySessionStore`` (tests, benches) or a durable one (`SQLiteSessionStore`, the default of `sika serve`).
///
/// Writes are synchronous and never fail the step: a store may buffer them (write-behind) and report its
/// own errors. Session state is allowed a lighter durability than money: losing the last steps of a session
/// costs the subscriber some typing, never money, because the money action's idempotency key comes from the
/// stored session and the ledger (with its own, full, durability) is the source of truth.
public protocol SessionStore: Sendable {
    /// Replaces what is stored for `session.id`.
    func save(_ session: StoredSession)
    /// Forgets session `id`.
    func delete(id: String)
    /// Everything stored, for recovery at start.
    func all() throws -> [StoredSession]
    /// Makes every write so far durable (at shutdown).
    func flush() async throws
    /// Where the USSD callback keeps its ended sessions, beside the live ones.
    var endedSessions: any EndedSessionStore { get }
    /// One line saying where sessions are kept and what they survive.
    var summary: String { get }
}
