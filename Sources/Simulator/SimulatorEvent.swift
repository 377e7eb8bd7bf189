/// What changed on the simulated network, pushed to whoever watches it (the web page's live inbox).
public enum SimulatorEvent: Sendable, Hashable {
    /// A phone received an SMS; `unread` is its count of unread messages now.
    case sms(msisdn: String, message: InboxMessage, unread: Int)
    /// A phone's messages were read.
    case read(msisdn: String, unread: Int)
    /// A phone was added or changed (language, session).
    case phone(SimulatedPhone)
    /// A phone was put away.
    case removed(msisdn: String)
    /// The network was emptied (the demo world was restored).
    case reset

    /// The number the event is about, if one.
    public var msisdn: String? {
        switch self {
        case .sms(let msisdn, _, _), .read(let msisdn, _), .removed(let msisdn): msisdn
        case .phone(let phone): phone.msisdn
        case .reset: nil
        }
    }
}
