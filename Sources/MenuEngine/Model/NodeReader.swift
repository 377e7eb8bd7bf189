import Yams

/// Reads Yams nodes into the menu model, collecting diagnostics with file and line instead of
/// stopping at the first problem, so the linter can report every mistake of a file at once.
struct NodeReader {
    let file: String
    private(set) var diagnostics: [Diagnostic] = []

    init(file: String) {
        self.file = file
    }

    func location(_ node: Node?) -> SourceLocation {
        SourceLocation(file: file, line: node?.mark?.line ?? 0, column: node?.mark?.column ?? 0)
    }

    mutating func report(_ diagnostic: Diagnostic) {
        diagnostics.append(diagnostic)
    }

    mutating func error(_ kind: Diagnostic.Kind, _ node: Node?, _ message: String) {
        diagnostics.append(Diagnostic(.error, kind, at: location(node), message))
    }

    mutating func error(_ kind: Diagnostic.Kind, at location: SourceLocation, _ message: String) {
        diagnostics.append(Diagnostic(.error, kind, at: location, message))
    }

    /// The root node of `yaml`, or `nil` with a syntax diagnostic.
    mutating func document(_ yaml: String) -> Node? {
        do {
            guard let root = try Yams.compose(yaml: yaml) else {
                error(.syntax, at: SourceLocation(file: file, line: 1), "the file is empty")
                return nil
            }
            return root
        } catch let yamlError as YamlError {
            var line = 1
            switch yamlError {
            case .scanner(_, _, let mark, _), .parser(_, _, let mark, _), .composer(_, _, let mark, _):
                line = mark.line
            case .duplicatedKeysInMapping(let duplicates, let context):
                // The second value would silently win over the first: say which key, where.
                let keys = duplicates.map { "'\($0)'" }.joined(separator: ", ")
                error(.structure, at: SourceLocation(file: file, line: context.mark.line), "duplicate key \(keys) in one mapping")
                return nil
            default:
                break
            }
            let message = "\(yamlError)".split(separator: "\n").first.map(String.init) ?? "invalid YAML"
            error(.syntax, at: SourceLocation(file: file, line: line), "invalid YAML: \(message)")
            return nil
        } catch {
            self.error(.syntax, at: SourceLocation(file: file, line: 1), "invalid YAML: \(error)")
            return nil
        }
    }

    /// The mapping in `node`, or `nil` with a diagnostic naming `what`.
    mutating func mapping(_ node: Node, _ what: String) -> Node.Mapping? {
        if let mapping = node.mapping { return mapping }
        error(.structure, node, "\(what) must be a mapping, not \(Self.describe(node))")
        return nil
    }

    /// The scalar text of `node`; a diagnostic when it is not a scalar, or is empty (`~`, `null` or nothing).
    mutating func string(_ node: Node?, _ what: String) -> String? {
        guard let node else {
            return nil
        }
        if let scalar = node.scalar {
            if Self.isNull(scalar) {
                error(.structure, node, "\(what) is empty: give it a value (quote it if it is the text \"\(scalar.string)\")")
                return nil
            }
            return scalar.string
        }
        error(.structure, node, "\(what) must be a plain value, not a \(Self.shape(node))")
        return nil
    }

    /// A name: a screen id, a variable, an action or outcome name (`send_amount`, `recipient.name`).
    mutating func identifier(_ node: Node?, _ what: String) -> String? {
        guard let text = string(node, what) else { return nil }
        guard Self.isIdentifier(text) else {
            error(.structure, node, "\(what) must be a name of letters, digits, '_', '.' or '-' starting with a letter, not '\(text)'")
            return nil
        }
        return text
    }

    /// A navigation answer: digits only (`0`, `00`, `98`), at most 4 of them.
    mutating func digitString(_ node: Node?, _ what: String) -> String? {
        guard let text = string(node, what) else { return nil }
        guard !text.isEmpty, text.count <= 4, text.allSatisfy({ $0.isASCII && $0.isNumber }) else {
            error(.structure, node, "\(what) must be an answer of 1 to 4 digits, such as \"98\", not '\(text)'")
            return nil
        }
        return text
    }

    /// `true` or `false`, unquoted.
    mutating func bool(_ node: Node?, _ what: String) -> Bool? {
        guard let node else { return nil }
        if let scalar = node.scalar, scalar.style == .plain {
            switch scalar.string {
            case "true", "True", "TRUE": return true
            case "false", "False", "FALSE": return false
            default: break
            }
        }
        error(.structure, node, "\(what) must be true or false, not \(Self.describe(node))")
        return nil
    }

