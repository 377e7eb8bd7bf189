import NIOCore
import NIOEmbedded
import NIOTestUtils
import Testing

@testable import LineFront

@Suite struct LineFrameDecoderTests {
    func line(_ text: String) -> LineFrame { .line(ByteBuffer(string: text)) }

    @Test func everySplitOfTheInputDecodesTheSame() throws {
        let long = String(repeating: "x", count: 5000)
        let limit = String(repeating: "y", count: LineFrameDecoder.protocolLimit)
        try ByteToMessageDecoderVerifier.verifyDecoder(
            stringInputOutputPairs: [
                ("PING a\n", [line("PING a")]),
                ("one\r\ntwo\n", [line("one"), line("two")]),
                ("\n", [line("")]),
                ("a\rb\n", [line("a\rb")]),
                (long + "\nPING b\n", [.tooLong, line("PING b")]),
                (limit + "\r\n", [line(limit)]),
                (limit + "z\n", [.tooLong]),
            ],
            decoderFactory: { LineFrameDecoder() })
    }

    @Test func aMegabyteLineIsRefusedOnceAndNotBuffered() throws {
        let channel = EmbeddedChannel(handler: ByteToMessageHandler(LineFrameDecoder()))
        let chunk = ByteBuffer(repeating: UInt8(ascii: "x"), count: 64 * 1024)
        for _ in 0..<16 { try channel.writeInbound(chunk) }
        #expect(try channel.readInbound(as: LineFrame.self) == .tooLong)
        #expect(try channel.readInbound(as: LineFrame.self) == nil)
        try channel.writeInbound(ByteBuffer(string: "xxx\nPING c\n"))
        #expect(try channel.readInbound(as: LineFrame.self) == line("PING c"))
        #expect(try channel.finish().isClean)
    }

    @Test func aHalfLineAtTheEndOfTheStreamIsDropped() throws {
        let channel = EmbeddedChannel(handler: ByteToMessageHandler(LineFrameDecoder()))
        try channel.writeInbound(ByteBuffer(string: "PING d\nBEGIN s1 2289"))
        #expect(try channel.readInbound(as: LineFrame.self) == line("PING d"))
        #expect(try channel.finish().isClean)
    }
}
