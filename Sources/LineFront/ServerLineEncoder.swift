import NIOCore

/// Writes `ServerLine`s as UTF-8 with a trailing LF.
public struct ServerLineEncoder: MessageToByteEncoder {
    public typealias OutboundIn = ServerLine

    public init() {}

    public func encode(data: ServerLine, out: inout ByteBuffer) throws {
        out.writeString(data.rendered)
        out.writeInteger(UInt8(ascii: "\n"))
    }
}
