import AsyncHTTPClient

extension HTTPClient {
    /// The tests' client of Sika's HTTP servers: idle keep-alive connections closed after 5 s, well before the
    /// servers' 30 s idle timeout. With `HTTPClient.forTests` (60 s) a test reusing a connection idle for 30 s could
    /// send its POST just as the server closed it and fail with `remoteConnectionClosed` — which a loaded CI
    /// machine, slow to notice the close, turned into a recurring failure. Connecting may take a minute (a failure
    /// bound: a loaded machine's listeners accept late; the default gives up after 10 s).
    public static let forTests: HTTPClient = {
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool = .init(idleTimeout: .seconds(5))
        configuration.timeout.connect = .seconds(60)
        return HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
    }()
}
