import NIOCore
import SMPP
import Testing

@Suite("Text: GSM 03.38, Latin-1, UCS2, concatenation")
struct TextTests {
    static let basicCharacters =
        "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
    static let extensionCharacters = "\u{0C}^{}\\[~]|€"

    @Test("the whole basic table is one septet per character, in table order")
    func basicTable() {
        let septets = GSM7.encode(Self.basicCharacters)!
        #expect(septets == (0...0x7F).filter { $0 != 0x1B }.map(UInt8.init))
        #expect(GSM7.decode(septets) == Self.basicCharacters)
    }

    @Test("extension characters are escape + code and round-trip")
    func extensionTable() {
        #expect(GSM7.encode("€")! == [0x1B, 0x65])
        #expect(GSM7.encode("[x]")! == [0x1B, 0x3C, 0x78, 0x1B, 0x3E])
        #expect(GSM7.decode(GSM7.encode(Self.extensionCharacters)!) == Self.extensionCharacters)
        // An unknown extension code reads as the basic character; a lone trailing escape as a space.
        #expect(GSM7.decode([0x1B, 0x41]) == "A")
        #expect(GSM7.decode([0x41, 0x1B]) == "A ")
    }

    @Test("best coding: GSM 7-bit when everything fits, else UCS2")
    func bestCoding() {
        #expect(DataCoding.best(for: "Solde: 5 000 FCFA. Merci!") == .gsm7)
        #expect(DataCoding.best(for: "Recu € {ok} Ç") == .gsm7)
        #expect(DataCoding.best(for: "Reçu") == .ucs2)  // ç: only the capital is in GSM 03.38
        #expect(DataCoding.best(for: "Transfert réussi ✓") == .ucs2)
        #expect(DataCoding.best(for: "ê") == .ucs2)  // not in GSM 03.38
    }

    @Test("UCS2 is UTF-16BE and keeps surrogate pairs; Latin-1 refuses what it lacks")
    func ucs2AndLatin1() {
        #expect(TextCodec.encode("é😀", as: .ucs2)! == [0x00, 0xE9, 0xD8, 0x3D, 0xDE, 0x00])
        #expect(TextCodec.decode([0x00, 0xE9, 0xD8, 0x3D, 0xDE, 0x00], as: .ucs2) == "é😀")
        #expect(TextCodec.decode([0x00, 0x41, 0x42], as: .ucs2) == "A")
        #expect(TextCodec.encode("ÿ", as: .latin1)! == [0xFF])
        #expect(TextCodec.encode("€", as: .latin1) == nil)
    }

    @Test("short texts are one part without a UDH, at the exact limits")
    func singleParts() throws {
        let gsm = try MessageSplitter.split(String(repeating: "a", count: 160), reference: 1)
        #expect(gsm.count == 1 && gsm[0].esmClass == 0 && gsm[0].shortMessage.count == 160)
        #expect(try MessageSplitter.split(String(repeating: "a", count: 161), reference: 1).count == 2)
        #expect(try MessageSplitter.split(String(repeating: "€", count: 80), reference: 1).count == 1)  // 160 septets
        #expect(try MessageSplitter.split(String(repeating: "€", count: 81), reference: 1).count == 2)
        #expect(try MessageSplitter.split(String(repeating: "ê", count: 70), reference: 1).count == 1)
        #expect(try MessageSplitter.split(String(repeating: "ê", count: 71), reference: 1).count == 2)
    }

    /// Random texts drawn from a mix of alphabets, so escapes and surrogate pairs land at every offset.
    static func randomText(_ generator: inout SeededGenerator, unicode: Bool) -> String {
        let pools: [[Character]] =
            [
                Array("abcdefghij KLMNOP0123456789.,!?"), Array(extensionCharacters), Array("éèàùÇÄÖ"),
            ] + (unicode ? [Array("ê✓中"), ["😀", "🇹🇬", "𝄞"]] : [])
        let length = Int.random(in: 0...700, using: &generator)
        return String((0..<length).map { _ in pools.randomElement(using: &generator)!.randomElement(using: &generator)! })
    }

