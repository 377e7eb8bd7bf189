import Foundation

/// The notices of a notices file, checked and compiled once: rendering one is filling its template.
///
/// Texts use the screens' template language and filters (`{{amount | money}}`…) with the host's rules;
/// the file format is described in ``NoticeFile``. Loading refuses what `sika menus lint` reports as an
/// error, so a host that loads its notices at start never sends a broken one.
public struct NoticeBook: Sendable {
    /// The languages, the default first.
    public let languages: [String]
    private let languageIndex: [String: Int]
    private let currency: String
    private let rules: HostRules
    /// Templates by notice key and channel, one per language index.
    private let notices: [String: [String: [Template]]]
    private let phrases: [String: [Template]]

    /// Loads and checks a notices file; with `requirements`, every notice and phrase the host sends
    /// must be there, with no variable the host does not pass.
    public static func load(contentsOf url: URL, requirements: NoticeRequirements? = nil, rules: HostRules = .plain) throws(MenuError)
        -> NoticeBook
    {
        let yaml: String
        do {
            yaml = try String(contentsOf: url, encoding: .utf8)
        } catch {
            throw MenuError(.unreadable, "cannot read \(url.path): \(error.localizedDescription)")
        }
        return try NoticeBook(yaml: yaml, file: url.lastPathComponent, requirements: requirements, rules: rules)
    }

    /// Parses and checks the text of a notices file; `file` names it in diagnostics.
    public init(yaml: String, file: String = "receipts.yaml", requirements: NoticeRequirements? = nil, rules: HostRules = .plain)
        throws(MenuError)
    {
        let (parsed, found) = MenuFileParser.parse(yaml: yaml, file: file)
        var diagnostics = found
        guard case .notices(let definition)? = parsed else {
            diagnostics.append(Diagnostic(.error, .structure, at: SourceLocation(file: file, line: 1), "a notices file needs a top-level 'notices:'"))
            throw MenuError(.invalidMenus, "\(file) does not load", diagnostics: diagnostics.filter { $0.severity == .error })
        }
        var lint = NoticeLint(file: definition, requirements: requirements)
        lint.run()
        diagnostics += lint.diagnostics
        let errors = diagnostics.filter { $0.severity == .error }
        if !errors.isEmpty { throw MenuError(.invalidMenus, "\(file) does not load (\(errors.count) error(s))", diagnostics: errors) }
        languages = definition.languages
        languageIndex = Dictionary(definition.languages.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
        currency = definition.currency
        self.rules = rules
        let perLanguage = { (text: LocalizedText) in definition.languages.map { text.template(for: $0) ?? Template(literal: "") } }
        notices = Dictionary(
            definition.notices.map { entry in
                (entry.key, Dictionary(entry.parts.map { ($0.name, perLanguage($0.text)) }, uniquingKeysWith: { a, _ in a }))
            },
            uniquingKeysWith: { first, _ in first })
        phrases = Dictionary(
            definition.phrases.compactMap { entry in entry.part("text").map { (entry.key, perLanguage($0)) } },
            uniquingKeysWith: { first, _ in first })
    }

    /// The keys of the notices, sorted.
    public var noticeKeys: [String] { notices.keys.sorted() }
    /// The keys of the phrases, sorted.
    public var phraseKeys: [String] { phrases.keys.sorted() }

    /// The SMS text of `notice` in `language` (the default language when the file has not got it), or
    /// `nil` when the file has no such notice.
    public func sms(_ notice: String, language: String, values: [String: String]) -> String? {
        notices[notice]?["sms"].map { render($0, language, values) }
    }

    /// The SMS text of `notice` in `language` with `values` filled in now and its other variables left open
    /// for ``PreparedNotice/render(_:)``; `nil` when the file has no such notice.
    public func preparedSMS(_ notice: String, language: String, values: [String: String]) -> PreparedNotice? {
        notices[notice]?["sms"].map { prepare($0, language, values) }
    }

    /// The e-mail of `notice` in `language` (the default language when the file has not got it), or `nil`
    /// when the notice has no `email:` entry.
    ///
    /// The same values as the SMS, so the reference and amounts read exactly as in it. In the HTML part every
    /// value is HTML-escaped; in the subject every control character (a line break from a value another
    /// network gave) becomes a space, so no value can add a header or markup.
    public func email(_ notice: String, language: String, values: [String: String]) -> NoticeEmail? {
        guard let parts = notices[notice], let subject = parts["email.subject"], let text = parts["email.text"],
            let html = parts["email.html"]
        else { return nil }
        let oneLine = String(String.UnicodeScalarView(render(subject, language, values).unicodeScalars.map { Self.isLineBreaking($0) ? " " : $0 }))
        return NoticeEmail(subject: oneLine, text: render(text, language, values), html: render(html, language, values, escapesHTML: true))
    }

    /// Whether the file has an e-mail for `notice`.
    public func hasEmail(_ notice: String) -> Bool { notices[notice]?["email.subject"] != nil }

    /// The text of `phrase` in `language`, or `nil` when the file has no such phrase.
    public func phrase(_ phrase: String, language: String, values: [String: String] = [:]) -> String? {
        phrases[phrase].map { render($0, language, values) }
    }

    private func prepare(_ templates: [Template], _ language: String, _ values: [String: String]) -> PreparedNotice {
        let index = languageIndex[language] ?? 0
        let context = RenderContext(variables: values, currency: currency, rules: rules)
        let template = templates[index].substituting { values[$0.path] == nil ? nil : context.value(of: $0) }
        return PreparedNotice(template: template, currency: currency, rules: rules)
    }

    private func render(_ templates: [Template], _ language: String, _ values: [String: String], escapesHTML: Bool = false) -> String {
        let index = languageIndex[language] ?? 0
        var context = RenderContext(variables: values, currency: currency, rules: rules)
        context.escapesHTML = escapesHTML
        return templates[index].render(context)
    }

    /// Control characters (C0, DEL, C1) and the Unicode line and paragraph separators: what may not be in a
    /// header line, whatever a mail reader counts as a line break.
    static func isLineBreaking(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x00...0x1F, 0x7F...0x9F, 0x2028, 0x2029: true
        default: false
        }
    }
}
