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
        error(.structure, node, "\(what) must be a mapping")
        return nil
    }

    /// The scalar text of `node`; a diagnostic when it is missing (and `required`) or not a scalar.
    mutating func string(_ node: Node?, _ what: String) -> String? {
        guard let node else {
            return nil
        }
        if let scalar = node.scalar { return scalar.string }
        error(.structure, node, "\(what) must be a plain value")
        return nil
    }

    /// A required scalar, with a diagnostic at `parent` when it is absent.
    mutating func requiredString(_ mapping: Node.Mapping, _ key: String, in parent: Node, _ what: String) -> String? {
        guard let node = mapping.value(key) else {
            error(.structure, parent, "\(what) needs '\(key):'")
            return nil
        }
        return string(node, "'\(key)' of \(what)")
    }

    mutating func int(_ node: Node?, _ what: String) -> Int? {
        guard let text = string(node, what) else { return nil }
        if let value = Int(text) { return value }
        error(.structure, node, "\(what) must be a whole number, not '\(text)'")
        return nil
    }

    /// A list of scalars (`[a, b]`); `nil` when absent.
    mutating func stringList(_ node: Node?, _ what: String) -> [String]? {
        guard let node else { return nil }
        guard let sequence = node.sequence else {
            error(.structure, node, "\(what) must be a list")
            return nil
        }
        return sequence.compactMap { string($0, "an item of \(what)") }
    }

    /// Reports keys of `mapping` that are not in `allowed` (a typo such as `nxet:` would otherwise
    /// be silently ignored).
    mutating func checkKeys(_ mapping: Node.Mapping, allowed: Set<String>, in what: String) {
        for key in mapping.keys {
            guard let name = key.scalar?.string else { continue }
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
            guard let language = key.scalar?.string, let source = string(value, "\(what) (\(key.scalar?.string ?? ""))") else {
                continue
            }
            guard language.count >= 2, language.count <= 3, language.allSatisfy({ $0.isASCII && $0.isLowercase }) else {
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
