/// What the host sends: each notice and phrase it renders, with the variables it passes to it, and the
/// channels it sends each notice by.
///
/// Given to ``MenuLinter`` and ``NoticeBook``, it makes a notice the host needs but the file lacks, a
/// notice the host never sends, a declared variable the host does not pass, and a channel the host sends a
/// notice by that the notice has no text for, errors.
public struct NoticeRequirements: Sendable, Hashable {
    /// Notice key → the variables the host passes.
    public var notices: [String: Set<String>]
    /// Phrase key → the variables the host passes.
    public var phrases: [String: Set<String>]
    /// Notice key → the channels (`sms`, `email`) the host sends it by, each of which it must have. A notice
    /// not named here needs at least one channel, any.
    public var channels: [String: Set<String>]

    /// Requirements.
    public init(notices: [String: Set<String>], phrases: [String: Set<String>] = [:], channels: [String: Set<String>] = [:]) {
        self.notices = notices
        self.phrases = phrases
        self.channels = channels
    }
}
