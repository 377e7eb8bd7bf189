/// Builds one header field from words, folding (CRLF then a space) between words so lines stay within 76
/// characters where the words allow it (RFC 5322 §2.2.3; 76 is RFC 2047's limit for lines with encoded-words).
/// Unfolding (removing each CRLF) gives back the words joined by single spaces.
struct HeaderFolder {
    static let lineLimit = 76

    private(set) var text: String
    private var lineLength: Int
    private var lineHasWord = false

    init(name: String) {
        text = name + ":"
        lineLength = text.utf8.count
    }

    /// Appends a space and the word, or a fold and the word when the line would get too long. Never folds before
    /// an empty word (a run of spaces), since a folded line may not be only white space.
    mutating func append(_ word: String) {
        let length = word.utf8.count
        if lineHasWord && !word.isEmpty && lineLength + 1 + length > Self.lineLimit {
            text += "\r\n "
            lineLength = 1
        } else {
            text += " "
            lineLength += 1
        }
        text += word
        lineLength += length
        if !word.isEmpty { lineHasWord = true }
    }

    static func field(_ name: String, words: [String]) -> String {
        var folder = HeaderFolder(name: name)
        for word in words { folder.append(word) }
        return folder.text
    }
}
