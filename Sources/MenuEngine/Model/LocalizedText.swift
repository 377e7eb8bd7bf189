/// A text as written in a menu file: either one template for every language, or one per language.
struct LocalizedText: Sendable {
    /// Templates by language code; the key `*` holds a language-neutral text.
    var templates: [String: Template]
    /// Where each language's text is, for diagnostics.
    var locations: [String: SourceLocation]
    /// Where the whole text is.
    var location: SourceLocation

    /// The key of a language-neutral text (a plain string in YAML).
    static let neutral = "*"

    var isNeutral: Bool { templates.keys.contains(Self.neutral) }

    /// The template for `language`, the neutral one, or none.
    func template(for language: String) -> Template? {
        templates[language] ?? templates[Self.neutral]
    }

    /// Each template with its language and location.
    var all: [(language: String, template: Template, location: SourceLocation)] {
        templates.sorted { $0.key < $1.key }.map { ($0.key, $0.value, locations[$0.key] ?? location) }
    }

    /// The same text with each language's template transformed (`transform` gets the language and where it is).
    func mapTemplates(_ transform: (String, Template, SourceLocation) -> Template) -> LocalizedText {
        var copy = self
        for (language, template) in templates {
            copy.templates[language] = transform(language, template, locations[language] ?? location)
        }
        return copy
    }
}
