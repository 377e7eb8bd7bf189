import Foundation
import Ledger
import MobileMoney
import SMTP
import TestSupport
import Testing

/// What the API accepts as an address and a display name can always be sent, and never adds a header: random
/// values salted with line breaks, control characters, quotes, angle brackets and encoded-word markers are either
/// refused (naming the field) or render to exactly the expected header fields. Seeded, so a failure replays.
@Suite struct EmailContactFuzzTests {
    static let addressPieces = [
        "ama", "kofi.a", "x+tag", "@", "example.com", "tmoney.example", ".", "-", " ", "\r\n", "\n", "\u{0}", ">", "<", "\"", ",", "é",
        "Bcc:", "=?", "a@b.c\r\nBcc: v@x.y",
    ]
    static let namePieces = [
        "Ama", " ", "Mensah", "d'Almeida", "\"", "\\", "<", ">", ",", ";", ":", "@", "é", "🇹🇬", "\r", "\n", "\r\nBcc: v@x.y", "\u{0}", "\t",
        "\u{85}", "\u{2028}", "=?", "?=", "=?UTF-8?Q?=0D=0A?=",
    ]

    @Test func acceptedContactsRenderToExactlyTheExpectedFields() throws {
        var random = SplitMix64(seed: 0x5EED_0015)
        var accepted = 0
        var refused = 0
        for _ in 0..<600 {
            let address =
                random.next() % 3 == 0
                ? "ama\(random.next() % 100)@example.com"
                : (0..<Int(1 + random.next() % 6)).map { _ in Self.addressPieces[Int(random.next() % UInt64(Self.addressPieces.count))] }.joined()
            let name: String? =
                random.next() % 4 == 0
                ? nil
                : (0..<Int(1 + random.next() % 5)).map { _ in Self.namePieces[Int(random.next() % UInt64(Self.namePieces.count))] }.joined()
            let problems = EmailContact.problems(address: address, displayName: name)
            guard let contact = try? EmailContact(address: address, displayName: name) else {
                #expect(!problems.isEmpty, "refused without a reason: \(address.debugDescription) \(String(describing: name).debugDescription)")
                refused += 1
                continue
            }
            accepted += 1
            #expect(problems.isEmpty)
            for value in [contact.address, contact.displayName ?? ""] {
                #expect(
                    !value.unicodeScalars.contains { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) || $0 == "\u{2028}" || $0 == "\u{2029}" })
            }
            let message = try MailMessage(
                from: Mailbox("notices@sika.test"), to: [Mailbox(contact.address, displayName: contact.displayName, field: "to")],
                subject: "Notice", date: Date(timeIntervalSince1970: 0), messageID: MessageID("fuzz@sika.test"), text: "body")
            let head = String(decoding: message.rendered(), as: UTF8.self).components(separatedBy: "\r\n\r\n")[0]
            let lines = head.components(separatedBy: "\r\n")
            #expect(lines.allSatisfy { $0.utf8.allSatisfy { $0 >= 0x20 && $0 < 0x7F } && $0.utf8.count <= 78 }, "\(lines)")
            let fields = lines.filter { !$0.hasPrefix(" ") }.map { String($0.prefix { $0 != ":" }) }
            #expect(fields == ["Date", "From", "To", "Subject", "Message-ID", "MIME-Version", "Content-Type", "Content-Transfer-Encoding"])
            let to = MIMEReader.decodeWords(MIMEReader.split(head + "\r\n\r\n").header("To") ?? "")
            #expect(to.hasSuffix("<\(contact.address)>"), "\(to)")
        }
        #expect(accepted > 50 && refused > 100, "the fuzz exercises both outcomes (\(accepted) accepted, \(refused) refused)")
    }
}
