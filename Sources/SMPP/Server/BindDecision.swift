/// What the host decides about a bind.
public enum BindDecision: Hashable, Sendable {
    /// Accept; `throttle` overrides the server's default rate limit for this bind, `window` its number of deliver_sm in
    /// flight (nil keeps the server's defaults).
    case accept(throttle: ThrottleRate? = nil, window: Int? = nil)
    /// Refuse with this status (ESME_RINVPASWD, ESME_RINVSYSID, ESME_RBINDFAIL, …); the ESME may try again.
    case reject(CommandStatus)
}
