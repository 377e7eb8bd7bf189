import NIOCore

/// How long each step may take before the attempt fails with ``SMTPError/Code/timeout`` and the connection is
/// closed (a late reply could no longer be matched to its command). The defaults are shorter than RFC 5321
/// §4.5.3.2's, since a submission relay answers at once or is in trouble, but keep its shape: the final reply to
/// the message data may take longest, because the server may be checking the message before it answers.
public struct SMTPTimeouts: Sendable, Hashable {
    /// Establishing the TCP connection.
    public var connect: TimeAmount
    /// From connection (or the implicit TLS handshake) to the 220 greeting.
    public var greeting: TimeAmount
    /// A TLS handshake, implicit or after STARTTLS.
    public var tlsHandshake: TimeAmount
    /// Any other command: EHLO, STARTTLS, AUTH steps, MAIL, RCPT, DATA, RSET.
    public var command: TimeAmount
    /// From the start of the message data to the server's reply after the terminating dot (covers sending it).
    public var messageData: TimeAmount
    /// QUIT's 221.
    public var quit: TimeAmount

    public init(
        connect: TimeAmount = .seconds(30),
        greeting: TimeAmount = .seconds(60),
        tlsHandshake: TimeAmount = .seconds(30),
        command: TimeAmount = .seconds(60),
        messageData: TimeAmount = .seconds(300),
        quit: TimeAmount = .seconds(10)
    ) {
        self.connect = connect
        self.greeting = greeting
        self.tlsHandshake = tlsHandshake
        self.command = command
        self.messageData = messageData
        self.quit = quit
    }
}
