import Yams

/// The notices file (`menus/receipts.yaml`) as written: every message the host sends outside a session
/// (SMS receipts and their e-mail twins), per language, in the screens' template language.
///
/// ```yaml
/// languages: [fr, en]          # every text needs each of them; the first is the default
/// currency: FCFA               # what `| money` writes after an amount
/// notices:
///   transfer_sent:
///     variables: [amount, fee, party]   # what the host passes; a text may use no other
///     sms: { fr: "Transfert de {{amount | money}} a {{party}}...", en: "You sent {{amount | money}}..." }
///     email:                   # optional per notice, unless the host says it sends it by e-mail
///       subject: { fr: "Transfert de {{amount | money}}", en: "You sent {{amount | money}}" }
///       text: { fr: "...", en: "..." }    # the plain-text part
///       html: { fr: "<p>...</p>", en: "<p>...</p>" }   # values are HTML-escaped when rendered here
/// phrases:                     # pieces the host renders and passes to a notice as a variable
///   refusal_unavailable:
///     variables: [network]
///     text: { fr: "{{network}} indisponible", en: "{{network}} is unavailable" }
/// ```
/// A notice has one entry per channel: `sms:` (one text) and `email:` (three: subject, text, html). The
/// variables, languages and checks are the same for every channel; only SMS texts are held to GSM 03.38.
struct NoticeFile: Sendable {
    /// One notice or phrase.
    struct Entry: Sendable {
        var key: String
        var location: SourceLocation
        /// The variables the host passes to it, as declared.
        var variables: [String]
        var variablesLocation: SourceLocation
        /// Its texts by part: `sms`, `email.subject`, `email.text`, `email.html` for a notice, `text` for a phrase.
        var parts: [(name: String, text: LocalizedText)]

        func part(_ name: String) -> LocalizedText? { parts.first { $0.name == name }?.text }
    }

    /// A notice's channels (each a text, or for `email` three texts, in every language).
    static let channelKeys: Set<String> = ["sms", "email"]
    /// The parts of an `email:` entry, all required.
    static let emailParts = ["subject", "text", "html"]
    static let fileKeys: Set<String> = ["languages", "currency", "notices", "phrases"]

    var languages: [String]
    var currency: String
    var notices: [Entry]
    var phrases: [Entry]
    var file: String
    var location: SourceLocation
}

extension NodeReader {
    /// The notices file in `root`.
    mutating func noticeFile(_ root: Node, _ mapping: Node.Mapping) -> NoticeFile? {
        checkKeys(mapping, allowed: NoticeFile.fileKeys, in: "the notices file")
        let languages = languages(mapping, empty: mapping.value("languages") ?? root)
        let notices = entries(mapping.value("notices"), "notices", parts: NoticeFile.channelKeys, required: nil)
        let phrases = entries(mapping.value("phrases"), "phrases", parts: ["text"], required: "text")
        return NoticeFile(
            languages: languages.isEmpty ? ["fr"] : languages,
            currency: string(mapping.value("currency"), "currency") ?? "FCFA",
            notices: notices,
            phrases: phrases,
            file: file,
            location: location(root)
        )
    }

    private mutating func entries(_ node: Node?, _ what: String, parts allowed: Set<String>, required: String?) -> [NoticeFile.Entry] {
        guard let node, let mapping = self.mapping(node, what) else { return [] }
        var result: [NoticeFile.Entry] = []
        for (key, keyNode, value) in namedPairs(mapping, what) {
            let name = "\(what == "notices" ? "notice" : "phrase") '\(key)'"
            guard let body = self.mapping(value, name) else { continue }
            checkKeys(body, allowed: allowed.union(["variables"]), in: name)
            let variables = identifierList(body.value("variables"), "variables of \(name)")
            if body.value("variables") == nil { error(.structure, keyNode, "\(name) needs 'variables:' (what the host passes, [] for none)") }
            var parts: [(String, LocalizedText)] = []
            for part in allowed.sorted() {
                if part == "email" {
                    parts += emailParts(body.value(part), name)
                } else if let text = localizedText(body.value(part), "\(name) \(part)") {
                    parts.append((part, text))
                }
            }
            if parts.isEmpty {
                let expected = required ?? allowed.sorted().joined(separator: ", ")
                error(.structure, keyNode, "\(name) needs a text: \(expected)")
            }
            result.append(
                NoticeFile.Entry(
                    key: key, location: location(keyNode), variables: variables ?? [],
                    variablesLocation: location(body.value("variables") ?? keyNode), parts: parts))
        }
        return result
    }

    /// An `email:` entry's subject, text and html, each `email.<part>`; every part is required.
    private mutating func emailParts(_ node: Node?, _ name: String) -> [(String, LocalizedText)] {
        guard let node, let mapping = self.mapping(node, "\(name) email") else { return [] }
        checkKeys(mapping, allowed: Set(NoticeFile.emailParts), in: "\(name) email")
        var parts: [(String, LocalizedText)] = []
        for part in NoticeFile.emailParts {
            guard let value = mapping.value(part) else {
                error(.structure, node, "\(name) email needs '\(part):'")
                continue
            }
            if let text = localizedText(value, "\(name) email \(part)") { parts.append(("email.\(part)", text)) }
        }
        return parts
    }
}
