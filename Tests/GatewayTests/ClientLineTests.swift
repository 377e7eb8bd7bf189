import Testing

@testable import GatewayCore
@testable import LineFront

@Suite struct ClientLineTests {
    func refusal(_ line: String) -> GatewayError? {
        do throws(GatewayError) {
            _ = try ClientLine.parse(line)
            return nil
        } catch {
            return error
        }
    }

    @Test func parsesEveryVerb() throws {
        #expect(try ClientLine.parse("HELLO tmoney s3cr3t") == .hello(operatorID: "tmoney", token: "s3cr3t"))
        #expect(try ClientLine.parse("BEGIN s1 22890112233 *145#") == .begin(session: "s1", msisdn: "22890112233", dial: "*145#"))
        #expect(try ClientLine.parse("CONTINUE a.b_c:d-1 1") == .continue(session: "a.b_c:d-1", input: "1"))
        #expect(try ClientLine.parse("CONTINUE s1 ") == .continue(session: "s1", input: ""))
        #expect(try ClientLine.parse("ABORT s1") == .abort(session: "s1"))
        #expect(try ClientLine.parse("SMS 22890112233 1455 SOLDE svp") == .sms(msisdn: "22890112233", shortCode: "1455", text: "SOLDE svp"))
        #expect(try ClientLine.parse("PING 42") == .ping(token: "42"))
        #expect(try ClientLine.parse("PING a b") == .ping(token: "a b"))
    }

    @Test func theLastFieldIsTheRestOfTheLineWithItsEscapes() throws {
        #expect(try ClientLine.parse("CONTINUE s1 a b  c") == .continue(session: "s1", input: "a b  c"))
        #expect(try ClientLine.parse(#"CONTINUE s1 one\ntwo\\three\x"#) == .continue(session: "s1", input: "one\ntwo\\three\\x"))
        #expect(try ClientLine.parse(#"SMS 22890112233 1455 a\nb"#) == .sms(msisdn: "22890112233", shortCode: "1455", text: "a\nb"))
    }

    @Test func malformedLinesAreRefusedWith400() {
        let lines = [
            "", "HELO tmoney x", "begin s1 22890112233 *145#", "HELLO tmoney", "HELLO  x", "BEGIN s1 22890112233", "BEGIN s1 +22890112233 *145#",
            "BEGIN s1 2289011 *145#", "BEGIN s1 2289011223344556 *145#", "BEGIN  22890112233 *145#", "BEGIN s/1 22890112233 *145#",
            "BEGIN \(String(repeating: "s", count: 65)) 22890112233 *145#", "BEGIN s1 22890112233 ", "CONTINUE s1", "ABORT", "ABORT s1 x",
            "SMS 22890112233 1455", "SMS 22890112233 short text", "PING", "PING ",
        ]
        for line in lines {
            #expect(refusal(line)?.code == .malformed, "\(line)")
        }
        #expect(refusal("BEGIN s1 22890112233 ")?.session == "s1")
        #expect(refusal("BEGIN s1 229 *145#")?.session == "s1")
        #expect(refusal("CONTINUE s/1 1")?.session == nil)
    }

    @Test func sessionIDsAcceptOneToSixtyFourOfTheDocumentedCharacters() {
        #expect(WireIdentifiers.isSessionID("A-Za-z0-9._:"))
        #expect(WireIdentifiers.isSessionID(Substring(String(repeating: "a", count: 64))))
        #expect(!WireIdentifiers.isSessionID(Substring(String(repeating: "a", count: 65))))
        #expect(!WireIdentifiers.isSessionID(""))
        #expect(!WireIdentifiers.isSessionID("é"))
        #expect(!WireIdentifiers.isSessionID("a b"))
    }

    @Test func clientLinesRenderWithEscapesAndParseBack() throws {
        let lines: [ClientLine] = [
            .hello(operatorID: "tmoney", token: "s3cr3t"), .begin(session: "s1", msisdn: "22890112233", dial: "*145*1#"),
            .continue(session: "a.b_c:d-1", input: "1"), .continue(session: "s1", input: ""), .continue(session: "s1", input: "a b\nc\\d\\x"),
            .abort(session: "s1"), .abort(session: "s1", cancelled: true), .sms(msisdn: "22890112233", shortCode: "1455", text: "SOLDE\nsvp \\"),
            .ping(token: "a b"),
        ]
        for line in lines {
            #expect(!line.rendered.contains("\n"))
            #expect(try ClientLine.parse(line.rendered) == line)
        }
        #expect(ClientLine.continue(session: "s1", input: "a\nb\\c").rendered == #"CONTINUE s1 a\nb\\c"#)
        #expect(ClientLine.abort(session: "s1", cancelled: true).rendered == "ABORT s1 cancel")
    }

    @Test func serverLinesRenderWithEscapesAndParseBack() {
        let lines: [ServerLine] = [
            .helloAccepted(operatorID: "tmoney"), .screen(session: "s1", text: "T-Money\n1. Envoyer\\x"), .end(session: "s1", text: "Merci"),
            .sms(shortCode: "1455", msisdn: "22890112233", text: "Recu 5 000 FCFA\nRef: TM1"), .pong(token: "7"),
            .error(GatewayError(.unknownSession, session: "s9", "no session s9")), .error(GatewayError(.lineTooLong, "too long")),
        ]
        for line in lines {
            #expect(!line.rendered.contains("\n"))
            #expect(ServerLine.parse(line.rendered) == line)
        }
        #expect(ServerLine.screen(session: "s1", text: "a\nb\\c").rendered == #"CON s1 a\nb\\c"#)
        #expect(ServerLine.error(GatewayError(.lineTooLong, "x")).rendered == "ERR - 413 x")
    }
}
