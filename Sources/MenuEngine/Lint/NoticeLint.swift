/// The checks of a notices file: every text in every language, SMS texts in GSM 03.38 characters only (one
/// character outside it turns a 160-septet SMS into 70-character UCS-2 parts), e-mail subjects on one line,
/// using only the variables its entry declares; and, given what the host sends, no notice missing, unknown,
/// fed a variable the host does not pass, or without a text for a channel the host sends it by.
struct NoticeLint {
    let file: NoticeFile
    let requirements: NoticeRequirements?
    private(set) var diagnostics: [Diagnostic] = []

    init(file: NoticeFile, requirements: NoticeRequirements?) {
        self.file = file
        self.requirements = requirements
    }

    mutating func error(_ kind: Diagnostic.Kind, _ location: SourceLocation, _ message: String) {
        diagnostics.append(Diagnostic(.error, kind, at: location, message))
    }

    mutating func run() {
        check(file.notices, "notice", required: requirements?.notices)
        check(file.phrases, "phrase", required: requirements?.phrases)
        checkChannels()
    }

    /// Every notice has a text for each channel the host sends it by.
    private mutating func checkChannels() {
        guard let channels = requirements?.channels else { return }
        for entry in file.notices {
            let present = Set(entry.parts.map { $0.name.split(separator: ".").first.map(String.init) ?? $0.name })
            for channel in (channels[entry.key] ?? []).sorted() where !present.contains(channel) {
                error(.missingChannel, entry.location, "notice '\(entry.key)' has no '\(channel):' text, and the host sends it by \(channel)")
            }
        }
    }

    private mutating func check(_ entries: [NoticeFile.Entry], _ what: String, required: [String: Set<String>]?) {
        for entry in entries {
            let name = "\(what) '\(entry.key)'"
            let declared = Set(entry.variables)
            if let required {
                if let passed = required[entry.key] {
                    for variable in entry.variables where !passed.contains(variable) {
                        error(
                            .unknownVariable, entry.variablesLocation,
                            "\(name) declares '\(variable)', which the host does not pass (it passes: \(passed.sorted().joined(separator: ", ")))")
                    }
                } else {
                    error(.unknownNotice, entry.location, "\(name) is not one the host sends (\(required.keys.sorted().joined(separator: ", ")))")
                }
            }
            for (part, text) in entry.parts {
                if !text.isNeutral {
                    for language in file.languages where text.templates[language] == nil {
                        error(.missingTranslation, text.location, "\(name) \(part) has no '\(language)' text")
                    }
                }
                for (language, template, location) in text.all {
                    let bad = part == "sms" ? GSM7.unencodableCharacters(in: template.literalText) : []
                    if !bad.isEmpty {
                        let list = bad.map { "'\($0)'" }.joined(separator: ", ")
                        error(.nonGSMCharacter, location, "\(name) \(part) (\(language)) has characters outside GSM 03.38: \(list)")
                    }
                    if part == "email.subject", template.literalText.unicodeScalars.contains(where: NoticeBook.isLineBreaking) {
                        error(.headerText, location, "\(name) \(part) (\(language)) must be one line, without control characters")
                    }
                    for key in template.includes {
                        error(.unknownText, location, "\(name) \(part) (\(language)) includes '{{@\(key)}}': notices have no shared texts")
                    }
                    for reference in template.variables where !declared.contains(reference.path) {
                        error(
                            .unknownVariable, location,
                            "\(name) \(part) (\(language)) uses '\(reference.path)', which its variables do not declare")
                    }
                }
            }
        }
        guard let required else { return }
        let present = Set(entries.map(\.key))
        for key in required.keys.sorted() where !present.contains(key) {
            error(.missingNotice, file.location, "the host sends \(what) '\(key)', which \(file.file) does not define")
        }
    }
}
