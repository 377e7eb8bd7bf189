import NIOCore

/// Prepares message content for DATA (RFC 5321 §4.5.2): every line ending becomes CRLF (a bare LF or a bare CR
/// too, since a lone one would otherwise be sent as it is), a line starting with "." gets a second one
/// (dot-stuffing; the server removes it), the content ends with CRLF, and the terminating `.` CRLF follows.
enum SMTPDataEncoder {
    /// RFC 5321 §4.5.3.1.6: at most 998 octets per line, CRLF not counted.
    static let maximumLineLength = 998

    static func encode(_ content: some Sequence<UInt8>, into buffer: inout ByteBuffer) throws(SMTPError) {
        var lineLength = 0
        var atLineStart = true
        var pendingCR = false

        func endLine(_ buffer: inout ByteBuffer) {
            buffer.writeStaticString("\r\n")
            lineLength = 0
            atLineStart = true
        }

        for byte in content {
            if pendingCR {
                pendingCR = false
                endLine(&buffer)
                if byte == UInt8(ascii: "\n") { continue }  // CRLF: already written
            }
            switch byte {
            case UInt8(ascii: "\r"):
                pendingCR = true
            case UInt8(ascii: "\n"):
                endLine(&buffer)
            default:
                if atLineStart && byte == UInt8(ascii: ".") {
                    buffer.writeInteger(UInt8(ascii: "."))
                }
                atLineStart = false
                lineLength += 1
                if lineLength > maximumLineLength {
                    throw SMTPError(
                        .invalidMessage, "a message line is longer than \(maximumLineLength) octets", stage: .messageData)
                }
                buffer.writeInteger(byte)
            }
        }
        if pendingCR || !atLineStart { endLine(&buffer) }
        buffer.writeStaticString(".\r\n")
    }
}
