import MenuEngine
import Sessions

/// What a step came to.
public enum StepOutcome: Sendable, Hashable {
    case reply(Reply)
    case aborted
    case refused(SessionError)
}
