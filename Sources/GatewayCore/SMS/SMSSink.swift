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
}
