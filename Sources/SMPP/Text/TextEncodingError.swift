/// Why a text cannot be sent as asked.
public struct TextEncodingError: Error, Hashable, Sendable, CustomStringConvertible {
    public enum Code: String, Hashable, Sendable {
        /// The data coding cannot carry a character of the text.
        case unrepresentable
        /// More than 255 parts would be needed.
        case tooLong
    }

    public var code: Code
    public var message: String

    public var description: String { "\(code.rawValue): \(message)" }
}
