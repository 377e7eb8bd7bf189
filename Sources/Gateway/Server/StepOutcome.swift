import MenuEngine
import Sessions

/// What a step came to.
enum StepOutcome: Sendable {
    case reply(Reply)
    case aborted
    case refused(SessionError)
}
