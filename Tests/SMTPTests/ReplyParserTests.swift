import NIOCore
import Testing

@testable import SMTP

@Suite struct ReplyParserTests {
    static func parseAll(_ chunks: [String], maxLineLength: Int = 512, maxLines: Int = 32) throws(SMTPError) -> [SMTPReply] {
        var parser = SMTPReplyParser(maxLineLength: maxLineLength, maxLines: maxLines)
        var buffer = ByteBuffer()
        var replies: [SMTPReply] = []
        for chunk in chunks {
            buffer.writeString(chunk)
            while let reply = try parser.next(from: &buffer) { replies.append(reply) }
        }
        return replies
    }

    static let stream =
        "220 mail.test ESMTP\r\n250-mail.test\r\n250-SIZE 100\r\n250-\r\n250 STARTTLS\r\n354\r\n"
        + "550-5.1.1 first\r\n550 5.1.1 second\r\n451 4.3.0 later\n"

    static let expected = [
        SMTPReply(code: 220, lines: ["mail.test ESMTP"]),
        SMTPReply(code: 250, lines: ["mail.test", "SIZE 100", "", "STARTTLS"]),
        SMTPReply(code: 354, lines: [""]),
        SMTPReply(code: 550, lines: ["5.1.1 first", "5.1.1 second"]),
        SMTPReply(code: 451, lines: ["4.3.0 later"]),
    ]

    @Test func parsesSingleAndMultiLineReplies() throws {
        let replies = try Self.parseAll([Self.stream])
        #expect(replies == Self.expected)
        #expect(replies[3].enhancedStatusCode == EnhancedStatusCode(statusClass: 5, subject: 1, detail: 1))
        #expect(replies[4].enhancedStatusCode?.description == "4.3.0")
        #expect(replies[0].enhancedStatusCode == nil)
    }

    /// The same replies whatever the network does to the bytes: every split into two chunks, and byte by byte.
    @Test func everySplitOfTheInputGivesTheSameReplies() throws {
        let bytes = Array(Self.stream.utf8)
        for cut in 0...bytes.count {
            let chunks = [String(decoding: bytes[..<cut], as: UTF8.self), String(decoding: bytes[cut...], as: UTF8.self)]
            #expect(try Self.parseAll(chunks) == Self.expected, "split at \(cut)")
        }
        #expect(try Self.parseAll(bytes.map { String(UnicodeScalar($0)) }) == Self.expected)
    }

    @Test func enhancedCodesOnlyWhenTheyAgreeWithTheReply() throws {
        let replies = try Self.parseAll(["250 5.1.1 odd\r\n250 2.1.0\r\n550 5.1.10 long detail\r\n550 1.2.3 nope\r\n550 5.1.1x\r\n"])
        #expect(replies.map(\.enhancedStatusCode?.description) == [nil, "2.1.0", "5.1.10", nil, nil])
    }

    @Test(arguments: [
        "hello\r\n", "25\r\n", "2500 x\r\n", "250x\r\n", "650 out of range\r\n", "150 preliminary\r\n", "abc def\r\n",
        "250-first\r\n251 changed code\r\n",
    ])
    func malformedRepliesAreProtocolViolations(input: String) {
        #expect {
            try Self.parseAll([input])
        } throws: { error in
            (error as? SMTPError)?.code == .protocolViolation
        }
    }

    @Test func limitsAreEnforced() throws {
        #expect(try Self.parseAll(["250 " + String(repeating: "x", count: 508) + "\r\n"]).count == 1, "exactly 512 is fine")
        #expect(throws: SMTPError.self) { try Self.parseAll(["250 " + String(repeating: "x", count: 509) + "\r\n"]) }
        #expect(throws: SMTPError.self, "refused before the line ends") { try Self.parseAll([String(repeating: "2", count: 600)]) }
        #expect(try Self.parseAll([String(repeating: "250-x\r\n", count: 31) + "250 x\r\n"]).count == 1)
        #expect(throws: SMTPError.self) { try Self.parseAll([String(repeating: "250-x\r\n", count: 32) + "250 x\r\n"]) }
    }
}
