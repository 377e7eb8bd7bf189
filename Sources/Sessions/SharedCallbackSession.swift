import Foundation

/// A `POST /ussd` session as every node of one database sees it between two requests: who it belongs to, the
/// answers already consumed, the last reply (for an aggregator's retry), and the engine state without any PIN.
/// The node that answers a request writes it before the reply goes out; the next request, on any node, reads it.
public struct SharedCallbackSession: Sendable, Hashable, Codable {
    /// The aggregator's session id (not the front-scoped key).
    public var id: String
    /// The operator of the aggregator credential that started it (nil when authentication is off).
    public var operatorID: String?
    public var msisdn: String
    public var serviceCode: String
    /// The `text` consumed so far: the next request's `text` continues it.
    public var consumed: String
    /// The reply to the request that consumed `consumed` (`CON …`), answered again to a retry.
    public var lastReply: String
    /// The session manager's state, as ``SessionManager/snapshot(id:)`` exports it (no PIN).
    public var session: StoredSession
    /// The state went back to the screen that asked a PIN (a PIN is never shared): a node taking it over shows
    /// that screen again rather than applying the next answer to it.
    public var rewound: Bool
    /// Bumped by every write: a node whose copy is older reads the shared one before the next step.
    public var version: Int64
    /// Wall-clock time of the last step: past the idle timeout, the session is over on every node.
    public var updatedAt: Date

    public init(
        id: String, operatorID: String?, msisdn: String, serviceCode: String, consumed: String, lastReply: String, session: StoredSession,
        rewound: Bool, version: Int64, updatedAt: Date
    ) {
        self.id = id
        self.operatorID = operatorID
        self.msisdn = msisdn
        self.serviceCode = serviceCode
        self.consumed = consumed
        self.lastReply = lastReply
        self.session = session
        self.rewound = rewound
        self.version = version
        self.updatedAt = updatedAt
    }
}
