/// What the host sends: each notice and phrase it renders, with the variables it passes to it.
///
/// Given to ``MenuLinter`` and ``NoticeBook``, it makes a notice the host needs but the file lacks, a
/// notice the host never sends, and a declared variable the host does not pass, errors.
public struct NoticeRequirements: Sendable, Hashable {
    /// Notice key → the variables the host passes.
    public var notices: [String: Set<String>]
    /// Phrase key → the variables the host passes.
    public var phrases: [String: Set<String>]

    /// Requirements.
    public init(notices: [String: Set<String>], phrases: [String: Set<String>] = [:]) {
        self.notices = notices
        self.phrases = phrases
    }
}
