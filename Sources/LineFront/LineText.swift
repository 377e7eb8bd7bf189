/// The escapes of text fields: `\n` for a newline and `\\` for a backslash; nothing else is escaped.
public enum LineText {
    /// Escapes `text` for a line.
    public static func escape(_ text: String) -> String {
        guard text.contains(where: { $0 == "\\" || $0 == "\n" || $0 == "\r\n" }) else { return text }
        var out = ""
        out.reserveCapacity(text.utf8.count + 8)
        for character in text {
            switch character {
            case "\\": out += "\\\\"
            case "\n", "\r\n": out += "\\n"
            default: out.append(character)
            }
        }
        return out
    }

    /// Undoes `escape`. A backslash before any other character, or at the end, is kept as it is: the
    /// protocol escapes nothing else, so it is the subscriber's text.
    public static func unescape(_ text: Substring) -> String {
        guard text.contains("\\") else { return String(text) }
        var out = ""
        var iterator = text.makeIterator()
        while let character = iterator.next() {
            guard character == "\\" else {
                out.append(character)
                continue
            }
            switch iterator.next() {
            case "n": out.append("\n")
            case "\\": out.append("\\")
            case let other?: out += "\\" + String(other)
            case nil: out.append("\\")
            }
        }
        return out
    }
}
