/// A text template, parsed once at load time and rendered on every step without parsing again.
///
/// Syntax: literal text with `{{ path }}` for a variable (`{{recipient.name}}`), filters after
/// a bar (`{{amount | money}}`, `{{recipient | local}}`, `{{subscriber.name | default:"client"}}`),
/// and `{{@key}}` to include a shared text from the service's `texts:` block.
/// Filters: `money` (`5 000 FCFA`), `local` (a `228XXXXXXXX` number as `XXXXXXXX`), `upper`,
/// `lower`, `default:"text"` (used when the variable is unset or empty).
struct Template: Sendable, Hashable {
    /// One piece of a template.
    enum Segment: Sendable, Hashable {
        case literal(String)
        case variable(VariableReference)
        /// A shared text, replaced by that text's template when the service is compiled.
        case include(String)
    }

    /// A variable with its filters, in the order they apply.
    struct VariableReference: Sendable, Hashable {
        var path: String
        var filters: [Filter]

        /// Whether a missing value is expected (a `default` filter supplies one).
        var isOptional: Bool {
            filters.contains { if case .defaultValue = $0 { true } else { false } }
        }
    }

    /// A transformation of a variable's value.
    enum Filter: Sendable, Hashable {
        case money
        case local
        case upper
        case lower
        case defaultValue(String)
    }

    /// A template that does not parse.
    struct ParseError: Error, Sendable, Hashable {
        var message: String
    }

    var segments: [Segment]

    /// A template made of one literal text.
    init(literal: String) {
        segments = literal.isEmpty ? [] : [.literal(literal)]
    }

    init(segments: [Segment]) {
        self.segments = segments
    }

    /// Parses `source`; throws a ``ParseError`` that names the problem.
    init(parsing source: String) throws(ParseError) {
        var segments: [Segment] = []
        var rest = Substring(source)
        while let open = rest.range(of: "{{") {
            if open.lowerBound > rest.startIndex { segments.append(.literal(String(rest[..<open.lowerBound]))) }
            let afterOpen = rest[open.upperBound...]
            guard let close = afterOpen.range(of: "}}") else {
                throw ParseError(message: "unterminated '{{' in \"\(source)\"")
            }
            segments.append(try Self.parseExpression(afterOpen[..<close.lowerBound], in: source))
            rest = afterOpen[close.upperBound...]
        }
        if !rest.isEmpty { segments.append(.literal(String(rest))) }
        self.segments = Self.merged(segments)
    }

    private static func parseExpression(_ expression: Substring, in source: String) throws(ParseError) -> Segment {
        let trimmed = expression.trimmingSpaces
        if trimmed.hasPrefix("@") {
            let key = String(trimmed.dropFirst()).trimmingSpaces
            guard !key.isEmpty, key.allSatisfy(\.isIdentifierCharacter) else {
                throw ParseError(message: "bad shared text reference '{{\(expression)}}'")
            }
            return .include(key)
        }
        var parts = trimmed.split(separator: "|", omittingEmptySubsequences: false).map { String($0).trimmingSpaces }
        let path = parts.removeFirst()
        guard !path.isEmpty, path.allSatisfy(\.isIdentifierCharacter) else {
            throw ParseError(message: "bad variable name '\(path)' in \"\(source)\"")
        }
        var filters: [Filter] = []
        for part in parts {
            switch part {
            case "money": filters.append(.money)
            case "local": filters.append(.local)
            case "upper": filters.append(.upper)
            case "lower": filters.append(.lower)
            case _ where part.hasPrefix("default:"):
                var argument = part.dropFirst("default:".count).trimmingSpaces
                if argument.count >= 2, argument.first == "\"", argument.last == "\"" {
                    argument = String(argument.dropFirst().dropLast())
                }
                filters.append(.defaultValue(argument))
            default:
                throw ParseError(message: "unknown filter '\(part)' in \"\(source)\" (known: money, local, upper, lower, default)")
            }
        }
        return .variable(VariableReference(path: path, filters: filters))
    }

    /// Adjacent literals joined, so rendering appends as few pieces as possible.
    static func merged(_ segments: [Segment]) -> [Segment] {
        var result: [Segment] = []
        for segment in segments {
            if case .literal(let text) = segment, case .literal(let previous)? = result.last {
                result[result.count - 1] = .literal(previous + text)
            } else if case .literal(let text) = segment, text.isEmpty {
                continue
            } else {
                result.append(segment)
            }
        }
        return result
    }

