/// One SMTP reply: a three-digit code and one or more text lines (`250-first`, `250 last`).
public struct SMTPReply: Sendable, Hashable, CustomStringConvertible {
    /// The reply code, 200…599.
    public let code: Int
    /// The text of each line, without the code and its separator, in order. A line may be empty.
    public let lines: [String]
    /// The RFC 3463 enhanced status code at the start of the first line (`5.1.1`), when the server sent one.
    public let enhancedStatusCode: EnhancedStatusCode?

    public init(code: Int, lines: [String]) {
        self.code = code
        self.lines = lines.isEmpty ? [""] : lines
        self.enhancedStatusCode = lines.first.flatMap { EnhancedStatusCode(prefixOf: $0, replyCode: code) }
    }

    /// 2xx: the command succeeded.
    public var isPositiveCompletion: Bool { code / 100 == 2 }
    /// 3xx: the server waits for more (354 after DATA, 334 during AUTH).
    public var isPositiveIntermediate: Bool { code / 100 == 3 }
    /// 4xx: try again later.
    public var isTransientNegative: Bool { code / 100 == 4 }
    /// 5xx: refused.
    public var isPermanentNegative: Bool { code / 100 == 5 }

    /// All lines joined with a space, as a person would read the reply.
    public var text: String { lines.joined(separator: " ") }

    /// `550 5.1.1 No such user` (several lines joined with " / ").
    public var description: String { "\(code) " + lines.joined(separator: " / ") }

    /// The same reply with every occurrence of the given secrets replaced, for a server that echoes what it got.
    func redacting(_ secrets: [String]) -> SMTPReply {
        let secrets = secrets.filter { !$0.isEmpty }
        guard !secrets.isEmpty else { return self }
        let redacted = lines.map { line in
            secrets.reduce(line) { $0.replacingOccurrences(of: $1, with: "<redacted>") }
        }
        return SMTPReply(code: code, lines: redacted)
    }
}

extension String {
    /// Plain substring replacement without Foundation.
    fileprivate func replacingOccurrences(of target: String, with replacement: String) -> String {
        guard !target.isEmpty else { return self }
        var result = ""
        var rest = self[...]
        while let range = rest.firstRange(of: target) {
            result += rest[rest.startIndex..<range.lowerBound]
            result += replacement
            rest = rest[range.upperBound...]
        }
        result += rest
        return result
    }
}
