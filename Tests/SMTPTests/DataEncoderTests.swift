import NIOCore
import Testing

@testable import SMTP

@Suite struct DataEncoderTests {
    static func encode(_ text: String) throws(SMTPError) -> String {
        var buffer = ByteBuffer()
        try SMTPDataEncoder.encode(Array(text.utf8), into: &buffer)
        return String(buffer: buffer)
    }

    @Test(arguments: [
        ("", ".\r\n"),
        ("a", "a\r\n.\r\n"),
        ("a\r\n", "a\r\n.\r\n"),
        ("a\nb", "a\r\nb\r\n.\r\n"),
        ("a\rb\r", "a\r\nb\r\n.\r\n"),
        ("a\r\r\nb", "a\r\n\r\nb\r\n.\r\n"),
        ("a\n\nb\n", "a\r\n\r\nb\r\n.\r\n"),
        (".", "..\r\n.\r\n"),
        ("..\n.x\n x.\n.", "...\r\n..x\r\n x.\r\n..\r\n.\r\n"),
        ("a\r\n.\r\nb", "a\r\n..\r\nb\r\n.\r\n"),
        ("a\r.b", "a\r\n..b\r\n.\r\n"),
    ])
    func normalisesLineEndingsAndStuffsDots(input: String, wire: String) throws {
        #expect(try Self.encode(input) == wire)
    }

    @Test func refusesLinesOver998Octets() throws {
        #expect(try Self.encode(String(repeating: "x", count: 998)).utf8.count == 998 + 2 + 3)
        #expect {
            try Self.encode(String(repeating: "x", count: 999))
        } throws: { error in
            (error as? SMTPError)?.code == .invalidMessage
        }
    }
}
