/// Why a call to a provider did not produce an answer. `code` is stable (logs, metrics, reports).
public struct ProviderError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Code: String, Sendable, Hashable {
        /// No answer within the attempt's timeout: the request may have been processed.
        case timeout
        /// The connection broke after the request left: it may have been processed.
        case connectionLost = "connection_lost"
        /// Could not connect: the request never left.
        case connectFailed = "connect_failed"
        /// 5xx or 429: the provider did not process it, or says so; worth retrying.
        case unavailable
        /// An answer we could not read.
        case malformedResponse = "malformed_response"
        /// 4xx other than 404/422: the request itself is wrong (auth, content); retrying cannot help.
        case rejected
        /// The circuit breaker is open: the request was not sent.
        case circuitOpen = "circuit_open"
        /// No provider is configured for the destination operator.
        case noProvider = "no_provider"
    }

    public let code: Code
    public let message: String
    /// The HTTP status, when there was one.
    public let status: Int?
    /// The provider's error code (`insufficient_funds`…), when it sent one.
    public let providerCode: String?

    public init(_ code: Code, _ message: String, status: Int? = nil, providerCode: String? = nil) {
        self.code = code
        self.message = message
        self.status = status
        self.providerCode = providerCode
    }

    /// Whether another attempt may succeed: transport failures and overload, never a refusal.
    public var isRetryable: Bool {
        switch code {
        case .timeout, .connectionLost, .connectFailed, .unavailable, .malformedResponse: true
        case .rejected, .circuitOpen, .noProvider: false
        }
    }

    /// Whether the provider may have acted on the request. Only when this is false for every attempt
    /// is it safe to conclude that nothing was credited without asking.
    public var mayHaveReachedProvider: Bool {
        switch code {
        case .connectFailed, .circuitOpen, .noProvider: false
        // A 503 from the simulator or a gateway means "not processed", but a 500 may follow a commit.
        case .unavailable: status != 503 && status != 429
        case .timeout, .connectionLost, .malformedResponse, .rejected: true
        }
    }

    public var description: String { "\(code.rawValue): \(message)" }
}
