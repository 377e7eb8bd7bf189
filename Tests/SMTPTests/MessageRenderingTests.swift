import Foundation
import TestSupport
import Testing

@testable import SMTP

/// The bytes of a built message, read back with an independent reader.
@Suite struct MessageRenderingTests {
    @Test func plainASCIIMessageExactly() throws {
        let message = try Samples.message(subject: "Transfer received", text: "You received 5000 FCFA.\nRef: TX-1\n")
        let text = String(decoding: message.rendered(), as: UTF8.self)
        #expect(
            text == """
                Date: Mon, 01 Dec 2025 18:56:27 +0000\r
                From: "Sika" <notices@sika.test>\r
                To: <kofi@example.tg>\r
                Subject: Transfer received\r
                Message-ID: <notice-42@sika.test>\r
                MIME-Version: 1.0\r
                Content-Type: text/plain; charset=utf-8\r
                Content-Transfer-Encoding: quoted-printable\r
                \r
                You received 5000 FCFA.\r
                Ref: TX-1\r
                \r

                """)
    }

    @Test func multipartAlternativeWithBothParts() throws {
        let textBody = "Vous avez reçu 5 000 FCFA de Kofi.\nRéférence : TX-7\n"
        let htmlBody = "<p>Vous avez reçu <b>5 000 FCFA</b>.</p>\n<p>Réf = TX-7</p>"
        let message = try MailMessage(
            from: Mailbox("notices@sika.test", displayName: "Sika Mobile Money"),
            to: [Mailbox("ama@example.tg", displayName: "Ama Mensah"), Mailbox("kofi@example.tg", displayName: "Kofi Agbéko")],
            subject: "Reçu de transfert", date: Samples.date, messageID: MessageID("<tx-7@sika.test>"), text: textBody, html: htmlBody)
        let rendered = String(decoding: message.rendered(), as: UTF8.self)
        let top = MIMEReader.split(rendered)
        #expect(top.header("MIME-Version") == "1.0")
        #expect(MIMEReader.decodeWords(top.header("Subject") ?? "") == "Reçu de transfert")
        #expect(MIMEReader.decodeWords(top.header("To") ?? "") == "\"Ama Mensah\" <ama@example.tg>, Kofi Agbéko <kofi@example.tg>")
        let contentType = try #require(top.header("Content-Type"))
        #expect(contentType.hasPrefix("multipart/alternative;"))
        let boundary = try #require(MIMEReader.boundary(of: contentType))
        let parts = MIMEReader.parts(of: top.body, boundary: boundary)
        try #require(parts.count == 2)
        #expect(parts[0].header("Content-Type") == "text/plain; charset=utf-8")
        #expect(parts[1].header("Content-Type") == "text/html; charset=utf-8")
        #expect(parts.allSatisfy { $0.header("Content-Transfer-Encoding") == "quoted-printable" })
        let decodedText = String(decoding: MIMEReader.decodeQuotedPrintable(parts[0].body), as: UTF8.self)
        let decodedHTML = String(decoding: MIMEReader.decodeQuotedPrintable(parts[1].body), as: UTF8.self)
        #expect(decodedText == textBody.replacingOccurrences(of: "\n", with: "\r\n"))
        #expect(decodedHTML == htmlBody.replacingOccurrences(of: "\n", with: "\r\n"))
        #expect(rendered.hasSuffix("--" + boundary + "--\r\n"))
        #expect(message.rendered() == message.rendered(), "the same notice renders to the same bytes")
    }

    @Test func longAndAwkwardSubjectsFoldAndRoundTrip() throws {
        let subjects = [
            String(repeating: "word ", count: 40) + "end",
            "Spaces  doubled   and trailing ",
            "Looks like =?UTF-8?B?SGk=?= but is not",
            String(repeating: "é", count: 200),
            "👨‍👩‍👧‍👦 family " + String(repeating: "🇹🇬", count: 30),
            "a" + String(repeating: "\u{301}", count: 50),  // one grapheme longer than an encoded-word can hold
            String(repeating: "x", count: 120),
        ]
        for subject in subjects {
            let message = try Samples.message(subject: subject)
            let rendered = String(decoding: message.rendered(), as: UTF8.self)
            let head = String(rendered[..<rendered.range(of: "\r\n\r\n")!.lowerBound])
            for line in head.components(separatedBy: "\r\n") {
                #expect(line.utf8.count <= 78, "line too long: \(line)")
                #expect(!line.trimmingCharacters(in: .whitespaces).isEmpty, "a folded line is only white space")
            }
            let value = try #require(MIMEReader.split(rendered).header("Subject"))
            #expect(MIMEReader.decodeWords(value) == subject)
        }
    }

    @Test func quotedPrintableKeepsLinesShortAndEveryByte() throws {
        let bodies = [
            String(repeating: "a", count: 300),
            String(repeating: "é", count: 100) + " \n trailing space \n\ttab\t",
            "equals = signs == everywhere=\r\nwindows\rold mac\nunix",
            String(repeating: "x", count: 74) + "= \n" + String(repeating: "y", count: 75) + " ",
            "\u{0}\u{1}nul and control\u{7F}",
            ".\n..\n.leading",
        ]
        for body in bodies {
            let encoded = QuotedPrintable.encode(body)
            for line in encoded.components(separatedBy: "\r\n") {
                #expect(line.utf8.count <= 76, "QP line too long: \(line)")
                #expect(!line.hasSuffix(" ") && !line.hasSuffix("\t"), "trailing white space must be encoded")
                #expect(line.utf8.allSatisfy { ($0 >= 0x20 && $0 < 0x7F) || $0 == 0x09 }, "QP output is printable ASCII (and tab)")
            }
            #expect(!encoded.contains("=_"), "the boundary prefix never occurs in QP output")
            let normalised = body.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
                .replacingOccurrences(of: "\n", with: "\r\n")
            #expect(MIMEReader.decodeQuotedPrintable(encoded) == Array(normalised.utf8))
        }
    }

    @Test func datesAreUTCAndLocaleFree() {
        #expect(RFC5322Date.format(Date(timeIntervalSince1970: 0)) == "Thu, 01 Jan 1970 00:00:00 +0000")
        #expect(RFC5322Date.format(Date(timeIntervalSince1970: 951_782_400)) == "Tue, 29 Feb 2000 00:00:00 +0000")
        #expect(RFC5322Date.format(Date(timeIntervalSince1970: 4_102_444_799.9)) == "Thu, 31 Dec 2099 23:59:59 +0000")
        #expect(RFC5322Date.format(Date(timeIntervalSince1970: -1)) == "Wed, 31 Dec 1969 23:59:59 +0000")
        // Against Foundation's own formatter for a spread of instants.
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss '+0000'"
        for step in 0..<200 {
            let date = Date(timeIntervalSince1970: Double(step) * 7_654_321.0 + 12_345)
            #expect(RFC5322Date.format(date) == formatter.string(from: date))
        }
    }

    @Test func envelopeRecipientsAreToThenCcOnce() throws {
        let message = try MailMessage(
            from: Mailbox("a@sika.test"), to: [Mailbox("b@x.tg"), Mailbox("c@x.tg")], cc: [Mailbox("b@x.tg"), Mailbox("d@x.tg")],
            subject: "s", date: Samples.date, messageID: MessageID("1@sika.test"), text: "t")
        #expect(message.recipients.map(\.description) == ["b@x.tg", "c@x.tg", "d@x.tg"])
        let head = MIMEReader.split(String(decoding: message.rendered(), as: UTF8.self))
        #expect(head.header("Cc") == "<b@x.tg>, <d@x.tg>")
        #expect(throws: SMTPError.self) {
            try MailMessage(from: Mailbox("a@sika.test"), to: [], subject: "s", date: Samples.date, messageID: MessageID("1@x"), text: "")
        }
    }
}
