/// Why a session ended.
public enum SMPPSessionEndReason: Hashable, Sendable {
    /// The ESME sent unbind.
    case unboundByPeer
    /// We unbound (shutdown or `SMPPServerSession.unbind()`).
    case unboundByServer
    /// The peer stopped answering enquire_link.
    case peerDead
    /// The byte stream could not be split into PDUs any more.
    case framingLost
    /// The connection did not bind within the bind timeout.
    case bindTimeout
    /// The TCP connection closed (either side, or an I/O error).
    case connectionClosed
}
