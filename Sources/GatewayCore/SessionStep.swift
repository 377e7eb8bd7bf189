/// One thing to do to a session, queued behind the session's running step so replies keep their order.
public enum SessionStep: Sendable, Hashable {
    case begin(msisdn: String, dial: String)
    case reply(input: String)
    case abort
}
