import NIOCore

/// Writes outbound PDUs.
///
/// A PDU that breaks a field limit throws `SMPPEncodingError`; NIO's `MessageToByteHandler` then fails that write and
/// every later one, so the server and client handlers check host-supplied PDUs with `PDU.encoded()` before they queue
/// them, and only PDUs known to encode reach this encoder.
public struct SMPPFrameEncoder: MessageToByteEncoder {
    public typealias OutboundIn = PDU

    public init() {}

    public func encode(data: PDU, out: inout ByteBuffer) throws {
        try data.encode(into: &out)
    }
}
