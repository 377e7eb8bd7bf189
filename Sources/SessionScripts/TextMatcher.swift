import Foundation

/// One expectation about a text (a screen or an SMS).
///
/// In YAML, a plain string means `contains`; a mapping may combine `exact`, `contains`
/// (a string or a list, all must appear), `not_contains` (same) and `regex` (searched anywhere;
/// anchor it with `^…$` for a whole match).
public struct TextMatcher: Sendable, CustomStringConvertible {
    /// The text must be exactly this.
    public var exact: String?
    /// Each must appear in the text.
    public var contains: [String]
    /// None may appear in the text.
    public var notContains: [String]
    /// The pattern, as written.
    public var regex: String?
    private let compiled: NSRegularExpression?

    /// A matcher; throws when `regex` does not compile.
    public init(exact: String? = nil, contains: [String] = [], notContains: [String] = [], regex: String? = nil) throws {
        self.exact = exact
        self.contains = contains
        self.notContains = notContains
        self.regex = regex
        compiled = try regex.map { try NSRegularExpression(pattern: $0, options: [.dotMatchesLineSeparators]) }
    }

    /// Whether `text` meets every part of the expectation.
    public func matches(_ text: String) -> Bool {
        if let exact, text != exact { return false }
        if contains.contains(where: { !text.contains($0) }) { return false }
        if notContains.contains(where: { text.contains($0) }) { return false }
        if let compiled, compiled.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) == nil { return false }
        return true
    }

    /// `exact "…"`, `contains "…"`, `matching /…/`, joined by "and".
    public var description: String {
        var parts: [String] = []
        if let exact { parts.append("exactly \(Self.quoted(exact))") }
        parts += contains.map { "containing \(Self.quoted($0))" }
        parts += notContains.map { "not containing \(Self.quoted($0))" }
        if let regex { parts.append("matching /\(regex)/") }
        return parts.isEmpty ? "anything" : parts.joined(separator: " and ")
    }

    static func quoted(_ text: String) -> String {
        "\"" + text.replacingOccurrences(of: "\n", with: "\\n") + "\""
    }
}
