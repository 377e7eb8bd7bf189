/// Something the driver must do besides showing the reply.
public enum Effect: Sendable, Hashable {
    /// Run this host action, then call ``MenuEngine/resume(_:outcome:)`` with its outcome.
    case callAction(ActionCall)
    /// The session's language changed (a `set:` of `subscriber.language`); the host may store it.
    case setLanguage(String)
    /// The session is over; the store can drop it.
    case sessionEnded(EndReason)

    /// Why a session ended.
    public enum EndReason: String, Sendable, Hashable, Codable {
        /// An end screen was shown.
        case completed
        /// Too many wrong answers on one screen.
        case tooManyAttempts
    }
}
