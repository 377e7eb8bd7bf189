import Yams

extension NodeReader {
    /// The `languages:` list of a menu or notices file (default `[fr]`): each a language code, none twice, at least
    /// one; a mistake is reported at its item, an empty list at `empty`.
    mutating func languages(_ mapping: Node.Mapping, empty: Node?) -> [String] {
        var languages: [String] = []
        for (index, language) in (stringList(mapping.value("languages"), "languages") ?? ["fr"]).enumerated() {
            let node = mapping.value("languages")?.sequence?[index]
            if !Self.isLanguageCode(language) {
                error(.structure, node, "languages: '\(language)' is not a language code (fr, en…)")
            } else if languages.contains(language) {
                error(.structure, node, "languages: '\(language)' is listed twice")
            } else {
                languages.append(language)
            }
        }
        if languages.isEmpty { error(.structure, empty, "languages must name at least one language") }
        return languages
    }
}
