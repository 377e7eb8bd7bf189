/// Where a connection comes from, for `authenticate`.
public struct SMPPConnectionInfo: Hashable, Sendable {
    /// Unique per server process.
    public var connectionID: UInt64
    public var remoteAddress: String?
}
