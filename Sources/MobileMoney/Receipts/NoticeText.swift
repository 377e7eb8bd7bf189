/// One notice rendered for a subscriber: its SMS text, with what its e-mail twin is rendered from (the same
/// notice, language and values), so the two can never report different amounts or references.
public struct NoticeText: Sendable, Hashable {
    /// The notice key of `menus/receipts.yaml` (`transfer_sent`…).
    public let notice: String
    public let language: Language
    /// The template variables, as the SMS got them.
    let values: [String: String]
    /// The SMS text.
    public let sms: String
}
