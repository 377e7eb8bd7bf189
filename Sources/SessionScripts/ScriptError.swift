/// A script file that cannot be read, with the place of the mistake.
public struct ScriptError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The file.
    public var file: String
    /// 1-based line; 0 when unknown.
    public var line: Int
    /// What is wrong.
    public var message: String

    /// An error.
    public init(file: String, line: Int, message: String) {
        self.file = file
        self.line = line
        self.message = message
    }

    /// `file:line: message`.
    public var description: String { "\(file):\(line): \(message)" }
}
