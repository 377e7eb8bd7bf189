import NIOSSL

/// How the gateways listen and what they allow.
public struct GatewayConfiguration: Sendable {
    /// Line listener address; port 0 picks a free port (tests).
    /// Server TLS for both the line listener and HTTP; nil serves plain TCP (loopback, or behind a TLS proxy).
    public var tls: TLSConfiguration?
    public var lineHost = "127.0.0.1"
    public var linePort = 7145
    /// HTTP front address; port 0 picks a free port.
    public var httpHost = "127.0.0.1"
    public var httpPort = 8080
    /// Operator tokens for `HELLO`.
    public var tokens = OperatorTokens(tokens: [:])
    /// Aggregator secrets for `POST /ussd`, one per operator: sent as `Authorization: Bearer <secret>`,
    /// or used as the HMAC-SHA256 key of the body's `X-Sika-Signature`.
    public var aggregatorTokens = OperatorTokens(tokens: [:])
    /// Off only for local play: then any `HELLO <operator> <anything>` is accepted, lines before
    /// `HELLO` are served without the numbering check, and `POST /ussd` needs no credential (and gets
    /// no numbering check either).
    public var requireAuthentication = true
    /// Sessions with no step for this long are forgotten.
    public var idleTimeout: Duration = .seconds(180)
    /// How long an ended `POST /ussd` session answers its final screen again (and refuses anything else).
    public var endedRetention: Duration = .seconds(600)
    /// Ended `POST /ussd` sessions retained at most; beyond it the oldest is forgotten first.
    public var maxRetainedEndedSessions = 100_000
    /// How often idle sessions are swept.
    public var sweepInterval: Duration = .seconds(10)
    /// Live sessions one connection may hold; a `BEGIN` beyond it gets `429`.
    public var maxSessionsPerConnection = 4096
    /// Lines one session may have waiting behind its running step; more get `429`.
    public var maxQueuedPerSession = 8
    /// Steps one connection may have running before the listener stops reading from it.
    public var maxStepsInFlightPerConnection = 2048
    /// How long shutdown waits for steps in flight.
    public var drainTimeout: Duration = .seconds(10)
    /// How often the SMS dispatcher looks at the outbox when nothing nudged it.
    public var smsPollInterval: Duration = .milliseconds(500)
    /// Set when several nodes deliver one outbox (PostgreSQL): messages are claimed for a lease before delivery.
    public var smsClaims: SMSClaims?
    /// Connection caps of the line listener and of HTTP. The defaults fit the process's file descriptor
    /// limit as it is when the configuration is made, minus a reserve (see `FileDescriptorBudget`).
    public var lineConnections: ConnectionLimits
    public var httpConnections: ConnectionLimits
    /// A line connection that has not authenticated with `HELLO` this long after connecting gets
    /// `ERR - 401` and is closed (when authentication is required).
    public var helloTimeout: Duration = .seconds(10)
    /// An HTTP connection with no request in progress is closed after this long.
    public var httpIdleTimeout: Duration = .seconds(30)
    /// HTTP peers whose `X-Forwarded-For` names the client; none by default (the header is ignored).
    public var trustedProxies = TrustedProxies.none

    public init(budget: FileDescriptorBudget = .current()) {
        lineConnections = budget.line
        httpConnections = budget.http
    }
}
