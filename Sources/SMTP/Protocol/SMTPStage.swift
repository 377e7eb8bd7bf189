/// A step of the SMTP conversation, named in errors so a failure says where it happened.
public enum SMTPStage: String, Sendable, Hashable, CaseIterable {
    case connect
    /// The TLS handshake (implicit TLS, or after STARTTLS).
    case tlsHandshake = "tls_handshake"
    case greeting
    case ehlo
    case helo
    case startTLS = "starttls"
    case auth
    case mailFrom = "mail_from"
    case rcptTo = "rcpt_to"
    /// The DATA command itself (the server's 354).
    case data
    /// The message content and its terminating dot (the server's final reply).
    case messageData = "message_data"
    case rset
    case quit
}
