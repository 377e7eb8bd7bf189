import AsyncHTTPClient

/// The HTTP client of the commands that talk to a running `sika serve` (`sika phone`, `sika script run
/// --connect`).
///
/// Its keep-alive connections are closed after 5 s idle, well before the server's own idle timeout
/// (`--http-idle-timeout`, 30 s by default): a client that keeps them longer may send its next request on a
/// connection the server is closing at that very moment, and gets `remoteConnectionClosed` for a request it
/// cannot safely repeat (a POST). `HTTPClient.shared` keeps idle connections for 60 s.
enum ServerHTTPClient {
    static let shared: HTTPClient = {
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool = .init(idleTimeout: .seconds(5))
        return HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
    }()
}
