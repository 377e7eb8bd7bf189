/// Bounds on what the client accepts from a server, so a broken or hostile server cannot make it buffer without
/// end. Exceeding one is a ``SMTPError/Code/protocolViolation`` and closes the connection.
public struct SMTPLimits: Sendable, Hashable {
    /// Octets in one reply line, CRLF not counted. RFC 5321 allows 512 with CRLF; real servers send longer lines.
    public var maximumReplyLineLength: Int
    /// Lines in one reply (an EHLO reply is the longest in practice, a dozen or two lines).
    public var maximumReplyLines: Int

    public init(maximumReplyLineLength: Int = 4096, maximumReplyLines: Int = 128) {
        self.maximumReplyLineLength = maximumReplyLineLength
        self.maximumReplyLines = maximumReplyLines
    }
}
