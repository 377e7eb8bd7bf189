import NIOCore

/// Splits the inbound byte stream into LF-terminated lines of at most `maximumLength` bytes, dropping a
/// CR before the LF.
///
/// A longer line yields one `.tooLong` and is discarded up to its newline, so the connection survives and
/// memory stays bounded: the decoder never holds more than `maximumLength + 1` bytes of one line. A half
/// line at end of stream is dropped (the peer went away mid-line; there is nobody to answer).
public struct LineFrameDecoder: ByteToMessageDecoder {
    public typealias InboundOut = LineFrame

    /// Protocol v1: 4096 bytes, not counting the LF or a CR before it.
    public static let protocolLimit = 4096

    public let maximumLength: Int
    /// Skipping the rest of an over-long line until its newline.
    private var discarding = false
    /// Bytes at the start of the buffer already searched for a newline: avoids rescanning on every read.
    private var scanned = 0

    public init(maximumLength: Int = LineFrameDecoder.protocolLimit) {
        self.maximumLength = maximumLength
    }

    public mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        let view = buffer.readableBytesView
        guard let newline = view.dropFirst(scanned).firstIndex(of: UInt8(ascii: "\n")) else {
            if discarding {
                buffer.moveReaderIndex(to: buffer.writerIndex)
                scanned = 0
            } else if buffer.readableBytes > maximumLength + 1 {
                // Longer than the limit even if the last byte is a CR awaiting its LF.
                context.fireChannelRead(wrapInboundOut(.tooLong))
                discarding = true
                buffer.moveReaderIndex(to: buffer.writerIndex)
                scanned = 0
            } else {
                scanned = buffer.readableBytes
            }
            return .needMoreData
        }
        scanned = 0
        let length = newline - buffer.readerIndex
        if discarding {
            buffer.moveReaderIndex(forwardBy: length + 1)
            discarding = false
            return .continue
        }
        var line = buffer.readSlice(length: length)!
        buffer.moveReaderIndex(forwardBy: 1)
        if line.readableBytes > 0, line.getInteger(at: line.writerIndex - 1, as: UInt8.self) == UInt8(ascii: "\r") {
            line.moveWriterIndex(to: line.writerIndex - 1)
        }
        context.fireChannelRead(wrapInboundOut(line.readableBytes > maximumLength ? .tooLong : .line(line)))
        return .continue
    }

    public mutating func decodeLast(context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool) throws -> DecodingState {
        let state = try decode(context: context, buffer: &buffer)
        if state == .needMoreData {
            buffer.moveReaderIndex(to: buffer.writerIndex)
        }
        return state
    }
}
