import Yams

extension NodeReader {
    /// The default window when the block does not give one.
    static let defaultResumeWindow = 120

    /// Reads the top-level `resume:` block; every mistake is a diagnostic with its line, so
    /// `sika menus lint` reports it and the menus do not load.
    mutating func resume(_ node: Node, languages: [String]) -> ResumeDefinition? {
        guard let block = mapping(node, "resume") else { return nil }
        checkKeys(block, allowed: ["mode", "window", "text"], in: "resume")
        var mode = ResumePolicy.Mode.ask
        if let modeText = string(block.value("mode"), "resume.mode") {
            if let parsed = ResumePolicy.Mode(rawValue: modeText) {
                mode = parsed
            } else {
                error(.structure, block.value("mode"), "resume.mode must be off, ask or silent, not '\(modeText)'")
            }
        }
        var window = Self.defaultResumeWindow
        if let windowNode = block.value("window"), let windowText = string(windowNode, "resume.window") {
            let digits = windowText.hasSuffix("s") ? String(windowText.dropLast()) : windowText
            if let seconds = Int(digits), (1...ResumePolicy.maxWindowSeconds).contains(seconds) {
                window = seconds
            } else {
                error(
                    .structure, windowNode,
                    "resume.window must be 1 to \(ResumePolicy.maxWindowSeconds) seconds (`120` or `120s`), not '\(windowText)'")
            }
        }
        let text = block.value("text").flatMap { localizedText($0, "resume.text") }
        if mode == .ask {
            if let text {
                for language in languages where text.template(for: language) == nil {
                    error(.missingTranslation, at: text.location, "resume.text has no '\(language)' text")
                }
                for (language, template, location) in text.all {
                    guard let literal = template.plainText else {
                        error(.template, at: location, "resume.text (\(language)) must be plain text: no {{…}}")
                        continue
                    }
                    if !GSM7.isEncodable(literal) {
                        error(.nonGSMCharacter, at: location, "resume.text (\(language)) has characters outside GSM 03.38")
                    } else if let septets = GSM7.septets(literal), septets > GSM7.pageLimit {
                        error(.screenTooLong, at: location, "resume.text (\(language)) is \(septets) characters, above one page (\(GSM7.pageLimit))")
                    }
                    if !literal.contains("\(ResumePolicy.yes).") || !literal.contains("\(ResumePolicy.no).") {
                        error(.structure, at: location, "resume.text (\(language)) must offer 1. (resume) and 2. (start afresh)")
                    }
                }
            } else {
                error(.structure, node, "resume.mode ask needs resume.text (the question, in every language)")
            }
        }
        return ResumeDefinition(mode: mode, windowSeconds: window, text: text, location: location(node))
    }
}

extension Template {
    /// The text of a template without placeholders or includes; nil otherwise.
    var plainText: String? {
        var text = ""
        for segment in segments {
            guard case .literal(let part) = segment else { return nil }
            text += part
        }
        return text
    }
}
