import NIOCore

extension SocketAddress {
    /// The peer's address without its port, in the one form every cap and limit compares: dotted IPv4 for an
    /// IPv4-mapped IPv6 address, so a client on a dual-stack socket is still one client.
    public var clientAddress: String {
        guard let ip = ipAddress else { return description }
        return TrustedProxies.parse(ip).map(TrustedProxies.text) ?? ip
    }
}
