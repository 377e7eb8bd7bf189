#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// RFC 2047 encoded-words (`=?UTF-8?B?…?=`) for non-ASCII subjects and display names.
///
/// Each word carries at most 36 octets of UTF-8 (60 characters with its delimiters), so a header line holding one
/// stays under 76 characters whatever precedes it, and words are cut between characters, never inside one, so
/// each word decodes on its own (RFC 2047 §5).
enum EncodedWord {
    static let maximumPayload = 36

    static func encode(_ text: String) -> [String] {
        var words: [String] = []
        var chunk: [UInt8] = []
        func flush() {
            guard !chunk.isEmpty else { return }
            words.append("=?UTF-8?B?" + Data(chunk).base64EncodedString() + "?=")
            chunk = []
        }
        for character in text {
            let bytes = Array(String(character).utf8)
            if bytes.count <= maximumPayload {
                if chunk.count + bytes.count > maximumPayload { flush() }
                chunk += bytes
            } else {
                // A grapheme longer than one word (long combining sequences): cut between its scalars.
                for scalar in character.unicodeScalars {
                    let scalarBytes = Array(String(scalar).utf8)
                    if chunk.count + scalarBytes.count > maximumPayload { flush() }
                    chunk += scalarBytes
                }
            }
        }
        flush()
        return words
    }

    /// Whether text can go into a header as it is: printable ASCII, no word over 60 characters (so folding can keep
    /// lines short), and nothing a receiver could take for an encoded-word.
    static func isPlainSafe(_ text: String) -> Bool {
        text.utf8.allSatisfy { $0 >= 0x20 && $0 < 0x7F }
            && !text.contains("=?")
            && text.split(separator: " ").allSatisfy { $0.utf8.count <= 60 }
    }
}
