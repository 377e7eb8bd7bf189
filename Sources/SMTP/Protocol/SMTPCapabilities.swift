/// What the server said it supports in its EHLO reply (RFC 5321 §4.1.1.1): one keyword per line after the first,
/// with optional parameters (`SIZE 35882577`, `AUTH PLAIN LOGIN`). After HELO, or before any EHLO, it is empty.
public struct SMTPCapabilities: Sendable, Hashable {
    /// Each advertised keyword, upper-cased, with its parameters as sent.
    public let extensions: [String: [String]]

    public init(extensions: [String: [String]] = [:]) {
        self.extensions = extensions
    }

    /// Reads an EHLO reply: the first line is the server's name and greeting, each further line one extension.
    /// `AUTH=LOGIN PLAIN`, the pre-standard spelling some servers still send, counts as AUTH.
    public init(ehloReply reply: SMTPReply) {
        var extensions: [String: [String]] = [:]
        for line in reply.lines.dropFirst() {
            var words = line.split(separator: " ").map(String.init)
            guard !words.isEmpty else { continue }
            var keyword = words.removeFirst().uppercased()
            if keyword.hasPrefix("AUTH=") {
                words.insert(String(keyword.dropFirst(5)), at: 0)
                keyword = "AUTH"
            }
            extensions[keyword, default: []].append(contentsOf: words)
        }
        self.extensions = extensions
    }

    /// Whether the keyword was advertised (case-insensitive).
    public func supports(_ keyword: String) -> Bool { extensions[keyword.uppercased()] != nil }

    /// STARTTLS (RFC 3207).
    public var supportsSTARTTLS: Bool { supports("STARTTLS") }

    /// ENHANCEDSTATUSCODES (RFC 2034).
    public var supportsEnhancedStatusCodes: Bool { supports("ENHANCEDSTATUSCODES") }

    /// The SASL mechanisms listed after AUTH, upper-cased.
    public var authenticationMechanisms: Set<String> { Set((extensions["AUTH"] ?? []).map { $0.uppercased() }) }

    /// The SIZE limit in octets (RFC 1870) when the server announced one; `SIZE` alone or `SIZE 0` means no limit.
    public var maximumMessageSize: Int? {
        guard let value = extensions["SIZE"]?.first, let size = Int(value), size > 0 else { return nil }
        return size
    }
}
