/// A Message-ID, `<left@right>` (RFC 5322 §3.6.4), supplied by the caller and stable for one notice, so that a
/// receiver can drop the second copy of a message that SMTP's at-least-once delivery sent twice.
public struct MessageID: Sendable, Hashable, CustomStringConvertible {
    /// `left@right`, without the angle brackets.
    public let value: String

    /// Accepts `<left@right>` or `left@right`; both sides must be dot-atom text (so no spaces, brackets or
    /// control characters), 250 characters in all at most.
    public init(_ id: String) throws(SMTPError) {
        var text = Substring(id)
        if text.hasPrefix("<") && text.hasSuffix(">") && text.count >= 2 {
            text = text.dropFirst().dropLast()
        }
        let bytes = Array(text.utf8)
        guard bytes.count <= 250, let at = bytes.lastIndex(of: UInt8(ascii: "@")),
            EmailAddress.isDotAtom(bytes[..<at]), EmailAddress.isDotAtom(bytes[(at + 1)...])
        else {
            throw SMTPError(.invalidMessageID, "a Message-ID must look like <unique-part@domain>", field: "messageID")
        }
        self.value = String(text)
    }

    /// `<left@right>`, as in the header.
    public var description: String { "<\(value)>" }
}
