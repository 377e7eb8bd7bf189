import NIOCore

/// Decides, as each connection is accepted, whether the server serves it: the host's connection caps (per listener,
/// per client address). A refused connection is closed at once, before any PDU is read.
public protocol SMPPConnectionAdmission: Sendable {
    /// A connection from `address` was accepted. True serves it, and `release` is called once when it closes.
    func admit(_ address: SocketAddress?) -> Bool
    /// A connection admitted from `address` closed.
    func release(_ address: SocketAddress?)
}
