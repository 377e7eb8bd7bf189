/// A session that was waiting for an answer when the process last stopped, as the session manager took it
/// back at start (see ``SessionManager/recovered(id:)``).
public struct RecoveredSession: Sendable, Hashable {
    /// Who it belongs to.
    public let binding: SessionBinding
    /// Whether it may still be taken back: it is still its binding's resumable session (nobody resumed or
    /// refused it since), within its service's resume window, and its last step is more recent than the idle
    /// timeout (without the restart it would still be live). Otherwise it is over.
    public let resumable: Bool

    public init(binding: SessionBinding, resumable: Bool) {
        self.binding = binding
        self.resumable = resumable
    }
}
