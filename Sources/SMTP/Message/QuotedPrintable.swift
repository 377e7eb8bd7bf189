/// Quoted-printable (RFC 2045 §6.7) for UTF-8 text bodies.
///
/// Line breaks in the text (CRLF, LF or a lone CR) become hard CRLF breaks; every other octet outside printable
/// ASCII, every `=`, and a space or tab at the end of a line is written `=XX`; lines are wrapped with soft
/// breaks (`=` CRLF) at 76 characters, never inside an `=XX`. The output therefore never contains `=_`, which
/// is what makes the multipart boundary (`=_…`) safe without scanning the parts.
enum QuotedPrintable {
    static let maximumLineLength = 76

    static func encode(_ text: String) -> String {
        var output: [UInt8] = []
        output.reserveCapacity(text.utf8.count + text.utf8.count / 8)
        var first = true
        for line in lines(of: Array(text.utf8)) {
            if !first { output.append(contentsOf: Array("\r\n".utf8)) }
            first = false
            encode(line: line, into: &output)
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// Splits on CRLF, LF and lone CR; a trailing line break yields a final empty line.
    static func lines(of bytes: [UInt8]) -> [ArraySlice<UInt8>] {
        var result: [ArraySlice<UInt8>] = []
        var start = 0
        var index = 0
        while index < bytes.count {
            switch bytes[index] {
            case UInt8(ascii: "\r"):
                result.append(bytes[start..<index])
                index += (index + 1 < bytes.count && bytes[index + 1] == UInt8(ascii: "\n")) ? 2 : 1
                start = index
            case UInt8(ascii: "\n"):
                result.append(bytes[start..<index])
                index += 1
                start = index
            default:
                index += 1
            }
        }
        result.append(bytes[start..<bytes.count])
        return result
    }

    private static let hex = Array("0123456789ABCDEF".utf8)

    private static func encode(line: ArraySlice<UInt8>, into output: inout [UInt8]) {
        var lineLength = 0
        for index in line.indices {
            let byte = line[index]
            let isLast = index == line.index(before: line.endIndex)
            let token: [UInt8]
            switch byte {
            case UInt8(ascii: " "), UInt8(ascii: "\t"):
                token = isLast ? escaped(byte) : [byte]
            case 33...126 where byte != UInt8(ascii: "="):
                token = [byte]
            default:
                token = escaped(byte)
            }
            // Room for a soft break's "=" unless this is the line's last token.
            let limit = isLast ? maximumLineLength : maximumLineLength - 1
            if lineLength + token.count > limit {
                output.append(contentsOf: [UInt8(ascii: "="), UInt8(ascii: "\r"), UInt8(ascii: "\n")])
                lineLength = 0
            }
            output.append(contentsOf: token)
            lineLength += token.count
        }
    }

    private static func escaped(_ byte: UInt8) -> [UInt8] {
        [UInt8(ascii: "="), hex[Int(byte >> 4)], hex[Int(byte & 0x0F)]]
    }
}
