/// An RFC 3463 enhanced status code, `class.subject.detail` (`5.1.1` bad destination mailbox, `4.7.0` try later).
public struct EnhancedStatusCode: Sendable, Hashable, CustomStringConvertible {
    /// 2 success, 4 persistent transient failure, 5 permanent failure.
    public let statusClass: Int
    public let subject: Int
    public let detail: Int

    public init(statusClass: Int, subject: Int, detail: Int) {
        self.statusClass = statusClass
        self.subject = subject
        self.detail = detail
    }

    /// Parses `x.y.z` at the start of a reply line, followed by a space or the end of the line. The class must be
    /// 2, 4 or 5 and agree with the reply code's first digit (RFC 2034), so a text that merely starts with digits
    /// ("1.2.3 is out") is not mistaken for one.
    init?(prefixOf line: String, replyCode: Int) {
        let token = line.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3,
            parts[0].count == 1, (1...3).contains(parts[1].count), (1...3).contains(parts[2].count),
            parts.allSatisfy({ $0.allSatisfy(\.isASCIIDigit) }),
            let c = Int(parts[0]), let s = Int(parts[1]), let d = Int(parts[2]),
            [2, 4, 5].contains(c), c == replyCode / 100
        else { return nil }
        self.init(statusClass: c, subject: s, detail: d)
    }

    public var description: String { "\(statusClass).\(subject).\(detail)" }
}

extension Character {
    var isASCIIDigit: Bool { asciiValue.map { $0 >= 0x30 && $0 <= 0x39 } ?? false }
}
