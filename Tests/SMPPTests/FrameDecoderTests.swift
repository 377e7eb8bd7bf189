import NIOCore
import NIOTestUtils
import SMPP
import Testing

@Suite("Frame decoder")
struct FrameDecoderTests {
    /// Raw PDU octets from a header and a body.
    static func raw(_ commandID: UInt32, status: UInt32 = 0, sequence: UInt32 = 7, body: [UInt8] = [], length: UInt32? = nil) -> [UInt8] {
        var buffer = ByteBuffer()
        buffer.writeInteger(length ?? UInt32(16 + body.count))
        buffer.writeInteger(commandID)
        buffer.writeInteger(status)
        buffer.writeInteger(sequence)
        buffer.writeBytes(body)
        return Array(buffer.readableBytesView)
    }

    static func decodeOne(_ bytes: [UInt8], maximumPDUSize: Int = 65536) -> SMPPFrame? {
        decodeAll(ByteBuffer(bytes: bytes), maximumPDUSize: maximumPDUSize).first
    }

    static func status(of bytes: [UInt8]) -> (CommandStatus, PDUDecodeError.Kind, Bool)? {
        guard case .invalid(let error) = decodeOne(bytes) else { return nil }
        return (error.status, error.kind, error.framingLost)
    }

    static let submitBody: [UInt8] = {
        let bytes = try! PDU(.submitSM(sampleSubmit), sequenceNumber: 1).encoded()
        return Array(bytes.readableBytesView.dropFirst(16))
    }()

    @Test("every PDU, and every recoverable error, decodes the same for every split of the input")
    func verifierOverEverySplit() throws {
        var pairs: [(ByteBuffer, [SMPPFrame])] = PDUCodecTests.everyPDU.map { ($0.bytes, [.pdu($0)]) }
        // Framing-kept errors belong in the verifier too: they consume exactly one PDU.
        for bytes in [
            Self.raw(0x0000_0099, body: [1, 2, 3]),
            Self.raw(CommandID.submitSM.rawValue, body: Array(Self.submitBody.prefix(10))),
            Self.raw(CommandID.enquireLink.rawValue, body: [0]),
            Self.raw(CommandID.submitSM.rawValue, body: Self.submitBody + [0x04, 0x27, 0x00, 0x05, 1]),
        ] {
            let expected = Self.decodeOne(bytes)!
            guard case .invalid(let error) = expected, !error.framingLost else {
                Issue.record("expected a recoverable error for \(bytes)")
                continue
            }
            pairs.append((ByteBuffer(bytes: bytes), [expected]))
        }
        try ByteToMessageDecoderVerifier.verifyDecoder(inputOutputPairs: pairs) { SMPPFrameDecoder() }
    }

    @Test("a lying command_length loses framing at every split point, with the same answer")
    func lyingLengthEverySplit() {
        let stream = Self.raw(CommandID.enquireLink.rawValue, sequence: 42, length: 8) + PDU(.enquireLink, sequenceNumber: 1).bytes.readableBytesView
        for cut in 0...stream.count {
            var decoder = SMPPFrameDecoder()
            var frames: [SMPPFrame] = []
            var buffer = ByteBuffer(bytes: stream[..<cut])
            while let frame = decoder.next(&buffer) { frames.append(frame) }
            buffer.writeBytes(stream[cut...])
            while let frame = decoder.next(&buffer, atEOF: true) { frames.append(frame) }
            #expect(frames.count == 1, "cut at \(cut)")
            guard case .invalid(let error) = frames.first else {
                Issue.record("no error at cut \(cut)")
                continue
            }
            #expect(error.framingLost && error.status == .invalidCommandLength && error.header.sequenceNumber == 42)
            #expect(error.reply == .genericNack(.invalidCommandLength, sequenceNumber: 42))
        }
    }

