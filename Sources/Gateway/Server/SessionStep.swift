/// One thing to do to a session, queued behind the session's running step so replies keep their order.
enum SessionStep: Sendable {
    case begin(msisdn: String, dial: String)
    case reply(input: String)
    case abort
}
