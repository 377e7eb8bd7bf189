/// Where the USSD callback keeps its ended sessions for the retention window.
///
/// The store owns the window: it stamps each session when retained (wall-clock time, so that a
/// durable store keeps the window across a restart) and stops returning it once the window passed.
///
/// Synchronous on purpose: the callback looks an id up and decides in one step, with no suspension
/// point in which a second request for the same id could start a session. The in-process
/// ``MemoryEndedSessionStore`` forgets everything on restart; a durable store (SQLite beside the
/// session store) implements the same three calls and keeps them.
public protocol EndedSessionStore: Sendable {
    /// Remembers that session `id` is over as of now, replacing what was retained for it.
    func retain(_ session: EndedSession, id: String)
    /// What was retained for `id`, if it ended within the retention window.
    func lookup(_ id: String) -> EndedSession?
    /// How many ended sessions are retained now.
    var count: Int { get }
}