    @Test("oversize PDUs lose framing before any body is buffered")
    func oversize() {
        var decoder = SMPPFrameDecoder(maximumPDUSize: 1024)
        var buffer = ByteBuffer(bytes: Self.raw(CommandID.submitSM.rawValue, length: 1025))
        guard case .invalid(let error) = decoder.next(&buffer) else {
            Issue.record("accepted an oversize PDU")
            return
        }
        #expect(error.kind == .oversize && error.framingLost && error.status == .invalidCommandLength)
        // Everything after is discarded, not buffered.
        buffer.writeBytes(Array(repeating: 0, count: 10_000))
        #expect(decoder.next(&buffer) == nil)
        #expect(buffer.readableBytes == 0)
    }

    @Test("each malformed body gets its documented status and keeps framing")
    func documentedStatuses() {
        let submit = CommandID.submitSM.rawValue
        let body = Self.submitBody
        // source_addr starts after service_type (1 NUL) + ton + npi.
        var longSource = Array(body.prefix(3)) + Array(repeating: 0x31, count: 21) + [0]
        longSource += Array(body.dropFirst(3 + 12))
        var bigSMLength = body
        bigSMLength[bigSMLength.count - 6] = 255  // sm_length of "hello"
        let cases: [([UInt8], CommandStatus, PDUDecodeError.Kind)] = [
            (Self.raw(0x0000_0099), .invalidCommandID, .unknownCommandID),
            (Self.raw(CommandID.cancelSM.rawValue), .invalidCommandID, .unsupportedCommand),
            (Self.raw(submit, body: Array(body.prefix(21))), .invalidMessageLength, .truncatedBody(field: "esm_class")),
            (Self.raw(submit, body: Array(body.dropLast(2))), .invalidMessageLength, .truncatedBody(field: "short_message")),
            (Self.raw(submit, body: longSource), .invalidSourceAddress, .invalidField("source_addr")),
            (Self.raw(submit, body: bigSMLength), .invalidMessageLength, .invalidField("sm_length")),
            (Self.raw(submit, body: body + [0x04]), .invalidOptionalParameterStream, .invalidTLVStream),
            (Self.raw(submit, body: body + [0x04, 0x24, 0x00, 0x09, 1, 2]), .invalidOptionalParameterStream, .invalidTLVStream),
            (Self.raw(submit, body: body + [0x05, 0x01, 0x00, 0x02, 1, 2]), .invalidParameterLength, .invalidTLVLength(.ussdServiceOp)),
            (Self.raw(CommandID.unbind.rawValue, body: [1]), .invalidCommandLength, .unexpectedBody),
            (
                Self.raw(CommandID.bindTransmitter.rawValue, body: Array(repeating: 0x41, count: 16) + [0]), .invalidSystemID,
                .invalidField("system_id")
            ),
            (
                Self.raw(CommandID.bindTransmitter.rawValue, body: [0x41, 0] + Array(repeating: 0x41, count: 9)), .invalidPassword,
                .invalidField("password")
            ),
        ]
        for (bytes, status, kind) in cases {
            guard let (actual, actualKind, lost) = Self.status(of: bytes) else {
                Issue.record("decoded without error: \(kind)")
                continue
            }
            #expect(actual == status, "\(kind)")
            #expect(actualKind == kind)
            #expect(!lost)
        }
    }

    @Test("refusals answer a broken request with its own response; broken responses get nothing")
    func replies() {
        guard case .invalid(let request) = Self.decodeOne(Self.raw(CommandID.submitSM.rawValue, sequence: 5, body: [0])) else {
            Issue.record("decoded")
            return
        }
        #expect(request.reply == PDU(.submitSMResp(SubmitSMResponse()), sequenceNumber: 5, status: .invalidMessageLength))
        guard case .invalid(let response) = Self.decodeOne(Self.raw(CommandID.submitSMResp.rawValue, sequence: 5, body: [0x41])) else {
            Issue.record("decoded")
            return
        }
        #expect(response.reply == nil)
        guard case .invalid(let unknown) = Self.decodeOne(Self.raw(0x8000_0099, sequence: 5)) else {
            Issue.record("decoded")
            return
        }
        #expect(unknown.reply == .genericNack(.invalidCommandID, sequenceNumber: 5))
    }
}
