import NIOCore

/// One framed unit of the inbound byte stream: a complete line (terminator removed) or the news that a
/// line exceeded the limit and was discarded.
public enum LineFrame: Sendable, Hashable {
    case line(ByteBuffer)
    case tooLong
}
