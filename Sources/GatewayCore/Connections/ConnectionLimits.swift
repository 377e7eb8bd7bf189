/// How many connections one listener holds open at once. A connection beyond a cap is refused when it is
/// accepted (the line socket first writes `ERR - 503 too many connections`), and counted in `/metrics`.
public struct ConnectionLimits: Sendable, Equatable {
    /// Connections open on the listener, all clients together.
    public var total: Int
    /// Connections open from one client address. Addresses of trusted proxies count only toward `total`:
    /// every client behind the proxy comes from its address.
    public var perAddress: Int
    /// Authenticated connections of one operator (line listener only): a `HELLO` beyond it is refused with
    /// `503` and the connection closed.
    public var perOperator: Int

    public init(total: Int, perAddress: Int, perOperator: Int) {
        self.total = max(1, total)
        self.perAddress = max(1, perAddress)
        self.perOperator = max(1, perOperator)
    }

    /// A cap of `total`, with one address or one operator allowed at most half of it, so that a single
    /// misbehaving host or leaked token cannot lock everybody else out.
    public static func sharing(_ total: Int) -> ConnectionLimits {
        ConnectionLimits(total: total, perAddress: max(1, total / 2), perOperator: max(1, total / 2))
    }
}
