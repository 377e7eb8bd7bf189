import Ledger

/// Something that can carry mobile-terminated SMS to the phones of one operator: an operator's
/// line-protocol connection, an SMPP bind, the simulated network behind the web phone. The dispatcher
/// knows nothing of wire formats; each front turns a message into its own (`SMS` line, `submit_sm`, an
/// inbox entry).
public protocol SMSSink: AnyObject, Sendable {
    /// The operator whose subscribers this sink reaches.
    var operatorID: String { get }
    /// Whether the sink can take a batch now. A connection whose peer does not read is not ready, so the
    /// outbox waits in the database instead of in memory.
    var isReady: Bool { get }
    /// Hands `messages` over, in order, and returns the ids actually handed over: those are marked
    /// delivered, the others stay in the outbox for a later pass. Delivery is at least once: a crash
    /// between this and the mark sends a message again.
    func deliver(_ messages: [OutboxMessage]) async -> [OutboxMessage.ID]
    /// Whether this sink reaches `msisdn` in particular (see the default below).
    func claims(msisdn: String) -> Bool
    /// Whether this sink takes only what no other sink of its operator takes (see the default below).
    var isFallback: Bool { get }
}

extension SMSSink {
    /// Whether this sink reaches `msisdn` in particular, so that the number's SMS go to it rather than to
    /// any sink of the operator: the simulated network claims the phones open in the web simulator. None by default.
    public func claims(msisdn: String) -> Bool { false }

    /// A fallback sink takes only what no other ready sink of its operator takes (the simulated network
    /// keeps SMS for numbers no phone is open for, while no gateway of the operator is connected). No by default.
    public var isFallback: Bool { false }
}
