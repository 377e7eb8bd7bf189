/// Why a message could not be built or submitted. `code` is stable (logs, metrics, the outbox's failure column).
///
/// The caller's retry decision needs only ``isTransient``: a 4xx reply, a network failure or a timeout may succeed
/// later; a 5xx reply, a refused login or an invalid message never will. The server's reply is kept whole (code,
/// enhanced status code, text) so the reason can be shown as the server gave it. No error ever carries a password:
/// the client never puts credentials into an error, and a reply that echoes them is redacted first.
public struct SMTPError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Code: String, Sendable, Hashable, CaseIterable {
        /// The server answered 4xx: try again later, with backoff.
        case transientReply = "transient_reply"
        /// The server answered 5xx: the message will not be accepted as it is; do not retry.
        case permanentReply = "permanent_reply"
        /// The server refused the credentials (535 and any other 5xx to AUTH).
        case authenticationFailed = "authentication_failed"
        /// Credentials were configured but the server offers no mechanism this client speaks (PLAIN, LOGIN).
        case authenticationUnavailable = "authentication_unavailable"
        /// Credentials were configured but the connection is not encrypted: they were not sent.
        case authenticationRequiresTLS = "authentication_requires_tls"
        /// TLS is required but the server does not offer STARTTLS (or refused it).
        case tlsUnavailable = "tls_unavailable"
        /// The TLS handshake failed (certificate not trusted, wrong host name, protocol error).
        case tlsHandshakeFailed = "tls_handshake_failed"
        /// The TCP connection could not be made.
        case connectFailed = "connect_failed"
        /// The connection broke (closed by the server, reset) while a reply was awaited.
        case connectionLost = "connection_lost"
        /// No reply within the configured time for that step; the connection was closed.
        case timeout
        /// The server sent something that is not an SMTP reply, a line or a reply over the limits, or a reply
        /// that makes no sense at that point; the connection was closed.
        case protocolViolation = "protocol_violation"
        /// The message is larger than the server's advertised SIZE limit.
        case messageTooLarge = "message_too_large"
        /// An address is not an acceptable addr-spec (or contains control characters).
        case invalidAddress = "invalid_address"
        /// A header value (display name, subject) contains control characters or is too long.
        case invalidHeader = "invalid_header"
        /// A Message-ID is not of the form `<left@right>`.
        case invalidMessageID = "invalid_message_id"
        /// Raw message data that cannot be sent as it is (a line over 998 octets, no recipients).
        case invalidMessage = "invalid_message"
        /// The connection was used wrongly: after it was closed, or by two tasks at once.
        case misuse
        /// The calling task was cancelled; the connection was closed.
        case cancelled
    }

    public let code: Code
    /// What went wrong, for a person. Never contains credentials.
    public let message: String
    /// The conversation step at which it happened, when it happened on the wire.
    public let stage: SMTPStage?
    /// The server's reply, when the error is the server's answer.
    public let reply: SMTPReply?
    /// The recipient that was refused (RCPT TO), or the message field that was invalid (`from`, `to[1]`, `subject`).
    public let field: String?

    public init(_ code: Code, _ message: String, stage: SMTPStage? = nil, reply: SMTPReply? = nil, field: String? = nil) {
        self.code = code
        self.message = message
        self.stage = stage
        self.reply = reply
        self.field = field
    }

    /// Whether a later attempt may succeed: 4xx replies, network failures, timeouts, a broken TLS handshake.
    /// A refused STARTTLS with a 4xx (454) is transient; STARTTLS not offered at all is not.
    public var isTransient: Bool {
        switch code {
        case .transientReply, .connectFailed, .connectionLost, .timeout, .protocolViolation, .tlsHandshakeFailed, .cancelled:
            true
        case .tlsUnavailable:
            reply.map { $0.code / 100 == 4 } ?? false
        case .permanentReply, .authenticationFailed, .authenticationUnavailable, .authenticationRequiresTLS, .messageTooLarge,
            .invalidAddress, .invalidHeader, .invalidMessageID, .invalidMessage, .misuse:
            false
        }
    }

    /// Whether the server may have accepted the message even though no success reply was read: the whole message
    /// and its terminating dot were sent, and then the connection broke or the reply did not come in time.
    /// SMTP is at-least-once here; a receiver dedupes a retry by its `Message-ID`.
    public var mayHaveBeenDelivered: Bool {
        guard stage == .messageData else { return false }
        switch code {
        case .timeout, .connectionLost, .protocolViolation, .cancelled: return true
        default: return false
        }
    }

    /// Whether the connection is unusable after this error (it has been or is being closed).
    public var closesConnection: Bool {
        switch code {
        case .connectFailed, .connectionLost, .timeout, .protocolViolation, .tlsHandshakeFailed, .cancelled: true
        case .transientReply: reply?.code == 421
        default: false
        }
    }

    public var description: String {
        var text = "\(code.rawValue): \(message)"
        if let stage { text += " [\(stage.rawValue)]" }
        if let field { text += " (\(field))" }
        if let reply { text += " — server: \(reply)" }
        return text
    }
}

extension SMTPError {
    /// The error for a reply that is not the expected success: 4xx transient, 5xx permanent, anything else a protocol
    /// violation (a 354 to MAIL FROM, say).
    static func unexpected(_ reply: SMTPReply, at stage: SMTPStage, field: String? = nil) -> SMTPError {
        switch reply.code / 100 {
        case 4: SMTPError(.transientReply, "the server deferred \(stage.rawValue)", stage: stage, reply: reply, field: field)
        case 5: SMTPError(.permanentReply, "the server refused \(stage.rawValue)", stage: stage, reply: reply, field: field)
        default: SMTPError(.protocolViolation, "unexpected reply to \(stage.rawValue)", stage: stage, reply: reply, field: field)
        }
    }

    /// The same error, placed at `stage` unless it already names one.
    func at(_ stage: SMTPStage) -> SMTPError {
        self.stage == nil ? SMTPError(code, message, stage: stage, reply: reply, field: field) : self
    }
}
