/// message_state (section 5.2.28): where a message is in its life, as the message_state TLV and query_sm_resp carry
/// it. `receiptStat` is the 7-letter word of the delivery receipt text.
public enum MessageState: UInt8, Hashable, Sendable, CaseIterable {
    case enroute = 1
    case delivered = 2
    case expired = 3
    case deleted = 4
    case undeliverable = 5
    case accepted = 6
    case unknown = 7
    case rejected = 8

    /// The `stat:` word of the de-facto receipt text (Appendix B).
    public var receiptStat: String {
        switch self {
        case .enroute: "ENROUTE"
        case .delivered: "DELIVRD"
        case .expired: "EXPIRED"
        case .deleted: "DELETED"
        case .undeliverable: "UNDELIV"
        case .accepted: "ACCEPTD"
        case .unknown: "UNKNOWN"
        case .rejected: "REJECTD"
        }
    }

    /// The state a `stat:` word stands for (case-insensitive), or nil.
    public init?(receiptStat: String) {
        let word = receiptStat.uppercased()
        guard let state = Self.allCases.first(where: { $0.receiptStat == word }) else { return nil }
        self = state
    }

    /// Is this a final state (the message will not change again)?
    public var isFinal: Bool { self != .enroute && self != .accepted && self != .unknown }
}
