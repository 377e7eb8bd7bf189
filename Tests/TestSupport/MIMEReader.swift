import Foundation

/// An independent reader of what the client wrote, for tests: header fields (unfolded), RFC 2047 words,
/// quoted-printable bodies and multipart parts. Written from the RFCs, sharing no code with the client.
public struct MIMEReader {
    public struct Part {
        public var headers: [(name: String, value: String)]
        public var body: String
        public func header(_ name: String) -> String? { headers.first { $0.name.lowercased() == name.lowercased() }?.value }
    }

    /// Splits a message (CRLF lines) into its unfolded header fields and its body.
    public static func split(_ message: String) -> Part {
        let separator = message.range(of: "\r\n\r\n")
        let head = separator.map { String(message[..<$0.lowerBound]) } ?? message
        let body = separator.map { String(message[$0.upperBound...]) } ?? ""
        var headers: [(String, String)] = []
        for line in head.components(separatedBy: "\r\n") {
            if line.hasPrefix(" ") || line.hasPrefix("\t"), !headers.isEmpty {
                headers[headers.count - 1].1 += line  // unfold: drop the CRLF, keep the white space
            } else if let colon = line.firstIndex(of: ":") {
                let name = String(line[..<colon])
                var value = String(line[line.index(after: colon)...])
                if value.hasPrefix(" ") { value.removeFirst() }
                headers.append((name, value))
            } else {
                headers.append(("<malformed>", line))
            }
        }
        return Part(headers: headers, body: body)
    }

    /// Decodes `=?UTF-8?B?…?=` and `=?UTF-8?Q?…?=` words; white space between two words is dropped (RFC 2047 §6.2).
    public static func decodeWords(_ text: String) -> String {
        let pattern = try! NSRegularExpression(pattern: #"=\?([^?]+)\?([BbQq])\?([^?]*)\?="#)
        var result = ""
        var last = text.startIndex
        var previousWasWord = false
        let nsText = text as NSString
        for match in pattern.matches(in: text, range: NSRange(location: 0, length: nsText.length)) {
            let range = Range(match.range, in: text)!
            let between = String(text[last..<range.lowerBound])
            if !(previousWasWord && between.allSatisfy({ $0 == " " || $0 == "\t" })) { result += between }
            let encoding = nsText.substring(with: match.range(at: 2)).uppercased()
            let payload = nsText.substring(with: match.range(at: 3))
            let bytes: [UInt8]
            if encoding == "B" {
                bytes = Array(Data(base64Encoded: payload) ?? Data("<bad base64>".utf8))
            } else {
                bytes = decodeQuotedPrintable(payload.replacingOccurrences(of: "_", with: " "))
            }
            result += String(decoding: bytes, as: UTF8.self)
            last = range.upperBound
            previousWasWord = true
        }
        result += text[last...]
        return result
    }

    /// Quoted-printable to bytes: soft breaks removed, `=XX` decoded, hard CRLF kept.
    public static func decodeQuotedPrintable(_ text: String) -> [UInt8] {
        let bytes = Array(text.utf8)
        var out: [UInt8] = []
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "=") {
                if index + 2 < bytes.count, bytes[index + 1] == 13, bytes[index + 2] == 10 {
                    index += 3
                    continue
                }
                if index + 2 < bytes.count, let value = UInt8(String(decoding: bytes[(index + 1)...(index + 2)], as: UTF8.self), radix: 16) {
                    out.append(value)
                    index += 3
                    continue
                }
            }
            out.append(byte)
            index += 1
        }
        return out
    }

    /// The parts of a multipart body delimited by `--boundary`, up to `--boundary--`.
    public static func parts(of body: String, boundary: String) -> [Part] {
        let delimiter = "--" + boundary
        var chunks = ("\r\n" + body).components(separatedBy: "\r\n" + delimiter)
        guard chunks.count >= 2 else { return [] }
        chunks.removeFirst()  // preamble
        var parts: [Part] = []
        for chunk in chunks {
            if chunk.hasPrefix("--") { break }
            // The CRLF after the delimiter (one Character in Swift).
            parts.append(split(chunk.hasPrefix("\r\n") ? String(chunk.dropFirst()) : chunk))
        }
        return parts
    }

    /// The boundary parameter of a Content-Type value.
    public static func boundary(of contentType: String) -> String? {
        guard let range = contentType.range(of: "boundary=\"") else { return nil }
        let rest = contentType[range.upperBound...]
        return rest.firstIndex(of: "\"").map { String(rest[..<$0]) }
    }
}
