#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

extension MailMessage {
    /// The message as it goes into DATA, before dot-stuffing: header fields, a blank line, the body; every line
    /// ends with CRLF and none is longer than 998 octets.
    public func rendered() -> [UInt8] {
        var lines: [String] = []
        lines.append("Date: " + RFC5322Date.format(date))
        lines.append(Self.addressField("From", [from]))
        if !to.isEmpty { lines.append(Self.addressField("To", to)) }
        if !cc.isEmpty { lines.append(Self.addressField("Cc", cc)) }
        if let replyTo { lines.append(Self.addressField("Reply-To", [replyTo])) }
        lines.append(HeaderFolder.field("Subject", words: Self.unstructuredWords(subject)))
        lines.append("Message-ID: \(messageID)")
        lines.append("MIME-Version: 1.0")
        if let htmlBody {
            let boundary = boundary
            lines.append("Content-Type: multipart/alternative; boundary=\"\(boundary)\"")
            lines.append("")
            lines.append("--" + boundary)
            lines.append(contentsOf: Self.part(type: "text/plain", body: textBody))
            lines.append("--" + boundary)
            lines.append(contentsOf: Self.part(type: "text/html", body: htmlBody))
            lines.append("--" + boundary + "--")
        } else {
            lines.append(contentsOf: Self.part(type: "text/plain", body: textBody))
        }
        return Array((lines.joined(separator: "\r\n") + "\r\n").utf8)
    }

    /// `=_` cannot occur in quoted-printable output or in the part headers, so this boundary cannot collide with
    /// the content; it is derived from the Message-ID so that the same notice renders to the same bytes.
    var boundary: String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325  // FNV-1a
        for byte in messageID.value.utf8 {
            hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3
        }
        let hex = String(hash, radix: 16)
        return "=_sika_" + String(repeating: "0", count: 16 - hex.count) + hex
    }

    private static func part(type: String, body: String) -> [String] {
        [
            "Content-Type: \(type); charset=utf-8",
            "Content-Transfer-Encoding: quoted-printable",
            "",
            QuotedPrintable.encode(body),
        ]
    }

    /// `To: "Ama Mensah" <ama@example.tg>, =?UTF-8?B?…?= <kofi@example.tg>`, folded between words.
    static func addressField(_ name: String, _ mailboxes: [Mailbox]) -> String {
        var words: [String] = []
        for (index, mailbox) in mailboxes.enumerated() {
            if let displayName = mailbox.displayName {
                words.append(contentsOf: phraseWords(displayName))
            }
            words.append("<\(mailbox.address)>" + (index < mailboxes.count - 1 ? "," : ""))
        }
        return HeaderFolder.field(name, words: words)
    }

    /// A display name as a quoted string when it is short printable ASCII, otherwise as encoded-words.
    static func phraseWords(_ name: String) -> [String] {
        if EncodedWord.isPlainSafe(name) && name.utf8.count <= 60 {
            var quoted = "\""
            for character in name {
                if character == "\"" || character == "\\" { quoted.append("\\") }
                quoted.append(character)
            }
            return [quoted + "\""]
        }
        return EncodedWord.encode(name)
    }

    /// A subject as its own words when it is plain printable ASCII, otherwise as encoded-words.
    static func unstructuredWords(_ text: String) -> [String] {
        if text.isEmpty { return [] }
        if EncodedWord.isPlainSafe(text) {
            return text.split(separator: " ", omittingEmptySubsequences: false).map(String.init)
        }
        return EncodedWord.encode(text)
    }
}
