import NIOCore

/// Splits a byte stream into PDUs. Total: every PDU-sized piece yields `.pdu` or `.invalid`; after an `.invalid` with
/// `framingLost` (a command_length under 16 or over `maximumPDUSize`) the rest of the stream is discarded, because no
/// later byte can be trusted to start a PDU. Memory is bounded by `maximumPDUSize`: a PDU is only buffered once its
/// declared length has been checked.
public struct SMPPFrameDecoder: ByteToMessageDecoder {
    public typealias InboundOut = SMPPFrame

    /// The default bound on command_length: 64 KiB.
    public static let defaultMaximumPDUSize = 64 * 1024

    public let maximumPDUSize: Int
    private var framingLost = false

    public init(maximumPDUSize: Int = SMPPFrameDecoder.defaultMaximumPDUSize) {
        precondition(maximumPDUSize >= PDUHeader.size, "a PDU is at least its 16-octet header")
        self.maximumPDUSize = maximumPDUSize
    }

    public mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard let frame = next(&buffer, atEOF: false) else { return .needMoreData }
        context.fireChannelRead(wrapInboundOut(frame))
        return .continue
    }

    public mutating func decodeLast(context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool) throws -> DecodingState {
        guard let frame = next(&buffer, atEOF: true) else {
            // A partial PDU at the end of the stream: the peer left mid-PDU, nobody is there to answer.
            buffer.moveReaderIndex(to: buffer.writerIndex)
            return .needMoreData
        }
        context.fireChannelRead(wrapInboundOut(frame))
        return .continue
    }

    /// The next frame in `buffer`, or nil when more bytes are needed. Pure, so it can also be used without a channel.
    public mutating func next(_ buffer: inout ByteBuffer, atEOF: Bool = false) -> SMPPFrame? {
        if framingLost {
            buffer.moveReaderIndex(to: buffer.writerIndex)
            return nil
        }
        guard let length = buffer.getInteger(at: buffer.readerIndex, as: UInt32.self) else { return nil }
        if length < PDUHeader.size || length > maximumPDUSize {
            // Report the header fields that are there, so the generic_nack can echo the sequence number. Wait for the
            // whole header unless the stream has ended, so the answer does not depend on how the bytes were split.
            guard buffer.readableBytes >= PDUHeader.size || atEOF else { return nil }
            let header = PDUHeader(
                commandLength: length,
                commandID: CommandID(rawValue: buffer.getInteger(at: buffer.readerIndex + 4, as: UInt32.self) ?? 0),
                status: CommandStatus(rawValue: buffer.getInteger(at: buffer.readerIndex + 8, as: UInt32.self) ?? 0),
                sequenceNumber: buffer.getInteger(at: buffer.readerIndex + 12, as: UInt32.self) ?? 0)
            framingLost = true
            buffer.moveReaderIndex(to: buffer.writerIndex)
            let kind: PDUDecodeError.Kind = length < PDUHeader.size ? .invalidCommandLength : .oversize
            return .invalid(PDUDecodeError(kind, status: .invalidCommandLength, header: header, framingLost: true))
        }
        guard buffer.readableBytes >= Int(length), var pdu = buffer.readSlice(length: Int(length)) else { return nil }
        // command_length was checked above; the slice still starts with it.
        pdu.moveReaderIndex(forwardBy: 4)
        let header = PDUHeader(
            commandLength: length,
            commandID: CommandID(rawValue: pdu.readInteger(as: UInt32.self)!),
            status: CommandStatus(rawValue: pdu.readInteger(as: UInt32.self)!),
            sequenceNumber: pdu.readInteger(as: UInt32.self)!)
        return Self.frame(header: header, body: pdu)
    }

    private static func frame(header: PDUHeader, body: ByteBuffer) -> SMPPFrame {
        do {
            return .pdu(try PDU.decode(header: header, body: body))
        } catch {
            return .invalid(error)
        }
    }
}
