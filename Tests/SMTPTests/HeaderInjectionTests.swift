import Foundation
import NIOCore
import TestSupport
import Testing

@testable import SMTP

/// No caller input can add a header line: values with control characters are refused at construction, and
/// whatever is accepted renders to exactly the expected header fields, checked on the bytes written to the wire.
@Suite struct HeaderInjectionTests {
    static let expectedFields = ["Date", "From", "To", "Subject", "Message-ID", "MIME-Version", "Content-Type", "Content-Transfer-Encoding"]

    @Test(arguments: [
        "Hello\r\nBcc: victim@example.tg", "Hello\nBcc: x", "Hello\rBcc: x", "nul\u{0}byte", "tab\there", "del\u{7F}", "c1\u{85}next line",
        "ls\u{2028}ps\u{2029}",
    ])
    func subjectWithControlCharactersIsRefused(subject: String) {
        #expect {
            try Samples.message(subject: subject)
        } throws: { error in
            (error as? SMTPError)?.code == .invalidHeader && (error as? SMTPError)?.field == "subject"
        }
    }

    @Test func displayNamesAndAddressesWithLineBreaksAreRefused() {
        #expect {
            try Mailbox("ama@example.tg", displayName: "Ama\r\nBcc: victim@example.tg", field: "to[0]")
        } throws: { error in
            (error as? SMTPError)?.code == .invalidHeader && (error as? SMTPError)?.field == "to[0].name"
        }
        for address in [
            "ama@example.tg\r\nBcc: victim@example.tg", "ama@example.tg>\r\nRCPT TO:<victim@example.tg", "a\n@example.tg", "a@exa\u{0}mple.tg",
        ] {
            #expect {
                try Mailbox(address, field: "to[1]")
            } throws: { error in
                (error as? SMTPError)?.code == .invalidAddress && (error as? SMTPError)?.field == "to[1]"
            }
        }
        #expect(throws: SMTPError.self) { try MessageID("<x@y>\r\nBcc: z") }
    }

    /// Random strings salted with every kind of line-breaking and control character, as subjects and display names:
    /// each is refused, or (when it has none) renders to exactly the expected fields on the wire, round-trips, and
    /// keeps every line within limits. Seeded, so a failure can be replayed.
    @Test func fuzzNeverYieldsAnExtraHeaderLine() async throws {
        var random = SplitMix64(seed: 0x51CA_0015)
        let alphabet: [String] = [
            "a", "Z", "0", " ", " ", ":", "Bcc:", "\r", "\n", "\r\n", "\r\n ", "\u{0}", "\t", "\u{7F}", "\u{85}", "\u{2028}",
            "\u{2029}", "\u{1B}", "é", "ü", "€", "🇹🇬", "\"", "\\", "=?", "?=", "=?UTF-8?B?", "<", ">", ",", ";", "@", "\u{FEFF}", "\u{200D}",
        ]
        var accepted: [(subject: String, name: String, message: MailMessage)] = []
        var refused = 0
        for _ in 0..<400 {
            // Half the values draw from the clean part of the alphabet only, so both outcomes are common.
            func randomText() -> String {
                let pool = random.next() % 2 == 0 ? alphabet : alphabet.filter { !$0.unicodeScalars.contains(where: Self.isControl) }
                return (0..<Int(random.next() % 40)).map { _ in pool[Int(random.next() % UInt64(pool.count))] }.joined()
            }
            let subject = randomText()
            let name = randomText()
            let hasControl = (subject + name).unicodeScalars.contains(where: Self.isControl)
            do {
                let message = try MailMessage(
                    from: Mailbox("notices@sika.test", displayName: name, field: "from"), to: [Mailbox("kofi@example.tg")],
                    subject: subject, date: Samples.date, messageID: MessageID("fuzz@sika.test"), text: "body")
                #expect(!hasControl, "accepted a value with a control character: \(subject.debugDescription) \(name.debugDescription)")
                accepted.append((subject, name, message))
            } catch {
                #expect(hasControl, "refused a clean value: \(subject.debugDescription) \(name.debugDescription): \(error)")
                #expect(error.code == .invalidHeader)
                refused += 1
            }
        }
        #expect(refused > 100 && accepted.count > 50, "the fuzz exercises both outcomes (\(refused) refused, \(accepted.count) accepted)")

        // The accepted ones go through a real session, and the test reads the bytes the client wrote.
        let server = try await ScriptedServer()
        let opening = server.establish()
        try await server.greet()
        let connection = try await opening.value
        for (index, sample) in accepted.enumerated() {
            let outgoing = sample.message
            let sending = Task { try await connection.send(outgoing) }
            if index > 0 {
                try await server.expect("RSET")
                try await server.reply("250 Ok\n")
            }
            try await server.expect("MAIL FROM:<notices@sika.test>")
            try await server.reply("250 Ok\n")
            try await server.expect("RCPT TO:<kofi@example.tg>")
            try await server.reply("250 Ok\n")
            try await server.expect("DATA")
            try await server.reply("354 go\n")
            let wire = try await server.nextWrite()
            try await server.reply("250 Ok\n")
            _ = try await sending.value

            #expect(wire.hasSuffix("\r\n.\r\n"))
            let message = String(wire.dropLast(2))  // ".", CRLF (CRLF is one Character)
            let head = String(message[..<message.range(of: "\r\n\r\n")!.lowerBound])
            let lines = head.components(separatedBy: "\r\n")
            // Every line is a known field or a continuation, printable ASCII, within 78 characters.
            for line in lines {
                #expect(line.utf8.allSatisfy { $0 >= 0x20 && $0 < 0x7F }, "\(line.debugDescription)")
                #expect(line.utf8.count <= 78, "\(line.debugDescription)")
            }
            let fields = lines.filter { !$0.hasPrefix(" ") }.map { String($0.prefix { $0 != ":" }) }
            #expect(fields == Self.expectedFields, "fields: \(fields) for \(sample.subject.debugDescription)")
            let parsed = MIMEReader.split(message)
            #expect(MIMEReader.decodeWords(parsed.header("Subject") ?? "") == sample.subject)
            let from = try #require(parsed.header("From"))
            let decodedFrom = MIMEReader.decodeWords(from)
            if sample.name.isEmpty {
                #expect(from == "<notices@sika.test>")
            } else if from.hasPrefix("=?") {
                #expect(decodedFrom == sample.name + " <notices@sika.test>")
            } else {
                #expect(from.hasPrefix("\""))
                #expect(Self.unquote(String(from.dropLast(" <notices@sika.test>".count))) == sample.name)
            }
        }
        let quitting = Task { await connection.quit() }
        try await server.expect("QUIT")
        try await server.reply("221 Bye\n")
        await quitting.value
    }

    /// The test's own definition, independent of the library's: C0, DEL, C1, and the Unicode line and paragraph
    /// separators.
    static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) || scalar == "\u{2028}" || scalar == "\u{2029}"
    }

    static func unquote(_ quoted: String) -> String {
        var result = ""
        var escaped = false
        for character in quoted.dropFirst().dropLast() {
            if !escaped && character == "\\" {
                escaped = true
                continue
            }
            escaped = false
            result.append(character)
        }
        return result
    }
}

/// A small deterministic generator, so the fuzz is the same on every run.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
