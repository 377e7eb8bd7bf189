import AsyncHTTPClient

extension HTTPClient {
    /// The tests' client of Sika's HTTP servers: idle keep-alive connections closed after 5 s, well before the
    /// servers' 30 s idle timeout. With `HTTPClient.forTests` (60 s) a test reusing a connection idle for 30 s could
    /// send its POST just as the server closed it and fail with `remoteConnectionClosed` — which a loaded CI
    /// machine, slow to notice the close, turned into a recurring failure.
    public static let forTests: HTTPClient = {
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool = .init(idleTimeout: .seconds(5))
        return HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
    }()
}