    /// The variables this template reads.
    var variables: [VariableReference] {
        segments.compactMap { if case .variable(let reference) = $0 { reference } else { nil } }
    }

    /// The shared texts this template includes.
    var includes: [String] {
        segments.compactMap { if case .include(let key) = $0 { key } else { nil } }
    }

    /// The literal text of this template (variables left out), for alphabet checks.
    var literalText: String {
        segments.reduce(into: "") { text, segment in
            if case .literal(let literal) = segment { text += literal }
        }
    }

    /// This template with each `{{@key}}` replaced by `lookup(key)` (left out when unknown).
    func resolvingIncludes(_ lookup: (String) -> Template?) -> Template {
        var result: [Segment] = []
        for segment in segments {
            if case .include(let key) = segment {
                result += lookup(key)?.segments ?? []
            } else {
                result.append(segment)
            }
        }
        return Template(segments: Self.merged(result))
    }

    /// This template with every variable that `resolve` answers for replaced by that literal text, so
    /// values fixed when the menus load (a shared menu's `{{operator.name}}`) cost nothing per step.
    func substituting(_ resolve: (VariableReference) -> String?) -> Template {
        let result = segments.map { segment -> Segment in
            if case .variable(let reference) = segment, let text = resolve(reference) { return .literal(text) }
            return segment
        }
        return Template(segments: Self.merged(result))
    }

    /// Appends the rendered text to `output`.
    func render(into output: inout String, context: RenderContext) {
        for segment in segments {
            switch segment {
            case .literal(let text):
                output += text
            case .variable(let reference):
                output += context.value(of: reference)
            case .include:
                // Includes are resolved at compile time; one left here names an unknown text.
                break
            }
        }
    }

    /// The rendered text.
    func render(_ context: RenderContext) -> String {
        var output = ""
        render(into: &output, context: context)
        return output
    }
}

/// What a template reads while rendering.
struct RenderContext {
    /// The session's variables.
    var variables: [String: String]
    /// Variables that are never shown (PINs): rendered as `****` should a menu try.
    var secrets: Set<String> = []
    /// The label the `money` filter writes after the amount.
    var currency: String = "FCFA"
    /// The host's number and money rules, for the `local` and `money` filters.
    var rules: HostRules = .plain
    /// Values that shadow `variables`, such as a validator's `min` and `max` in its reason.
    var extra: [String: String] = [:]
    /// Whether values are written as HTML text (`&`, `<`, `>`, `"`, `'` escaped), for an e-mail's HTML part:
    /// a value (a name another network gave) can then never add markup. Literal text is the author's HTML.
    var escapesHTML = false

    /// The value of one variable reference, filters applied.
    func value(of reference: Template.VariableReference) -> String {
        if secrets.contains(reference.path) { return "****" }
        var value = extra[reference.path] ?? variables[reference.path] ?? ""
        for filter in reference.filters {
            switch filter {
            case .money: if let amount = Int64(value) { value = rules.money(amount, currency) }
            case .local: value = rules.localNumber(value)
            case .upper: value = value.uppercased()
            case .lower: value = value.lowercased()
            case .defaultValue(let fallback): if value.isEmpty { value = fallback }
            }
        }
        return escapesHTML ? Self.htmlEscaped(value) : value
    }

    /// `value` as HTML text.
    static func htmlEscaped(_ value: String) -> String {
        var escaped = ""
        escaped.reserveCapacity(value.utf8.count)
        for character in value {
            switch character {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "\"": escaped += "&quot;"
            case "'": escaped += "&#39;"
            default: escaped.append(character)
            }
        }
        return escaped
    }
}

extension Character {
    /// Letters, digits, `_`, `.` and `-`: what a variable or text key may be made of.
    var isIdentifierCharacter: Bool {
        isASCII && (isLetter || isNumber || self == "_" || self == "." || self == "-")
    }
}

extension StringProtocol {
    /// The string without leading and trailing spaces (Foundation-free, so it stays cheap).
    var trimmingSpaces: String {
        var slice = Substring(self)
        while slice.first == " " { slice.removeFirst() }
        while slice.last == " " { slice.removeLast() }
        return String(slice)
    }
}