    @Test("splitting respects part sizes, never cuts an escape or a surrogate pair, and reassembles to the text")
    func splitProperties() throws {
        var generator = SeededGenerator(seed: 0x5EED_0001)
        for round in 0..<400 {
            let text = Self.randomText(&generator, unicode: round % 2 == 1)
            let reference = UInt8(truncatingIfNeeded: round)
            let parts = try MessageSplitter.split(text, reference: reference)
            let coding = DataCoding.best(for: text)
            var reassembler = ConcatenationReassembler()
            var result: ReassembledMessage?
            for (index, part) in parts.enumerated() {
                #expect(part.dataCoding == coding)
                var body = part.shortMessage
                if parts.count > 1 {
                    #expect(Array(body.prefix(6)) == [5, 0, 3, reference, UInt8(parts.count), UInt8(index + 1)])
                    #expect(part.esmClass == 0x40)
                    body.removeFirst(6)
                    #expect(body.count <= (coding == .gsm7 ? 153 : 134), "part \(index) of round \(round)")
                    if coding == .gsm7 { #expect(body.last != 0x1B, "an escape was cut from its code") }
                    if coding == .ucs2, body.count >= 2 {
                        let last = UInt16(body[body.count - 2]) << 8 | UInt16(body[body.count - 1])
                        #expect(!(0xD800...0xDBFF).contains(last), "a surrogate pair was cut")
                    }
                }
            }
            // Deliver the parts in reverse order: reassembly must not depend on arrival order.
            for (index, part) in parts.enumerated().reversed() {
                let message = SubmitSM(
                    source: .international("22890112233"), destination: .shortCode("145"), esmClass: part.esmClass,
                    dataCoding: coding.rawValue, shortMessage: part.shortMessage)
                switch reassembler.receive(message, now: .uptimeNanoseconds(UInt64(index))) {
                case .complete(let whole): result = whole
                case .pending: #expect(index != 0)
                }
            }
            #expect(result?.text == text, "round \(round)")
            #expect(result?.parts == parts.count)
            #expect(reassembler.pendingCount == 0)
        }
    }

    @Test("reassembly is bounded and incomplete messages time out")
    func reassemblyBounds() {
        var reassembler = ConcatenationReassembler(maximumPendingMessages: 3, timeout: .seconds(10))
        func part(_ reference: UInt8, _ index: UInt8, source: String = "1") -> SubmitSM {
            SubmitSM(
                source: .international(source), destination: .shortCode("145"), esmClass: 0x40,
                shortMessage: UserDataHeader.concatenation(reference: reference, total: 2, index: index) + [0x41])
        }
        for reference in 0..<5 {
            _ = reassembler.receive(part(UInt8(reference), 1), now: .uptimeNanoseconds(UInt64(reference) * 1_000_000_000))
        }
        #expect(reassembler.pendingCount == 3)
        #expect(reassembler.takeEvicted().map(\.reference) == [0, 1])
        // The same reference from another sender is another message; it pushes out the oldest (reference 2).
        _ = reassembler.receive(part(4, 1, source: "2"), now: .uptimeNanoseconds(5_000_000_000))
        #expect(reassembler.pendingCount == 3)
        #expect(reassembler.takeEvicted().map(\.reference) == [2])
        let expired = reassembler.expire(now: .uptimeNanoseconds(13_500_000_000))
        #expect(expired.map(\.reference) == [3])
        if case .complete(let whole) = reassembler.receive(part(4, 2, source: "2"), now: .uptimeNanoseconds(14_000_000_000)) {
            #expect(whole.text == "AA" && whole.source.address == "2")
        } else {
            Issue.record("not completed")
        }
    }

    @Test("sar_* TLVs reassemble like a UDH")
    func sarReassembly() {
        var reassembler = ConcatenationReassembler()
        var outcomes: [ConcatenationReassembler.Outcome] = []
        for index in 1...2 {
            var options = OptionalParameters()
            options.sarMessageReference = 300
            options.sarTotalSegments = 2
            options.sarSegmentSequenceNumber = UInt8(index)
            let message = SubmitSM(source: .shortCode("1"), destination: .shortCode("2"), shortMessage: Array("part\(index) ".utf8), options: options)
            outcomes.append(reassembler.receive(message, now: .uptimeNanoseconds(0)))
        }
        guard case .complete(let whole) = outcomes.last else {
            Issue.record("not completed")
            return
        }
        #expect(whole.text == "part1 part2 ")
    }

    @Test("message_payload carries a long text in one submit_sm")
    func messagePayload() throws {
        let text = String(repeating: "Votre transfert de 5000 FCFA a réussi. ", count: 10)
        let messages = try SubmitSM.texts(text, source: .shortCode("145"), destination: .international("22890112233"), longMessage: .messagePayload)
        #expect(messages.count == 1)
        #expect(messages[0].shortMessage.isEmpty)
        #expect(messages[0].options.messagePayload?.count == text.unicodeScalars.count)
        #expect(messages[0].text == text)
        let concatenated = try SubmitSM.texts(
            text, source: .shortCode("145"), destination: .international("22890112233"), longMessage: .concatenate(reference: 9))
        #expect(concatenated.count == 3)
        #expect(concatenated.allSatisfy { $0.hasUDH })
        #expect(throws: TextEncodingError.self) { try SubmitSM.texts("€", source: .shortCode("1"), destination: .shortCode("2"), coding: .latin1) }
    }
}
