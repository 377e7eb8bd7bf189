/// One thing to do to a session, queued behind the session's running step so replies keep their order.
public enum SessionStep: Sendable, Hashable {
    /// A phone dialled; `operatorID` (the authenticated operator, nil without authentication) and `front`
    /// (`line`, `http`) bind the session, so that a resume is only offered to the same binding.
    case begin(msisdn: String, dial: String, operatorID: String? = nil, front: String = "line")
    case reply(input: String)
    /// Its screen again, no answer applied: a session taken over from another node after it went back to its PIN
    /// screen (a PIN is never shared between nodes) asks the PIN again.
    case reshow
    /// The network released the session (a drop: the session stays resumable).
    case abort
    /// The subscriber cancelled (hung up): the session is forgotten.
    case cancel
}
