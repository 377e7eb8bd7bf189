import Foundation
import MenuEngine

/// A session as a ``SessionStore`` keeps it between steps: the engine's state without any PIN
/// (see ``MenuEngine/storable(_:)``), its binding, and what its money actions' idempotency keys derive from.
public struct StoredSession: Sendable, Hashable, Codable {
    public enum Status: String, Sendable, Hashable, Codable {
        /// Waiting for the subscriber's next answer (after a restart: lost by the process, so resumable).
        case live
        /// Lost to a timeout or a network drop: may be resumed within the service's window.
        case suspended
    }

    /// The session id as the session manager knows it (front-scoped key).
    public var id: String
    public var binding: SessionBinding
    /// The engine state, with no masked value.
    public var session: MenuSession
    /// Unique per session: money actions' idempotency keys are `<requestBase>:<moneyActions>`.
    public var requestBase: String
    /// Money actions that moved money so far; the next one uses this number in its key, so one that was
    /// interrupted runs again under the same key and replays instead of moving money twice.
    public var moneyActions: Int
    public var status: Status
    /// Wall-clock time of the last step (live) or of the drop (suspended): the resume window counts from it.
    public var updatedAt: Date
    /// For a session whose money action ended it while the phone was gone: its last screen, shown on resume.
    public var outcome: String?

    public init(
        id: String, binding: SessionBinding, session: MenuSession, requestBase: String, moneyActions: Int, status: Status, updatedAt: Date,
        outcome: String? = nil
    ) {
        self.id = id
        self.binding = binding
        self.session = session
        self.requestBase = requestBase
        self.moneyActions = moneyActions
        self.status = status
        self.updatedAt = updatedAt
        self.outcome = outcome
    }
}