    /// Whether `text` is a name the menus may use for a screen, a variable, an action or an outcome. Names
    /// starting with `__` are the engine's own screens.
    static func isIdentifier(_ text: String) -> Bool {
        func isLetter(_ byte: UInt8) -> Bool { (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte) || byte == UInt8(ascii: "_") }
        let bytes = Array(text.utf8)
        guard let first = bytes.first, isLetter(first), !text.hasPrefix("__") else { return false }
        return bytes.allSatisfy { isLetter($0) || (0x30...0x39).contains($0) || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "-") }
    }

    /// A language code of two or three lowercase letters (`fr`, `en`, `ewe`).
    static func isLanguageCode(_ text: String) -> Bool {
        (2...3).contains(text.count) && text.allSatisfy { $0.isASCII && $0.isLowercase }
    }

    /// A YAML null: `~`, `null` or no value at all, unquoted.
    static func isNull(_ scalar: Node.Scalar) -> Bool {
        scalar.style == .plain && ["", "~", "null", "Null", "NULL"].contains(scalar.string)
    }

    static func shape(_ node: Node) -> String {
        switch node {
        case .scalar: "value"
        case .mapping: "mapping"
        case .sequence: "list"
        case .alias: "alias"
        }
    }

    static func describe(_ node: Node) -> String {
        guard let scalar = node.scalar else { return "a \(shape(node))" }
        return scalar.style == .plain ? "'\(scalar.string)'" : "the text \"\(scalar.string)\""
    }

    /// A required name, with a diagnostic at `parent` when it is absent.
    mutating func requiredIdentifier(_ mapping: Node.Mapping, _ key: String, in parent: Node, _ what: String) -> String? {
        guard let node = mapping.value(key) else {
            error(.structure, parent, "\(what) needs '\(key):'")
            return nil
        }
        return identifier(node, "'\(key)' of \(what)")
    }

    /// A required scalar, with a diagnostic at `parent` when it is absent.
    mutating func requiredString(_ mapping: Node.Mapping, _ key: String, in parent: Node, _ what: String) -> String? {
        guard let node = mapping.value(key) else {
            error(.structure, parent, "\(what) needs '\(key):'")
            return nil
        }
        return string(node, "'\(key)' of \(what)")
    }

    /// A whole number, unquoted, within `range`.
    mutating func int(_ node: Node?, _ what: String, in range: ClosedRange<Int> = Int.min...Int.max) -> Int? {
        guard let node else { return nil }
        guard let scalar = node.scalar, scalar.style == .plain, let value = Int(scalar.string) else {
            error(.structure, node, "\(what) must be a whole number, not \(Self.describe(node))")
            return nil
        }
        guard range.contains(value) else {
            error(.structure, node, "\(what) must be between \(range.lowerBound) and \(range.upperBound), not \(value)")
            return nil
        }
        return value
    }

    /// A list of scalars (`[a, b]`); `nil` when absent.
    mutating func stringList(_ node: Node?, _ what: String) -> [String]? {
        guard let node else { return nil }
        guard let sequence = node.sequence else {
            error(.structure, node, "\(what) must be a list, not \(Self.describe(node))")
            return nil
        }
        return sequence.compactMap { string($0, "an item of \(what)") }
    }

    /// A list of distinct names (`[msisdn, amount]`); `nil` when absent.
    mutating func identifierList(_ node: Node?, _ what: String) -> [String]? {
        guard let node else { return nil }
        guard let sequence = node.sequence else {
            error(.structure, node, "\(what) must be a list, not \(Self.describe(node))")
            return nil
        }
        var seen = Set<String>()
        var names: [String] = []
        for item in sequence {
            guard let name = identifier(item, "an item of \(what)") else { continue }
            if seen.insert(name).inserted { names.append(name) } else { error(.structure, item, "\(what) lists '\(name)' twice") }
        }
        return names
    }

    /// The pairs of a mapping whose keys are free names (screens, texts, arguments, outcomes): each key must
    /// be a plain name; the others are reported and skipped.
    mutating func namedPairs(_ mapping: Node.Mapping, _ what: String) -> [(name: String, key: Node, value: Node)] {
        var pairs: [(String, Node, Node)] = []
        for (key, value) in mapping {
            if let name = identifier(key, "a key of \(what)") { pairs.append((name, key, value)) }
        }
        return pairs
    }

    /// Reports keys of `mapping` that are not in `allowed` (a typo such as `nxet:` would otherwise
    /// be silently ignored), and keys that are not plain names.
    mutating func checkKeys(_ mapping: Node.Mapping, allowed: Set<String>, in what: String) {
        for key in mapping.keys {
            guard let name = key.scalar?.string else {
                error(.structure, key, "a key in \(what) must be a plain name, not a \(Self.shape(key))")
                continue
            }
            if !allowed.contains(name) {
                error(.structure, key, "unknown key '\(name)' in \(what) (expected one of: \(allowed.sorted().joined(separator: ", ")))")
            }
        }
    }

    /// A template parsed from `source`, with a diagnostic at `node` when it does not parse.
    mutating func template(_ source: String, at node: Node) -> Template? {
        do {
            return try Template(parsing: source)
        } catch {
            self.error(.template, node, error.message)
            return nil
        }
    }

    /// A text: a plain string (every language) or a mapping of language code to string.
    mutating func localizedText(_ node: Node?, _ what: String) -> LocalizedText? {
        guard let node else { return nil }
        if let scalar = node.scalar {
            guard let template = template(scalar.string, at: node) else { return nil }
            return LocalizedText(
                templates: [LocalizedText.neutral: template],
                locations: [LocalizedText.neutral: location(node)],
                location: location(node)
            )
        }
        guard let mapping = mapping(node, what) else { return nil }
        var templates: [String: Template] = [:]
        var locations: [String: SourceLocation] = [:]
        for (key, value) in mapping {
            guard let language = string(key, "a language of \(what)"), let source = string(value, "\(what) (\(key.scalar?.string ?? ""))") else {
                continue
            }
            guard Self.isLanguageCode(language) else {
                error(.structure, key, "\(what): '\(language)' is not a language code (fr, en…)")
                continue
            }
            if let template = template(source, at: value) {
                templates[language] = template
                locations[language] = location(value)
            }
        }
        return LocalizedText(templates: templates, locations: locations, location: location(node))
    }
}

extension Node.Mapping {
    /// The value for a key compared as plain text, so `on:`, `yes:` or `1:` keys are not read as
    /// booleans or numbers by the YAML resolver.
    func value(_ key: String) -> Node? {
        first { $0.key.scalar?.string == key }?.value
    }
}
