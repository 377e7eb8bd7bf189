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

    private func render(_ templates: [Template], _ language: String, _ values: [String: String]) -> String {
        let index = languageIndex[language] ?? 0
        return templates[index].render(RenderContext(variables: values, currency: currency, rules: rules))
    }
}
