/// What a phone shows after a dial or an answer.
public struct Screen: Sendable, Hashable, CustomStringConvertible {
    /// The text on the screen.
    public var text: String
    /// `true` when the session ended with it (USSD `END`), `false` for `CON`.
    public var isFinal: Bool

    /// A screen.
    public init(text: String, isFinal: Bool) {
        self.text = text
        self.isFinal = isFinal
    }

    /// `CON …` or `END …`, newlines shown as `\n`, as in the line protocol.
    public var description: String {
        (isFinal ? "END " : "CON ") + text.replacingOccurrences(of: "\n", with: "\\n")
    }
}
