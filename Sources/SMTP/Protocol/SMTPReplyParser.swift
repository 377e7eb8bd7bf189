import NIOCore

/// Turns the server's bytes into replies: a value with no I/O, so every split of the input can be tested.
///
/// A reply is one or more lines `ddd-text` ending with a line `ddd text` (or just `ddd`), all with the same code
/// (RFC 5321 §4.2.1). Lines end with CRLF; a bare LF is accepted as well, since being lenient costs nothing here.
/// Everything is bounded: a line longer than `maxLineLength` octets (even before its end has arrived) or a reply
/// of more than `maxLines` lines is a protocol violation, so a misbehaving server cannot make the client buffer
/// without end.
struct SMTPReplyParser {
    let maxLineLength: Int
    let maxLines: Int
    private var code: Int?
    private var lines: [String] = []

    init(maxLineLength: Int, maxLines: Int) {
        self.maxLineLength = maxLineLength
        self.maxLines = maxLines
    }

    /// Whether part of a reply (some of its lines) has been read but not its last line.
    var isInsideReply: Bool { code != nil }

    /// Consumes complete lines from `buffer` until a reply is complete (and returns it) or no complete line is
    /// left (returns nil, leaving the partial line in the buffer).
    mutating func next(from buffer: inout ByteBuffer) throws(SMTPError) -> SMTPReply? {
        while true {
            guard let newline = buffer.readableBytesView.firstIndex(of: UInt8(ascii: "\n")) else {
                if buffer.readableBytes > maxLineLength {
                    throw SMTPError(.protocolViolation, "a reply line is longer than \(maxLineLength) octets")
                }
                return nil
            }
            let length = newline - buffer.readerIndex
            guard var bytes = buffer.readBytes(length: length + 1) else { return nil }
            bytes.removeLast()  // LF
            if bytes.last == UInt8(ascii: "\r") { bytes.removeLast() }
            if bytes.count > maxLineLength {
                throw SMTPError(.protocolViolation, "a reply line is longer than \(maxLineLength) octets")
            }
            if let reply = try consume(line: bytes) { return reply }
        }
    }

    private mutating func consume(line: [UInt8]) throws(SMTPError) -> SMTPReply? {
        guard line.count >= 3,
            let first = line.first, (UInt8(ascii: "2")...UInt8(ascii: "5")).contains(first),
            line[1...2].allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) })
        else {
            throw SMTPError(.protocolViolation, "not an SMTP reply line: \(Self.printable(line))")
        }
        let lineCode = line[0...2].reduce(0) { $0 * 10 + Int($1 - UInt8(ascii: "0")) }
        let isLast: Bool
        if line.count == 3 {
            isLast = true
        } else if line[3] == UInt8(ascii: " ") {
            isLast = true
        } else if line[3] == UInt8(ascii: "-") {
            isLast = false
        } else {
            throw SMTPError(.protocolViolation, "not an SMTP reply line: \(Self.printable(line))")
        }
        if let code, code != lineCode {
            throw SMTPError(.protocolViolation, "a multi-line reply changed its code from \(code) to \(lineCode)")
        }
        code = lineCode
        lines.append(String(decoding: line.dropFirst(4), as: UTF8.self))
        if isLast {
            let reply = SMTPReply(code: lineCode, lines: lines)
            code = nil
            lines = []
            return reply
        }
        if lines.count >= maxLines {
            throw SMTPError(.protocolViolation, "a reply has more than \(maxLines) lines")
        }
        return nil
    }

    /// The first bytes of a bad line, with control characters escaped, for an error message.
    private static func printable(_ line: [UInt8]) -> String {
        let shown = line.prefix(80).map { byte -> String in
            (0x20..<0x7F).contains(byte) ? String(UnicodeScalar(byte)) : "\\x" + String(byte, radix: 16)
        }
        return "\"" + shown.joined() + (line.count > 80 ? "…" : "") + "\""
    }
}
