/// What the phone shows: one USSD page of at most 182 GSM-7 septets.
public struct Reply: Sendable, Hashable, Codable {
    /// The page, already GSM-7 (see ``GSM7``).
    public var text: String
    /// `true` for `END` (the session is over), `false` for `CON` (an answer is expected).
    public var isFinal: Bool

    /// A reply.
    public init(text: String, isFinal: Bool) {
        self.text = text
        self.isFinal = isFinal
    }
}
