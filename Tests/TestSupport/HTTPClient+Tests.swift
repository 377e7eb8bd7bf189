import AsyncHTTPClient

extension HTTPClient {
    /// The tests' client of Sika's HTTP servers: a new connection for every request. Tests start and stop servers
    /// by the hundred on ephemeral ports, and a port comes back to a later server: a pooled connection to the
    /// server that stopped there (closed, but not yet noticed by a loaded client) was then reused for the new one
    /// and the POST failed with `remoteConnectionClosed` — twice on CI, even with idle connections closed after
    /// 5 s. Loopback connections cost nothing next to that. Connecting may take a minute (a failure bound: a loaded
    /// machine's listeners accept late; the default gives up after 10 s).
    public static let forTests: HTTPClient = {
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool = .init(idleTimeout: .seconds(5))
        configuration.maximumUsesPerConnection = 1
        configuration.timeout.connect = .seconds(60)
        return HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
    }()
}
