import NIOCore

/// A command line the client sends. Arguments are validated values (addresses, a host name, base64), so nothing
/// a caller passes can add a line: the only CRLF is the one written here.
enum SMTPCommand: Sendable {
    case ehlo(String)
    case helo(String)
    case startTLS
    /// `AUTH <mechanism> [initial response]`.
    case auth(mechanism: String, initialResponse: String?)
    /// A base64 line answering a 334 challenge.
    case authResponse(String)
    case mailFrom(EmailAddress, size: Int?)
    case rcptTo(EmailAddress)
    case data
    case rset
    case quit

    /// The line as sent, without CRLF.
    var line: String {
        switch self {
        case .ehlo(let name): "EHLO \(name)"
        case .helo(let name): "HELO \(name)"
        case .startTLS: "STARTTLS"
        case .auth(let mechanism, let initial?): "AUTH \(mechanism) \(initial)"
        case .auth(let mechanism, nil): "AUTH \(mechanism)"
        case .authResponse(let response): response
        case .mailFrom(let address, let size?): "MAIL FROM:<\(address)> SIZE=\(size)"
        case .mailFrom(let address, nil): "MAIL FROM:<\(address)>"
        case .rcptTo(let address): "RCPT TO:<\(address)>"
        case .data: "DATA"
        case .rset: "RSET"
        case .quit: "QUIT"
        }
    }

    /// The line as logged: credentials never reach a log.
    var logLine: String {
        switch self {
        case .auth(let mechanism, .some): "AUTH \(mechanism) <redacted>"
        case .authResponse: "<redacted>"
        default: line
        }
    }

    func encoded(allocator: ByteBufferAllocator) -> ByteBuffer {
        let text = line
        var buffer = allocator.buffer(capacity: text.utf8.count + 2)
        buffer.writeString(text)
        buffer.writeStaticString("\r\n")
        return buffer
    }
}
