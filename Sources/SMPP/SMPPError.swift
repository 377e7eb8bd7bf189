/// What went wrong with one request of the server session or client API. `code` is stable, for hosts to map.
public struct SMPPError: Error, Hashable, Sendable, CustomStringConvertible {
    public enum Code: String, Hashable, Sendable {
        /// The peer answered with a non-zero command_status (in `status`).
        case rejected
        /// No response within the request timeout.
        case timeout
        /// The window and its waiting queue are full.
        case queueFull
        /// The session is not in a state that allows this request (not bound, already binding, closed…).
        case invalidState
        /// The bind does not allow this direction (submit on a receiver, deliver to a transmitter).
        case wrongBindKind
        /// The connection is closed, or closed before the response came.
        case connectionClosed
        /// The PDU breaks a field limit and was not sent.
        case invalidMessage
        /// The peer's response could not be decoded.
        case malformedResponse
        /// The peer stopped answering enquire_link.
        case peerDead
        /// The connection could not be made.
        case connectFailed
    }

    public var code: Code
    /// The peer's command_status, for `.rejected` (and for a malformed response, the status its decoding implies).
    public var status: CommandStatus?
    public var message: String

    public init(_ code: Code, status: CommandStatus? = nil, _ message: String) {
        self.code = code
        self.status = status
        self.message = message
    }

    public static func rejected(_ status: CommandStatus, _ what: String) -> SMPPError {
        SMPPError(.rejected, status: status, "\(what) refused with \(status)")
    }

    public var description: String { "SMPP \(code.rawValue): \(message)" }
}
