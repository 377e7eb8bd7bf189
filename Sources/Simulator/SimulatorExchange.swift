import GatewayCore

/// One request of a simulated phone and the engine's answer to it, protocol-neutral: a front renders it in
/// its own words (the web page shows the line protocol's).
public struct SimulatorExchange: Sendable, Hashable {
    /// What the phone asked.
    public enum Request: Sendable, Hashable {
        case begin(msisdn: String, dial: String)
        case reply(input: String)
        /// The network released the session (a drop: it may be resumed).
        case abort
        /// The phone hung up (never offered back).
        case cancel
    }

    /// What came back.
    public enum Answer: Sendable, Hashable {
        /// A screen waiting for input.
        case screen(String)
        /// The last screen: the session is over.
        case end(String)
        /// The session was released.
        case aborted
        /// Refused by the gateway or the session manager: the phone shows a network error.
        case refused(GatewayError)
    }

    public let session: String
    public let request: Request
    public let answer: Answer
    /// The time the core took to answer.
    public let latency: Duration

    public init(session: String, request: Request, answer: Answer, latency: Duration) {
        self.session = session
        self.request = request
        self.answer = answer
        self.latency = latency
    }

    /// Whether the session is over after this exchange.
    public var endsSession: Bool {
        if case .screen = answer { return false }
        return true
    }
}
